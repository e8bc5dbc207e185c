/**
 * Counting what a network is made of: op histogram, parameters, multiply-accumulates, and a check that
 * every constant's bytes match its shape. Works on built networks and on real model files alike.
 *
 * @module
 */

import { DTYPE_BYTES, type Graph, numElements, opName } from "../core/ir.ts";

/**
 * How many nodes of each op a graph has, most frequent first (ties in first-seen order).
 *
 * @example
 * ```ts
 * import { opHistogram } from "./stats.ts";
 * import { mobilenetV1 } from "./mobilenet_v1.ts";
 * const h = opHistogram(mobilenetV1({ width: 0.25, resolution: 64 }).subgraphs[0]);
 * if (h.CONV_2D !== 15 || h.DEPTHWISE_CONV_2D !== 13) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns Op name (custom code for custom ops) to count.
 */
export function opHistogram(graph: Graph): Record<string, number> {
  const counts = new Map<string, number>();
  for (const node of graph.nodes) {
    const name = opName(node);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

/** Inputs that hold shapes, sizes or axes rather than learned values: op to input indices. */
const SHAPE_INPUTS: Readonly<Record<string, readonly number[]>> = {
  RESHAPE: [1],
  RESIZE_BILINEAR: [1],
  RESIZE_NEAREST_NEIGHBOR: [1],
  PAD: [1],
  PADV2: [1],
  MEAN: [1],
  SUM: [1],
  TRANSPOSE: [1],
  SLICE: [1, 2],
  STRIDED_SLICE: [1, 2, 3],
  TILE: [1],
  EXPAND_DIMS: [1],
};

/**
 * Number of learned parameters: elements of every constant tensor (weights, biases, and whatever
 * else is constant, such as SSD anchors) except constants read only as shapes, sizes or axes.
 *
 * @example
 * ```ts
 * import { paramCount } from "./stats.ts";
 * import { mobilenetV1 } from "./mobilenet_v1.ts";
 * // MobileNet v1 0.25: 467,593 parameters, the same as mobilenet_v1_0.25_224.tflite.
 * if (paramCount(mobilenetV1({ width: 0.25, resolution: 64 }).subgraphs[0]) !== 467593) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns The parameter count.
 */
export function paramCount(graph: Graph): number {
  const learned = new Set<number>();
  const shapeOnly = new Set<number>();
  for (const node of graph.nodes) {
    const skip = SHAPE_INPUTS[node.op] ?? [];
    node.inputs.forEach((t, i) => {
      if (t < 0 || graph.tensors[t].data === undefined) return;
      (skip.includes(i) ? shapeOnly : learned).add(t);
    });
  }
  let total = 0;
  for (const t of learned) total += numElements(graph.tensors[t].shape);
  return total;
}

/** Multiply-accumulates per output element of the ops that have weights, from shapes alone. */
const MACS_PER_OUTPUT: Readonly<Record<string, (inputs: number[][], output: number[]) => number>> =
  {
    // Weights [out, kh, kw, in / groups]: each output element sums kh * kw * in / groups products.
    CONV_2D: (inputs) => inputs[1][1] * inputs[1][2] * inputs[1][3],
    // Weights [1, kh, kw, c * multiplier]: each output element sums kh * kw products.
    DEPTHWISE_CONV_2D: (inputs) => inputs[1][1] * inputs[1][2],
    // Weights [units, in].
    FULLY_CONNECTED: (inputs) => inputs[1][1],
    // Weights [out, kh, kw, in]: each input element scatters into out * kh * kw outputs.
    TRANSPOSE_CONV: (inputs, output) =>
      (numElements(inputs[2]) * inputs[1][0] * inputs[1][1] * inputs[1][2]) / numElements(output),
  };

/**
 * Multiply-accumulates of one inference: conv, depthwise conv, fully connected and transpose conv
 * (elementwise ops, pools and resizes are not counted, as in the papers' "mult-adds").
 *
 * @example
 * ```ts
 * import { macCount } from "./stats.ts";
 * import { mobilenetV1 } from "./mobilenet_v1.ts";
 * const macs = macCount(mobilenetV1().subgraphs[0]);
 * if (Math.abs(macs - 569e6) > 569e6 * 0.01) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns The count.
 */
export function macCount(graph: Graph): number {
  let total = 0;
  for (const node of graph.nodes) {
    const rule = MACS_PER_OUTPUT[node.op];
    if (rule === undefined) continue;
    const inputs = node.inputs.map((t) => (t < 0 ? [] : graph.tensors[t].shape));
    const output = graph.tensors[node.outputs[0]].shape;
    total += numElements(output) * rule(inputs, output);
  }
  return total;
}

/** A constant whose byte length differs from what its dtype and shape imply. */
export interface ConstantIssue {
  /** Tensor index. */
  tensor: number;
  /** What is wrong, in sentence case. */
  message: string;
}

/**
 * Checks that each constant of a fixed-size dtype holds exactly `elements × bytes per element`
 * bytes.
 *
 * @example
 * ```ts
 * import { constantIssues } from "./stats.ts";
 * import { googlenet } from "./googlenet.ts";
 * if (constantIssues(googlenet({ width: 0.25, resolution: 64 }).subgraphs[0]).length !== 0) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns One issue per wrong constant.
 */
export function constantIssues(graph: Graph): ConstantIssue[] {
  const issues: ConstantIssue[] = [];
  graph.tensors.forEach((t, i) => {
    if (t.data === undefined || t.sparsity !== undefined) return;
    const bytes = DTYPE_BYTES[t.dtype];
    if (bytes === undefined) return;
    const want = numElements(t.shape) * bytes;
    if (t.data.byteLength !== want) {
      issues.push({
        tensor: i,
        message:
          `Constant "${t.name}" [${t.shape}] ${t.dtype} holds ${t.data.byteLength} bytes, not ${want}`,
      });
    }
  });
  return issues;
}
