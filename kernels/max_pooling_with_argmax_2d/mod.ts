/**
 * MaxPoolingWithArgmax2D (MediaPipe custom op): max pooling that also outputs, for each output
 * element, where its maximum sits inside the window, as MediaPipe defines it: the float
 * `dy * filterWidth + dx + 0.1` with `(dy, dx)` the offset from the window's unclipped top-left corner
 * (the `+ 0.1` makes truncation back to an integer safe). The first strictly greatest element wins;
 * padding never does. Options are raw `TfLitePoolParams` bytes.
 *
 * @module
 */
import type { GpuTensorInfo, HostTensor, KernelDef, OpCase } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { applyActivation } from "../_shared/options.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { activationWgsl, decompose, dispatch1d, main1d } from "../_gpu/wgsl.ts";
import { poolGeometry, type PoolParams } from "../_shared/pool_window.ts";
import { parsePoolParamsBytes, poolParamsBytes } from "../_shared/pool_custom.ts";
import { REDUCERS } from "../_shared/pool_wgsl.ts";
import { maxPoolBuilder } from "../_cpu/pool.ts";

const OP = "MaxPoolingWithArgmax2D";

/** Largest window whose indices (+0.1) f16 storage still truncates to the right integer. */
export const F16_MAX_WINDOW = 2048;

function reference(x: HostTensor, p: PoolParams): HostTensor[] {
  const g = poolGeometry(OP, x.shape, p);
  const [B, H, W, C] = g.input;
  const shape = [B, g.y.out, g.x.out, C];
  const values = allocTensor("float32", shape);
  const indices = allocTensor("float32", shape);
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < g.y.out; oy++) {
      const y0 = oy * p.strideH - g.y.pad;
      for (let ox = 0; ox < g.x.out; ox++) {
        const x0 = ox * p.strideW - g.x.pad;
        for (let c = 0; c < C; c++) {
          let best = REDUCERS.max.identity;
          let by = 0;
          let bx = 0;
          for (let dy = Math.max(0, -y0); dy < Math.min(p.filterH, H - y0); dy++) {
            for (let dx = Math.max(0, -x0); dx < Math.min(p.filterW, W - x0); dx++) {
              const v = readNumber(x, ((b * H + y0 + dy) * W + x0 + dx) * C + c);
              if (v > best) {
                best = v;
                by = dy;
                bx = dx;
              }
            }
          }
          values.data[o] = applyActivation(p.activation, best);
          indices.data[o++] = Math.fround(by * p.filterW + bx + Math.fround(0.1));
        }
      }
    }
  }
  return [values, indices];
}

function plan(x: GpuTensorInfo, out: GpuTensorInfo, p: PoolParams) {
  const g = poolGeometry(OP, x.shape, p);
  const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
  const body = `${decompose(out)}  let y0 = h * ${p.strideH} - ${g.y.pad};
  let x0 = w * ${p.strideW} - ${g.x.pad};
  var best = vec4<f32>(${REDUCERS.max.wgslIdentity});
  var idx = vec4<i32>(0);
  for (var yy = max(y0, 0); yy < min(y0 + ${p.filterH}, ${g.input[1]}); yy++) {
    for (var xx = max(x0, 0); xx < min(x0 + ${p.filterW}, ${g.input[2]}); xx++) {
      let v = x_vec(b, yy, xx, s);
      let better = v > best;
      best = select(best, v, better);
      idx = select(idx, vec4<i32>((yy - y0) * ${p.filterW} + xx - x0), better);
    }
  }
  y_store(i, ${activationWgsl(p.activation, "best")});
  ind_store(i, vec4<f32>(idx) + vec4<f32>(0.1));`;
  return [{
    label: "max pool with argmax",
    code: main1d(n, body),
    bindings: [
      { kind: "input" as const, index: 0, name: "x" },
      { kind: "output" as const, index: 0, name: "y" },
      { kind: "output" as const, index: 1, name: "ind" },
    ],
    dispatch: dispatch1d(n),
  }];
}

/** f16-exact values with repeats, so ties resolve the same way in both precisions. */
function tieData(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (((i * 37) % 101) - 50) / 8);
}

/** Conformance cases: `[shape, window]`. */
export const ARGMAX_POOL_CASES: [number[], PoolParams][] = [
  [[1, 8, 8, 3], {
    padding: "SAME",
    strideW: 2,
    strideH: 2,
    filterW: 2,
    filterH: 2,
    activation: "NONE",
  }],
  [[2, 9, 9, 5], {
    padding: "SAME",
    strideW: 2,
    strideH: 2,
    filterW: 2,
    filterH: 2,
    activation: "RELU",
  }],
  [[1, 7, 7, 7], {
    padding: "VALID",
    strideW: 2,
    strideH: 2,
    filterW: 3,
    filterH: 3,
    activation: "NONE",
  }],
  [[1, 6, 6, 4], {
    padding: "SAME",
    strideW: 1,
    strideH: 1,
    filterW: 3,
    filterH: 3,
    activation: "RELU6",
  }],
  [[1, 16, 16, 3], {
    padding: "VALID",
    strideW: 1,
    strideH: 1,
    filterW: 16,
    filterH: 16,
    activation: "NONE",
  }],
  [[1, 32, 32, 8], {
    padding: "SAME",
    strideW: 2,
    strideH: 2,
    filterW: 2,
    filterH: 2,
    activation: "NONE",
  }],
];

/** The MaxPoolingWithArgmax2D kernel. */
export const maxPoolingWithArgmax2d: KernelDef<PoolParams> = {
  name: OP,
  custom: true,
  parse({ customOptions, inputs }) {
    if (inputs.length !== 1 || !inputs[0]) {
      throw new OpError(`${OP} needs 1 input, got ${inputs.length}`);
    }
    return parsePoolParamsBytes(OP, customOptions);
  },
  infer({ inputs, options }) {
    const x = inputs[0]!;
    if (x.dtype !== "float32") throw new OpError(`${OP}: dtype ${x.dtype} is not supported`);
    const g = poolGeometry(OP, x.shape, options);
    const shape = [g.input[0], g.y.out, g.x.out, g.input[3]];
    return [{ dtype: "float32", shape }, { dtype: "float32", shape: [...shape] }];
  },
  reference({ inputs, options }) {
    return reference(inputs[0]!, options);
  },
  gpu: {
    unsupported({ options, precision }) {
      return precision === "f16" && options.filterH * options.filterW > F16_MAX_WINDOW
        ? `${OP}: window indices past ${F16_MAX_WINDOW} are not exact in f16`
        : undefined;
    },
    plan({ inputs, outputs, options }) {
      return plan(inputs[0]!, outputs[0], options);
    },
  },
  cpu: { float: maxPoolBuilder(true) },
  cases(): OpCase[] {
    return ARGMAX_POOL_CASES.map(([shape, p]) => ({
      name: `[${shape}] ${p.filterH}x${p.filterW} /${p.strideH} ${p.padding} ${p.activation}`,
      inputs: [{ dtype: "float32", shape, data: tieData(shape.reduce((a, b) => a * b, 1)) }],
      customOptions: poolParamsBytes(p),
    }));
  },
};
