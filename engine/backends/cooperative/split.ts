/**
 * µLayer's channel split as a pure pass: one CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED or 2-D
 * pool node becomes two nodes that compute output channels `[0, k)` and `[k, C)`, joined by a
 * CONCATENATION on the channel axis that writes the original output tensor (so readers need no
 * rewiring). Conv and fully connected parts read the whole input and a slice of the filters and
 * bias; depthwise and pool parts read a SLICE of the input's channels (µLayer splits pooling by input
 * channels). `k` is rounded to a multiple of 4 so each part covers whole PHWC4 slices on the GPU.
 *
 * The first part (`[0, k)`) is meant for the GPU and the second for the CPU; the pass itself only
 * rewrites the graph.
 *
 * @module
 */
import {
  bindNode,
  type ExecGraph,
  type ExecNode,
  type ExecTensor,
} from "../../../core/exec_graph.ts";
import type { NodeOptions } from "../../../core/ir.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import { kernelFor } from "../../../kernels/registry.ts";
import { cloneGraph } from "../../passes/_util.ts";
import type { PassReport } from "../../passes/types.ts";
import { UsageError } from "../../../core/errors.ts";

/** Where one split node went in the rewritten graph (node positions). */
export interface SplitInfo {
  /** Position of the node in the graph given to the pass. */
  node: number;
  /** Op of the split node. */
  op: string;
  /** Requested share of the first (GPU) part. */
  ratio: number;
  /** Output channels of the first part (`[0, k)`). */
  k: number;
  /** Output channels of the node. */
  channels: number;
  /** Positions of the first part's nodes (a SLICE for depthwise and pools, then the op). */
  first: number[];
  /** Positions of the second part's nodes. */
  second: number[];
  /** Position of the joining CONCATENATION. */
  concat: number;
}

/** Result of {@linkcode splitLayers}: the rewritten graph, a pass report and where splits went. */
export interface SplitResult {
  /** The rewritten graph (the input graph is left unchanged). */
  graph: ExecGraph;
  /** What the pass did; declined nodes are listed in `details` with the reason. */
  report: PassReport;
  /** One entry per applied split, in node order. */
  splits: SplitInfo[];
}

/** One requested split: node position and share of the first part. */
export interface SplitRequest {
  /** Node position in the exec graph. */
  node: number;
  /** Share of output channels for the first part, in `(0, 1)`. */
  ratio: number;
}

/**
 * The first part's channel count for a split at `ratio`: rounded to a multiple of `multiple`, or 0
 * when one of the parts would be empty.
 *
 * @example
 * ```ts
 * import { splitPoint } from "./split.ts";
 * if (splitPoint(64, 0.5) !== 32 || splitPoint(10, 0.5) !== 4 || splitPoint(4, 0.5) !== 0) {
 *   throw new Error("wrong");
 * }
 * ```
 *
 * @param channels Output channels of the node.
 * @param ratio Share of the first part.
 * @param multiple Granule of `k` (default 4).
 * @returns `k`, or 0 when no split is possible.
 */
export function splitPoint(channels: number, ratio: number, multiple = 4): number {
  if (!(ratio > 0 && ratio < 1)) return 0;
  const k = Math.round((channels * ratio) / multiple) * multiple;
  const clamped = Math.min(Math.max(k, multiple), channels - 1);
  const whole = Math.floor(clamped / multiple) * multiple;
  return whole > 0 && whole < channels ? whole : 0;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function addTensor(g: ExecGraph, t: ExecTensor): number {
  g.tensors.push(t);
  return g.tensors.length - 1;
}

function constant(g: ExecGraph, name: string, value: HostTensor): number {
  return addTensor(g, { name, dtype: value.dtype, shape: [...value.shape], value });
}

/** Makes a node of `op` with fresh output tensors named after `name`; shapes by the kernel. */
function makeNode(
  g: ExecGraph,
  args: { op: string; inputs: number[]; options: NodeOptions; name: string; index: number },
  outputs?: number[],
): ExecNode {
  const { node, outputs: specs } = bindNode(g.tensors, {
    index: args.index,
    op: args.op,
    kernel: kernelFor(args.op),
    inputs: args.inputs,
    outputs,
    options: args.options,
  });
  if (!outputs) {
    node.outputs = specs.map((s, i) =>
      addTensor(g, { name: `${args.name}${i ? `_${i}` : ""}`, dtype: s.dtype, shape: [...s.shape] })
    );
  }
  return node;
}

/** Slices `[lo, hi)` of axis `axis` of a float32 constant. */
function sliceConst(v: HostTensor, axis: number, lo: number, hi: number): HostTensor {
  const shape = [...v.shape];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const d = shape[axis];
  const src = v.data as Float32Array;
  const out = new Float32Array(outer * (hi - lo) * inner);
  for (let o = 0; o < outer; o++) {
    out.set(src.subarray((o * d + lo) * inner, (o * d + hi) * inner), o * (hi - lo) * inner);
  }
  shape[axis] = hi - lo;
  return { dtype: "float32", shape, data: out };
}

function decline(g: ExecGraph, k: number): string | undefined {
  const node = g.nodes[k];
  if (!node) return `no node at position ${k}`;
  const how = node.kernel.traits?.split;
  if (!how) return `${node.op} is not splittable`;
  const y = g.tensors[node.outputs[0]];
  if (y.dtype !== "float32") return `output is ${y.dtype}, not float32`;
  if (g.tensors[node.inputs[0]].dtype !== "float32") return "input is not float32";
  if (how === "weights" || node.op === "DEPTHWISE_CONV_2D") {
    for (const t of node.inputs.slice(1)) {
      if (t < 0) continue;
      const v = g.tensors[t].value;
      if (!v || v.dtype !== "float32") return "weights or bias are not float32 constants";
    }
  }
  return undefined;
}

/** Rewrites node `k` of `g` in place (g is already a clone); returns the new nodes. */
function splitNode(
  g: ExecGraph,
  k: number,
  ratio: number,
): { nodes: ExecNode[]; first: number; second: number; kk: number; channels: number } | string {
  const reason = decline(g, k);
  if (reason) return reason;
  const node = g.nodes[k];
  const how = node.kernel.traits?.split;
  const x = node.inputs[0];
  const y = node.outputs[0];
  const yShape = g.tensors[y].shape;
  const channels = yShape.at(-1)!;
  const name = g.tensors[y].name;
  const raw = node.raw.options;
  let multiple = 4;
  let mult = 1;
  if (node.op === "DEPTHWISE_CONV_2D") {
    mult = channels / g.tensors[x].shape[3];
    multiple = (4 * mult) / gcd(4, mult);
  }
  const kk = splitPoint(channels, ratio, multiple);
  if (kk === 0) {
    return `${channels} channels cannot be split at ${ratio} in multiples of ${multiple}`;
  }
  const parts: [number, number][] = [[0, kk], [kk, channels]];
  const made: ExecNode[][] = parts.map(([lo, hi], p) => {
    const tag = `${name}/ulayer_${p === 0 ? "first" : "second"}`;
    if (how === "weights") {
      const w = g.tensors[node.inputs[1]].value!;
      const b = node.inputs[2] >= 0 ? g.tensors[node.inputs[2]].value : undefined;
      const wi = constant(g, `${tag}/weights`, sliceConst(w, 0, lo, hi));
      const bi = b ? constant(g, `${tag}/bias`, sliceConst(b, 0, lo, hi)) : -1;
      const inputs = node.inputs.length > 2 || b ? [x, wi, bi] : [x, wi];
      return [makeNode(g, { op: node.op, inputs, options: raw, name: tag, index: node.index })];
    }
    // Input-channel split: SLICE the input, then the op on the slice.
    const xs = g.tensors[x].shape;
    const begin = constant(g, `${tag}/begin`, {
      dtype: "int32",
      shape: [xs.length],
      data: Int32Array.from(xs, (_, i) => (i === xs.length - 1 ? lo / mult : 0)),
    });
    const size = constant(g, `${tag}/size`, {
      dtype: "int32",
      shape: [xs.length],
      data: Int32Array.from(xs, (d, i) => (i === xs.length - 1 ? (hi - lo) / mult : d)),
    });
    const sl = makeNode(g, {
      op: "SLICE",
      inputs: [x, begin, size],
      options: {},
      name: `${tag}/input`,
      index: node.index,
    });
    const inputs = [sl.outputs[0]];
    if (node.op === "DEPTHWISE_CONV_2D") {
      const w = g.tensors[node.inputs[1]].value!;
      const b = node.inputs[2] >= 0 ? g.tensors[node.inputs[2]].value : undefined;
      inputs.push(constant(g, `${tag}/weights`, sliceConst(w, 3, lo, hi)));
      inputs.push(b ? constant(g, `${tag}/bias`, sliceConst(b, 0, lo, hi)) : -1);
    }
    const op = makeNode(g, { op: node.op, inputs, options: raw, name: tag, index: node.index });
    return [sl, op];
  });
  for (const [p, part] of made.entries()) {
    const want = [...yShape.slice(0, -1), parts[p][1] - parts[p][0]];
    const got = g.tensors[part.at(-1)!.outputs[0]].shape;
    if (got.join() !== want.join()) {
      throw new UsageError(`Split part of node ${k} has shape [${got}], expected [${want}]`);
    }
  }
  const concat = makeNode(g, {
    op: "CONCATENATION",
    inputs: made.map((p) => p.at(-1)!.outputs[0]),
    options: { axis: yShape.length - 1, fusedActivationFunction: "NONE" },
    name: `${name}/ulayer_concat`,
    index: node.index,
  }, [y]);
  concat.epilogue = [...node.epilogue];
  concat.fused = [...node.fused];
  return {
    nodes: [...made[0], ...made[1], concat],
    first: made[0].length,
    second: made[1].length,
    kk,
    channels,
  };
}

/**
 * Splits several nodes by output channels at once (see the module doc). Requests for nodes that
 * cannot be split are declined and listed in the report; the rest are applied.
 *
 * @example
 * ```ts ignore
 * const r = splitLayers(graph, [{ node: 0, ratio: 0.5 }, { node: 3, ratio: 0.75 }]);
 * console.log(r.report.applied, r.splits.map((s) => [s.first, s.second]));
 * ```
 *
 * @param graph The exec graph (left unchanged).
 * @param requests Node positions and first-part shares.
 * @returns The rewritten graph, the report and where every split went.
 */
export function splitLayers(graph: ExecGraph, requests: readonly SplitRequest[]): SplitResult {
  const g = cloneGraph(graph);
  const byNode = new Map<number, number>();
  for (const r of requests) byNode.set(r.node, r.ratio);
  const details: string[] = [];
  const nodes: ExecNode[] = [];
  const splits: SplitInfo[] = [];
  graph.nodes.forEach((orig, k) => {
    const ratio = byNode.get(k);
    if (ratio === undefined) {
      nodes.push(g.nodes[k]);
      return;
    }
    const r = splitNode(g, k, ratio);
    if (typeof r === "string") {
      details.push(`declined ${orig.op}#${k}: ${r}`);
      nodes.push(g.nodes[k]);
      return;
    }
    const at = nodes.length;
    nodes.push(...r.nodes);
    splits.push({
      node: k,
      op: orig.op,
      ratio,
      k: r.kk,
      channels: r.channels,
      first: Array.from({ length: r.first }, (_, i) => at + i),
      second: Array.from({ length: r.second }, (_, i) => at + r.first + i),
      concat: at + r.first + r.second,
    });
    details.push(`${orig.op}#${k} at ${r.kk}/${r.channels}`);
  });
  g.nodes = nodes;
  return {
    graph: g,
    report: { pass: "splitByOutputChannels", applied: splits.length, details },
    splits,
  };
}

/**
 * Splits one node by output channels: `[0, k)` and `[k, C)` with `k ≈ ratio * C` rounded to a
 * multiple of 4, joined by a CONCATENATION on the channel axis. Outputs equal the unsplit node's.
 *
 * @example
 * ```ts
 * import { splitByOutputChannels } from "./split.ts";
 * import { buildExecGraph } from "../../../core/exec_graph.ts";
 * import { kernelFor } from "../../../kernels/registry.ts";
 * import { buildNetwork } from "../../../models/catalog.ts";
 * const g = buildExecGraph(buildNetwork("mobilenet_v1_tiny").subgraphs[0], kernelFor);
 * const r = splitByOutputChannels(g, 0, 0.5);
 * if (r.report.applied !== 1 || r.graph.nodes.length !== g.nodes.length + 2) throw new Error("wrong");
 * ```
 *
 * @param graph The exec graph (left unchanged).
 * @param nodeIndex Position of the node.
 * @param ratio Share of output channels of the first part.
 * @returns The rewritten graph, the report and where the split went.
 */
export function splitByOutputChannels(
  graph: ExecGraph,
  nodeIndex: number,
  ratio: number,
): SplitResult {
  return splitLayers(graph, [{ node: nodeIndex, ratio }]);
}
