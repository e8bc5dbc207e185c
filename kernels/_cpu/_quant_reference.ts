/**
 * Plain integer references of the 8-bit nodes (TFLite's reference_ops semantics), the oracle of the
 * quantized tests: whole graphs of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD,
 * AVERAGE_POOL_2D and RESHAPE, node by node, in plain loops.
 *
 * @module
 */
import type { ExecGraph, ExecNode } from "../../core/exec_graph.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { convAxis, type ConvOptions } from "../_shared/conv_common.ts";
import { poolGeometry, type PoolParams } from "../_shared/pool_window.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import {
  multiplyByQuantizedMultiplier,
  quantAdd,
  quantAddParams,
  quantizedActivationRange,
  quantizeMultiplier,
} from "../_shared/quant_math.ts";

type Vals = Map<number, HostTensor>;

function alloc(g: ExecGraph, t: number): HostTensor {
  const s = g.tensors[t];
  const n = numElements(s.shape);
  return {
    dtype: s.dtype,
    shape: s.shape,
    quantization: s.quantization,
    data: s.dtype === "int8" ? new Int8Array(n) : new Uint8Array(n),
  };
}

function conv(g: ExecGraph, node: ExecNode, v: Vals, depthwise: boolean): HostTensor {
  const o = node.options as ConvOptions;
  const x = v.get(node.inputs[0])!, w = g.tensors[node.inputs[1]];
  const b = node.inputs[2] >= 0 ? g.tensors[node.inputs[2]].value : undefined;
  const y = alloc(g, node.outputs[0]);
  const [N, H, W, C] = x.shape;
  const [, KH, KW] = w.shape;
  const O = depthwise ? w.shape[3] : w.shape[0];
  const [, OH, OW] = y.shape;
  const py =
    convAxis({ padding: o.padding, size: H, kernel: KH, stride: o.strideH, dilation: o.dilationH })
      .before;
  const px =
    convAxis({ padding: o.padding, size: W, kernel: KW, stride: o.strideW, dilation: o.dilationW })
      .before;
  const zx = x.quantization!.zeroPoint[0];
  const wq = w.quantization!, yq = y.quantization!;
  const range = quantizedActivationRange(o.activation, y.dtype, yq)!;
  const wd = w.value!.data;
  let k = 0;
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let oc = 0; oc < O; oc++) {
          const zw = wq.zeroPoint.length > 1 ? wq.zeroPoint[oc] : wq.zeroPoint[0];
          const sw = wq.scale.length > 1 ? wq.scale[oc] : wq.scale[0];
          let acc = b ? Number(b.data[oc]) : 0;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * o.strideH - py + ky * o.dilationH;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * o.strideW - px + kx * o.dilationW;
              if (ix < 0 || ix >= W) continue;
              const base = ((n * H + iy) * W + ix) * C;
              if (depthwise) {
                acc += (Number(x.data[base + oc]) - zx) *
                  (Number(wd[(ky * KW + kx) * O + oc]) - zw);
              } else {
                for (let c = 0; c < C; c++) {
                  acc += (Number(x.data[base + c]) - zx) *
                    (Number(wd[((oc * KH + ky) * KW + kx) * C + c]) - zw);
                }
              }
            }
          }
          const m = quantizeMultiplier((x.quantization!.scale[0] * sw) / yq.scale[0]);
          const r = multiplyByQuantizedMultiplier(acc, m) + yq.zeroPoint[0];
          y.data[k++] = Math.min(range[1], Math.max(range[0], r));
        }
      }
    }
  }
  return y;
}

function fc(g: ExecGraph, node: ExecNode, v: Vals): HostTensor {
  const w = g.tensors[node.inputs[1]];
  const x = v.get(node.inputs[0])!;
  const [O, I] = w.shape;
  const y = alloc(g, node.outputs[0]);
  const asConv: ExecGraph = {
    ...g,
    tensors: g.tensors.map((t, i) =>
      i === node.inputs[1]
        ? { ...t, shape: [O, 1, 1, I] }
        : i === node.outputs[0]
        ? { ...t, shape: [1, 1, numElements(x.shape) / I, O] }
        : t
    ),
  };
  const vals: Vals = new Map([[node.inputs[0], {
    ...x,
    shape: [1, 1, numElements(x.shape) / I, I],
  }]]);
  const conv1 = conv(
    asConv,
    {
      ...node,
      options: {
        padding: "VALID",
        strideW: 1,
        strideH: 1,
        dilationW: 1,
        dilationH: 1,
        activation: (node.options as { activation: FusedActivation }).activation,
      },
    },
    vals,
    false,
  );
  (y.data as Uint8Array).set(conv1.data as Uint8Array);
  return y;
}

function add(g: ExecGraph, node: ExecNode, v: Vals): HostTensor {
  const a = v.get(node.inputs[0])!, b = v.get(node.inputs[1])!;
  const y = alloc(g, node.outputs[0]);
  const act = (node.options as { activation: FusedActivation }).activation;
  const range = quantizedActivationRange(act, y.dtype, y.quantization!)!;
  const p = quantAddParams([a.quantization!, b.quantization!, y.quantization!], range);
  for (let i = 0; i < y.data.length; i++) {
    y.data[i] = quantAdd(Number(a.data[i]), Number(b.data[i]), p);
  }
  return y;
}

function avgPool(g: ExecGraph, node: ExecNode, v: Vals): HostTensor {
  const p = node.options as PoolParams;
  const x = v.get(node.inputs[0])!;
  const y = alloc(g, node.outputs[0]);
  const geo = poolGeometry(node.op, x.shape, p);
  const [B, H, W, C] = geo.input;
  const range = quantizedActivationRange(p.activation, y.dtype, y.quantization!)!;
  let k = 0;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < geo.y.out; oy++) {
      for (let ox = 0; ox < geo.x.out; ox++) {
        for (let c = 0; c < C; c++) {
          let acc = 0, count = 0;
          for (let fy = 0; fy < p.filterH; fy++) {
            const iy = oy * p.strideH - geo.y.pad + fy;
            for (let fx = 0; fx < p.filterW; fx++) {
              const ix = ox * p.strideW - geo.x.pad + fx;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              acc += Number(x.data[((b * H + iy) * W + ix) * C + c]);
              count++;
            }
          }
          const avg = acc >= 0
            ? Math.trunc((acc + Math.trunc(count / 2)) / count)
            : Math.trunc((acc - Math.trunc(count / 2)) / count);
          y.data[k++] = Math.min(range[1], Math.max(range[0], avg));
        }
      }
    }
  }
  return y;
}

/**
 * Runs an 8-bit graph with plain integer loops.
 *
 * @example
 * ```ts ignore
 * const [y] = runQuantReference(graph, [x]);
 * ```
 *
 * @param g The exec graph (8-bit nodes bound in 8-bit mode).
 * @param inputs Graph inputs.
 * @returns Graph outputs.
 */
export function runQuantReference(g: ExecGraph, inputs: HostTensor[]): HostTensor[] {
  const v: Vals = new Map();
  g.inputs.forEach((t, i) => v.set(t, { ...inputs[i], quantization: g.tensors[t].quantization }));
  for (const node of g.nodes) {
    let y: HostTensor;
    if (node.op === "CONV_2D") y = conv(g, node, v, false);
    else if (node.op === "DEPTHWISE_CONV_2D") y = conv(g, node, v, true);
    else if (node.op === "FULLY_CONNECTED") y = fc(g, node, v);
    else if (node.op === "ADD") y = add(g, node, v);
    else if (node.op === "AVERAGE_POOL_2D") y = avgPool(g, node, v);
    else {
      const x = v.get(node.inputs[0])!;
      y = { ...alloc(g, node.outputs[0]), data: x.data.slice() };
    }
    v.set(node.outputs[0], y);
  }
  return g.outputs.map((t) => v.get(t)!);
}
