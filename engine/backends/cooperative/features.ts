/**
 * What µLayer's predictor knows of a layer: its op class, floating-point operations and bytes moved
 * (activations, constants, outputs), the features of a part of it after a channel split, and the
 * training sample made of features and a measured time. Pure.
 *
 * @module
 */
import type { ExecGraph, ExecNode } from "../../../core/exec_graph.ts";
import { numElements } from "../../../core/ir.ts";

/** Op classes with a model of their own (others share `other`). */
export type OpClass = "conv" | "depthwise" | "fc" | "pool" | "other";

/**
 * The op class of a node, from its kernel's `traits.split`: weight-split ops are convolutions (4-D
 * weights) or fully connected layers, input-split ops depthwise convolutions (constant weights) or
 * pools.
 */
function classOf(graph: ExecGraph, node: ExecNode): OpClass {
  const w = node.inputs[1] >= 0 ? graph.tensors[node.inputs[1]] : undefined;
  const how = node.kernel.traits?.split;
  if (how === "weights") return w?.shape.length === 4 ? "conv" : "fc";
  if (how === "input") return w?.value ? "depthwise" : "pool";
  return "other";
}

/** What the predictor knows of one layer. */
export interface LayerFeatures {
  /** Node position in the exec graph. */
  node: number;
  /** Op name. */
  op: string;
  /** Op class. */
  cls: OpClass;
  /** Floating-point operations (2 per multiply-accumulate; window reads for pools). */
  flops: number;
  /** Bytes of the activation input(s). */
  inputBytes: number;
  /** Bytes of constant inputs (weights, bias). */
  weightBytes: number;
  /** Bytes of the output(s). */
  outputBytes: number;
  /** Output channels (last axis of output 0). */
  channels: number;
  /** How the layer splits (`weights`: filters, `input`: input channels), if it does. */
  split?: "weights" | "input";
}

/** One training sample: features and a measured time. */
export interface Sample {
  /** Floating-point operations. */
  flops: number;
  /** Bytes moved (inputs, weights, outputs). */
  bytes: number;
  /** Measured milliseconds. */
  ms: number;
}

/**
 * Features of node `k`: flops, and bytes of activations, constants and outputs (float32).
 *
 * @example
 * ```ts
 * import { layerFeatures } from "./features.ts";
 * import { buildExecGraph } from "../../../core/exec_graph.ts";
 * import { kernelFor } from "../../../kernels/registry.ts";
 * import { buildNetwork } from "../../../models/catalog.ts";
 * const g = buildExecGraph(buildNetwork("mobilenet_v1_tiny").subgraphs[0], kernelFor);
 * const f = layerFeatures(g, 0); // 3x3 s2 conv 3->8 at 64x64
 * if (f.flops !== 2 * 32 * 32 * 8 * 27 || f.cls !== "conv") throw new Error("wrong");
 * ```
 *
 * @param graph The exec graph.
 * @param k Node position.
 * @returns The features.
 */
export function layerFeatures(graph: ExecGraph, k: number): LayerFeatures {
  const node = graph.nodes[k];
  const bytesOf = (t: number) =>
    t < 0 ? 0 : numElements(graph.tensors[t].shape) *
      (graph.tensors[t].dtype === "float32" ? 4 : graph.tensors[t].dtype === "float16" ? 2 : 4);
  let inputBytes = 0, weightBytes = 0;
  for (const t of node.inputs) {
    if (t < 0) continue;
    if (graph.tensors[t].value) weightBytes += bytesOf(t);
    else inputBytes += bytesOf(t);
  }
  const y = graph.tensors[node.outputs[0]];
  const outElems = numElements(y.shape);
  const outputBytes = node.outputs.reduce((a, t) => a + bytesOf(t), 0);
  const cls = classOf(graph, node);
  let flops = outElems;
  if (cls === "conv" || cls === "depthwise") {
    const w = graph.tensors[node.inputs[1]].shape;
    const taps = w[1] * w[2] * (cls === "conv" ? w[3] : 1);
    flops = 2 * outElems * taps;
  } else if (cls === "fc") {
    flops = 2 * outElems * graph.tensors[node.inputs[1]].shape[1];
  } else if (cls === "pool") {
    const o = node.raw.options;
    flops = outElems * Number(o.filterHeight ?? 1) * Number(o.filterWidth ?? 1);
  }
  const f: LayerFeatures = {
    node: k,
    op: node.op,
    cls,
    flops,
    inputBytes,
    weightBytes,
    outputBytes,
    channels: y.shape.at(-1) ?? 1,
  };
  const how = node.kernel.traits?.split;
  if (how && y.dtype === "float32") f.split = how;
  return f;
}

/**
 * The features of the part of a layer that computes a share `s` of its output channels: flops,
 * weights and outputs scale with `s`; inputs too when the layer splits by input channels.
 *
 * @example
 * ```ts
 * import { partFeatures } from "./features.ts";
 * const f = { node: 0, op: "CONV_2D", cls: "conv" as const, flops: 100, inputBytes: 40, weightBytes: 20, outputBytes: 40, channels: 8, split: "weights" as const };
 * if (partFeatures(f, 0.5).flops !== 50 || partFeatures(f, 0.5).inputBytes !== 40) throw new Error("wrong");
 * ```
 *
 * @param f The whole layer's features.
 * @param s Share of output channels, 0 to 1.
 * @returns The part's features.
 */
export function partFeatures(f: LayerFeatures, s: number): LayerFeatures {
  return {
    ...f,
    flops: f.flops * s,
    inputBytes: f.split === "input" ? f.inputBytes * s : f.inputBytes,
    weightBytes: f.weightBytes * s,
    outputBytes: f.outputBytes * s,
  };
}

/**
 * A training sample from features and a measured time.
 *
 * @example
 * ```ts
 * import { sampleOf } from "./features.ts";
 * const s = sampleOf({ node: 0, op: "ADD", cls: "other", flops: 4, inputBytes: 32, weightBytes: 0, outputBytes: 16, channels: 4 }, 0.1);
 * if (s.bytes !== 48 || s.ms !== 0.1) throw new Error("wrong");
 * ```
 *
 * @param f Features.
 * @param ms Measured milliseconds.
 * @returns The sample.
 */
export function sampleOf(f: LayerFeatures, ms: number): Sample {
  return { flops: f.flops, bytes: f.inputBytes + f.weightBytes + f.outputBytes, ms };
}
