/**
 * A plain float32 evaluator of the ops the benchmark networks use, for this folder's tests: it runs a
 * built network on the CPU so the tests can check that seeded weights keep activations finite and
 * alive. Clarity over speed; not the engine's reference executor.
 *
 * @module
 */

import { type Graph, type Node, numElements } from "../core/ir.ts";
import { padBefore, type Padding } from "./shapes.ts";

type Values = Map<number, Float32Array>;
type OpFn = (graph: Graph, node: Node, input: (i: number) => Float32Array) => Float32Array;

function floats(graph: Graph, t: number): Float32Array {
  const data = graph.tensors[t].data!;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return Float32Array.from({ length: data.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function activate(out: Float32Array, act: unknown): Float32Array {
  const hi = act === "RELU6" ? 6 : Infinity;
  if (act === "RELU" || act === "RELU6") {
    for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(out[i], 0), hi);
  }
  return out;
}

interface Window {
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  stride: [number, number];
  dilation: [number, number];
  pad: [number, number];
}

function window(graph: Graph, node: Node, kh: number, kw: number): Window {
  const [, h, w, c] = graph.tensors[node.inputs[0]].shape;
  const [, oh, ow] = graph.tensors[node.outputs[0]].shape;
  const o = node.options;
  const stride: [number, number] = [Number(o.strideH ?? 1), Number(o.strideW ?? 1)];
  const dilation: [number, number] = [
    Number(o.dilationHFactor ?? 1),
    Number(o.dilationWFactor ?? 1),
  ];
  const padding = o.padding as Padding;
  const pad: [number, number] = [
    padBefore({ size: h, kernel: kh, stride: stride[0], dilation: dilation[0], padding }),
    padBefore({ size: w, kernel: kw, stride: stride[1], dilation: dilation[1], padding }),
  ];
  return { h, w, c, oh, ow, kh, kw, stride, dilation, pad };
}

/** Calls `visit(outIndex, inPixel, k)` for each output pixel and each in-bounds window tap k. */
function taps(win: Window, visit: (o: number, pixel: number, k: number) => void): void {
  for (let oy = 0; oy < win.oh; oy++) {
    for (let ox = 0; ox < win.ow; ox++) {
      const o = oy * win.ow + ox;
      for (let ky = 0; ky < win.kh; ky++) {
        const iy = oy * win.stride[0] - win.pad[0] + ky * win.dilation[0];
        if (iy < 0 || iy >= win.h) continue;
        for (let kx = 0; kx < win.kw; kx++) {
          const ix = ox * win.stride[1] - win.pad[1] + kx * win.dilation[1];
          if (ix < 0 || ix >= win.w) continue;
          visit(o, iy * win.w + ix, ky * win.kw + kx);
        }
      }
    }
  }
}

function pool(kind: "avg" | "max"): OpFn {
  return (graph, node, input) => {
    const o = node.options;
    const win = window(graph, node, Number(o.filterHeight), Number(o.filterWidth));
    const x = input(0);
    const out = new Float32Array(win.oh * win.ow * win.c).fill(kind === "max" ? -Infinity : 0);
    const count = new Float32Array(win.oh * win.ow);
    taps(win, (p, pixel) => {
      count[p]++;
      for (let ch = 0; ch < win.c; ch++) {
        const v = x[pixel * win.c + ch];
        const at = p * win.c + ch;
        out[at] = kind === "max" ? Math.max(out[at], v) : out[at] + v;
      }
    });
    if (kind === "avg") {
      for (let i = 0; i < out.length; i++) out[i] /= count[Math.floor(i / win.c)];
    }
    return activate(out, o.fusedActivationFunction);
  };
}

function copy(_graph: Graph, _node: Node, input: (i: number) => Float32Array): Float32Array {
  return input(0).slice();
}

const OPS: Readonly<Record<string, OpFn>> = {
  CONV_2D(graph, node, input) {
    const [oc, kh, kw, ic] = graph.tensors[node.inputs[1]].shape;
    const win = window(graph, node, kh, kw);
    const [x, wt, bias] = [input(0), input(1), input(2)];
    const out = new Float32Array(win.oh * win.ow * oc);
    for (let p = 0; p < win.oh * win.ow; p++) out.set(bias, p * oc);
    taps(win, (p, pixel, k) => {
      const xBase = pixel * ic;
      for (let f = 0; f < oc; f++) {
        const wBase = (f * kh * kw + k) * ic;
        let sum = 0;
        for (let ch = 0; ch < ic; ch++) sum += x[xBase + ch] * wt[wBase + ch];
        out[p * oc + f] += sum;
      }
    });
    return activate(out, node.options.fusedActivationFunction);
  },
  DEPTHWISE_CONV_2D(graph, node, input) {
    const [, kh, kw, oc] = graph.tensors[node.inputs[1]].shape;
    const win = window(graph, node, kh, kw);
    const multiplier = oc / win.c;
    const [x, wt, bias] = [input(0), input(1), input(2)];
    const out = new Float32Array(win.oh * win.ow * oc);
    for (let p = 0; p < win.oh * win.ow; p++) out.set(bias, p * oc);
    taps(win, (p, pixel, k) => {
      for (let f = 0; f < oc; f++) {
        out[p * oc + f] += x[pixel * win.c + Math.floor(f / multiplier)] * wt[k * oc + f];
      }
    });
    return activate(out, node.options.fusedActivationFunction);
  },
  AVERAGE_POOL_2D: pool("avg"),
  MAX_POOL_2D: pool("max"),
  ADD(_graph, node, input) {
    const [a, b] = [input(0), input(1)];
    return activate(a.map((v, i) => v + b[i]), node.options.fusedActivationFunction);
  },
  CONCATENATION(graph, node, input) {
    const out = new Float32Array(numElements(graph.tensors[node.outputs[0]].shape));
    const shape = graph.tensors[node.outputs[0]].shape;
    const axis = Number(node.options.axis);
    const outer = numElements(shape.slice(0, axis));
    const inner = numElements(shape.slice(axis + 1));
    let offset = 0;
    node.inputs.forEach((t, k) => {
      const x = input(k);
      const span = graph.tensors[t].shape[axis] * inner;
      for (let o = 0; o < outer; o++) {
        out.set(x.subarray(o * span, (o + 1) * span), o * shape[axis] * inner + offset);
      }
      offset += span;
    });
    return out;
  },
  RESHAPE: copy,
  SQUEEZE: copy,
  LOGISTIC(_graph, _node, input) {
    return input(0).map((v) => 1 / (1 + Math.exp(-v)));
  },
  SOFTMAX(graph, node, input) {
    const x = input(0);
    const n = graph.tensors[node.inputs[0]].shape.at(-1)!;
    const out = new Float32Array(x.length);
    for (let r = 0; r < x.length; r += n) {
      const row = x.subarray(r, r + n);
      const max = Math.max(...row);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += out[r + i] = Math.exp(row[i] - max);
      for (let i = 0; i < n; i++) out[r + i] /= sum;
    }
    return out;
  },
  RESIZE_BILINEAR(graph, node, input) {
    const [, h, w, c] = graph.tensors[node.inputs[0]].shape;
    const [, oh, ow] = graph.tensors[node.outputs[0]].shape;
    const align = node.options.alignCorners === true;
    const scale = (i: number, o: number) => (align && o > 1 ? (i - 1) / (o - 1) : i / o);
    const [sy, sx] = [scale(h, oh), scale(w, ow)];
    const x = input(0);
    const out = new Float32Array(oh * ow * c);
    for (let y = 0; y < oh; y++) {
      const fy = y * sy;
      const y0 = Math.floor(fy);
      const y1 = Math.min(y0 + 1, h - 1);
      for (let xo = 0; xo < ow; xo++) {
        const fx = xo * sx;
        const x0 = Math.floor(fx);
        const x1 = Math.min(x0 + 1, w - 1);
        const [dy, dx] = [fy - y0, fx - x0];
        for (let ch = 0; ch < c; ch++) {
          const at = (yy: number, xx: number) => x[(yy * w + xx) * c + ch];
          const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * dx;
          const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * dx;
          out[(y * ow + xo) * c + ch] = top + (bottom - top) * dy;
        }
      }
    }
    return out;
  },
};

/**
 * Runs a one-batch float32 graph on the CPU and returns every tensor's value.
 *
 * @example
 * ```ts
 * import { evaluate } from "./_eval.ts";
 * import { mobilenetV1 } from "./mobilenet_v1.ts";
 * const g = mobilenetV1({ width: 0.25, resolution: 32 }).subgraphs[0];
 * const values = evaluate(g, [new Float32Array(32 * 32 * 3).fill(0.5)]);
 * const probabilities = values.get(g.outputs[0])!;
 * if (Math.abs(probabilities.reduce((a, v) => a + v, 0) - 1) > 1e-3) throw new Error("wrong");
 * ```
 *
 * @param graph The graph (batch 1, NHWC).
 * @param inputs One array per graph input.
 * @returns Tensor index to value, for inputs, constants read by nodes, and every node output.
 */
export function evaluate(graph: Graph, inputs: Float32Array[]): Values {
  const values: Values = new Map();
  graph.inputs.forEach((t, i) => values.set(t, inputs[i]));
  for (const node of graph.nodes) {
    const fn = OPS[node.op];
    if (fn === undefined) throw new Error(`The test evaluator has no ${node.op}`);
    const input = (i: number): Float32Array => {
      const t = node.inputs[i];
      let v = values.get(t);
      if (v === undefined && graph.tensors[t].dtype === "float32" && graph.tensors[t].data) {
        v = floats(graph, t);
        values.set(t, v);
      }
      if (v === undefined) throw new Error(`Tensor ${t} has no value`);
      return v;
    };
    values.set(node.outputs[0], fn(graph, node, input));
  }
  return values;
}
