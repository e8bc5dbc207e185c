/**
 * Shape arithmetic of the ops the benchmark networks use, and a checker that re-derives every node's
 * output shape from its inputs and options and reports each mismatch.
 *
 * @module
 */

import { type Graph, type Node, numElements, type Tensor } from "../core/ir.ts";

/** Padding of a conv or pool window, as TensorFlow Lite names it. */
export type Padding = "SAME" | "VALID";

/** One spatial dimension of a conv or pool window. */
export interface WindowDim {
  /** Input size along the dimension. */
  size: number;
  /** Window (kernel) size. */
  kernel: number;
  /** Stride. */
  stride: number;
  /** Dilation factor (1 for none). */
  dilation?: number;
  /** `SAME` or `VALID`. */
  padding: Padding;
}

/**
 * Output size of a conv or pool along one dimension: `ceil(in / stride)` for `SAME`,
 * `ceil((in - effective kernel + 1) / stride)` for `VALID`.
 *
 * @example
 * ```ts
 * import { convOutputSize } from "./shapes.ts";
 * if (convOutputSize({ size: 257, kernel: 3, stride: 2, padding: "SAME" }) !== 129) throw new Error("wrong");
 * if (convOutputSize({ size: 7, kernel: 7, stride: 2, padding: "VALID" }) !== 1) throw new Error("wrong");
 * ```
 *
 * @param dim Input size, kernel, stride, dilation and padding.
 * @returns The output size (0 when a `VALID` window does not fit).
 */
export function convOutputSize(dim: WindowDim): number {
  const effective = (dim.kernel - 1) * (dim.dilation ?? 1) + 1;
  if (dim.padding === "SAME") return Math.ceil(dim.size / dim.stride);
  return Math.max(0, Math.ceil((dim.size - effective + 1) / dim.stride));
}

/**
 * Padding before the first element (top or left) that TensorFlow Lite applies for a window.
 *
 * @example
 * ```ts
 * import { padBefore } from "./shapes.ts";
 * if (padBefore({ size: 224, kernel: 3, stride: 2, padding: "SAME" }) !== 0) throw new Error("wrong");
 * if (padBefore({ size: 33, kernel: 3, stride: 1, dilation: 2, padding: "SAME" }) !== 2) throw new Error("wrong");
 * ```
 *
 * @param dim Input size, kernel, stride, dilation and padding.
 * @returns Elements of zero padding before the input.
 */
export function padBefore(dim: WindowDim): number {
  if (dim.padding === "VALID") return 0;
  const effective = (dim.kernel - 1) * (dim.dilation ?? 1) + 1;
  const out = convOutputSize(dim);
  return Math.max(0, Math.floor(((out - 1) * dim.stride + effective - dim.size) / 2));
}

/** A node whose recorded output shapes differ from the ones its inputs and options imply. */
export interface ShapeIssue {
  /** Index of the node. */
  node: number;
  /** Op of the node. */
  op: string;
  /** What is wrong, in sentence case. */
  message: string;
}

type Rule = (inputs: (Tensor | undefined)[], node: Node) => number[][] | string;

function num(v: unknown, fallback: number): number {
  return typeof v === "number" ? v : fallback;
}

function windowed(
  input: Tensor | undefined,
  node: Node,
  kernel: [number, number],
  channels: number,
): number[][] | string {
  if (input === undefined || input.shape.length !== 4) return "input is not 4-D";
  const o = node.options;
  const padding = o.padding === "VALID" ? "VALID" : "SAME";
  const [n, h, w] = input.shape;
  const oh = convOutputSize({
    size: h,
    kernel: kernel[0],
    stride: num(o.strideH, 1),
    dilation: num(o.dilationHFactor, 1),
    padding,
  });
  const ow = convOutputSize({
    size: w,
    kernel: kernel[1],
    stride: num(o.strideW, 1),
    dilation: num(o.dilationWFactor, 1),
    padding,
  });
  return [[n, oh, ow, channels]];
}

function biasIssue(bias: Tensor | undefined, channels: number): string | undefined {
  if (bias === undefined) return undefined;
  return bias.shape.length === 1 && bias.shape[0] === channels
    ? undefined
    : "bias shape differs from output channels";
}

function sameShape(inputs: (Tensor | undefined)[]): number[][] | string {
  return inputs[0] === undefined ? "input is missing" : [[...inputs[0].shape]];
}

function constInts(t: Tensor | undefined): number[] | undefined {
  if (t?.data === undefined || t.dtype !== "int32") return undefined;
  const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return Array.from({ length: t.data.byteLength / 4 }, (_, i) => view.getInt32(i * 4, true));
}

const RULES: Readonly<Record<string, Rule>> = {
  CONV_2D(inputs, node) {
    const [x, w, b] = inputs;
    if (w === undefined || w.shape.length !== 4) return "weights are not 4-D";
    if (x === undefined || x.shape[3] % w.shape[3] !== 0) {
      return "input channels do not match the weights";
    }
    return biasIssue(b, w.shape[0]) ?? windowed(x, node, [w.shape[1], w.shape[2]], w.shape[0]);
  },
  DEPTHWISE_CONV_2D(inputs, node) {
    const [x, w, b] = inputs;
    if (w === undefined || w.shape.length !== 4 || w.shape[0] !== 1) {
      return "weights are not [1, kh, kw, c]";
    }
    const multiplier = num(node.options.depthMultiplier, 1);
    if (x === undefined || x.shape[3] * multiplier !== w.shape[3]) {
      return "input channels times depth multiplier do not match the weights";
    }
    return biasIssue(b, w.shape[3]) ?? windowed(x, node, [w.shape[1], w.shape[2]], w.shape[3]);
  },
  AVERAGE_POOL_2D(inputs, node) {
    const o = node.options;
    return windowed(
      inputs[0],
      node,
      [num(o.filterHeight, 1), num(o.filterWidth, 1)],
      inputs[0]?.shape[3] ?? 0,
    );
  },
  MAX_POOL_2D(inputs, node) {
    return RULES.AVERAGE_POOL_2D(inputs, node);
  },
  ADD(inputs) {
    const [a, b] = inputs;
    if (a === undefined || b === undefined) return "input is missing";
    const rank = Math.max(a.shape.length, b.shape.length);
    const out: number[] = [];
    for (let i = 0; i < rank; i++) {
      const da = a.shape[a.shape.length - rank + i] ?? 1;
      const db = b.shape[b.shape.length - rank + i] ?? 1;
      if (da !== db && da !== 1 && db !== 1) return "input shapes do not broadcast";
      out.push(Math.max(da, db));
    }
    return [out];
  },
  CONCATENATION(inputs, node) {
    if (inputs.length === 0 || inputs.some((t) => t === undefined)) return "input is missing";
    const first = inputs[0]!.shape;
    const rank = first.length;
    const axis = (num(node.options.axis, 0) + rank) % rank;
    const out = [...first];
    out[axis] = 0;
    for (const t of inputs) {
      const s = t!.shape;
      if (s.length !== rank || s.some((d, i) => i !== axis && d !== first[i])) {
        return "inputs differ outside the concatenation axis";
      }
      out[axis] += s[axis];
    }
    return [out];
  },
  RESHAPE(inputs, node) {
    const x = inputs[0];
    if (x === undefined) return "input is missing";
    const wanted = constInts(inputs[1]) ?? (node.options.newShape as number[] | undefined);
    if (wanted === undefined) return "new shape is unknown";
    const known = wanted.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
    const out = wanted.map((d) => (d === -1 ? numElements(x.shape) / known : d));
    return numElements(out) === numElements(x.shape) ? [out] : "element count changes";
  },
  SQUEEZE(inputs, node) {
    const x = inputs[0];
    if (x === undefined) return "input is missing";
    const dims = (node.options.squeezeDims as number[] | undefined) ?? [];
    const drop = new Set(
      dims.length === 0
        ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
        : dims.map((d) => (d + x.shape.length) % x.shape.length),
    );
    if ([...drop].some((i) => x.shape[i] !== 1)) return "a squeezed dimension is not 1";
    return [x.shape.filter((_, i) => !drop.has(i))];
  },
  SOFTMAX: sameShape,
  LOGISTIC: sameShape,
  RELU: sameShape,
  RELU6: sameShape,
  RESIZE_BILINEAR(inputs) {
    const [x, size] = inputs;
    const hw = constInts(size);
    if (x === undefined || x.shape.length !== 4) return "input is not 4-D";
    if (hw === undefined || hw.length !== 2) return "size is not a constant int32[2]";
    return [[x.shape[0], hw[0], hw[1], x.shape[3]]];
  },
};

/**
 * Re-derives the output shapes of every node from its inputs and options (conv, depthwise conv,
 * pools, add, concatenation, reshape, squeeze, softmax, logistic, resize bilinear) and lists each node
 * whose recorded outputs differ, or whose op has no rule here.
 *
 * @example
 * ```ts
 * import { shapeIssues } from "./shapes.ts";
 * import { mobilenetV1 } from "./mobilenet_v1.ts";
 * if (shapeIssues(mobilenetV1({ width: 0.25, resolution: 64 }).subgraphs[0]).length !== 0) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns One issue per wrong node, empty when every shape is consistent.
 */
export function shapeIssues(graph: Graph): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  graph.nodes.forEach((node, i) => {
    const rule = RULES[node.op];
    if (rule === undefined) {
      issues.push({ node: i, op: node.op, message: "No shape rule for this op" });
      return;
    }
    const inputs = node.inputs.map((t) => (t < 0 ? undefined : graph.tensors[t]));
    const expected = rule(inputs, node);
    if (typeof expected === "string") {
      issues.push({ node: i, op: node.op, message: expected[0].toUpperCase() + expected.slice(1) });
      return;
    }
    node.outputs.forEach((t, k) => {
      const got = graph.tensors[t].shape;
      if (expected[k] === undefined || got.join() !== expected[k].join()) {
        issues.push({
          node: i,
          op: node.op,
          message: `Output ${k} has shape [${got}] but its inputs imply [${expected[k] ?? ""}]`,
        });
      }
    });
  });
  return issues;
}
