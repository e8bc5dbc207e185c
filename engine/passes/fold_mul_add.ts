/**
 * Folds a MUL or ADD by a constant (scalar or per output channel) that follows CONV_2D,
 * DEPTHWISE_CONV_2D or FULLY_CONNECTED into the producer's weights and bias. Exact in real
 * arithmetic; applied only when the producer has no fused activation and no other reader.
 *
 * @module
 */
import type { ExecGraph, ExecNode, ExecTensor } from "../../core/exec_graph.ts";
import type { PassResult } from "./types.ts";
import { cloneGraph, reparse } from "./_util.ts";
import { producerIndex, useCounts } from "../../core/topology.ts";
import { numElements } from "../../core/ir.ts";

/** Output-channel axis of each foldable producer's weights. */
const WEIGHT_OUT_AXIS: Readonly<Record<string, (rank: number) => number>> = {
  CONV_2D: () => 0,
  DEPTHWISE_CONV_2D: (r) => r - 1,
  FULLY_CONNECTED: () => 0,
};

function channelValues(t: ExecTensor, channels: number): Float64Array | undefined {
  const v = t.value;
  if (!v || t.dtype !== "float32") return undefined;
  const n = numElements(t.shape);
  if (n === 1) return new Float64Array(channels).fill(Number(v.data[0]));
  if (n !== channels || t.shape.at(-1) !== channels) return undefined;
  return Float64Array.from(v.data as Float32Array);
}

function scaleWeights(w: ExecTensor, axis: number, s: Float64Array): ExecTensor {
  const data = new Float32Array(w.value!.data as Float32Array);
  const inner = w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const dim = w.shape[axis];
  for (let i = 0; i < data.length; i++) data[i] *= s[Math.floor(i / inner) % dim];
  return { ...w, name: `${w.name}/folded`, value: { dtype: "float32", shape: [...w.shape], data } };
}

function foldInto(
  g: ExecGraph,
  producer: ExecNode,
  op: "MUL" | "ADD",
  c: Float64Array,
): ExecNode | undefined {
  const wi = producer.inputs[1];
  const w = g.tensors[wi];
  if (!w?.value || w.dtype !== "float32") return undefined;
  const axis = WEIGHT_OUT_AXIS[producer.op](w.shape.length);
  const channels = w.shape[axis];
  if (channels !== c.length) return undefined;
  const bi = producer.inputs[2] ?? -1;
  const bias = bi >= 0 ? g.tensors[bi] : undefined;
  if (bi >= 0 && (!bias?.value || bias.dtype !== "float32")) return undefined;
  const b = new Float32Array(channels);
  if (bias?.value) b.set(bias.value.data as Float32Array);
  const next: ExecNode = { ...producer, inputs: [...producer.inputs] };
  if (op === "MUL") {
    g.tensors.push(scaleWeights(w, axis, c));
    next.inputs[1] = g.tensors.length - 1;
    for (let i = 0; i < channels; i++) b[i] *= c[i];
  } else {
    for (let i = 0; i < channels; i++) b[i] += c[i];
  }
  g.tensors.push({
    name: `${bias?.name ?? "bias"}/folded`,
    dtype: "float32",
    shape: [channels],
    value: { dtype: "float32", shape: [channels], data: b },
  });
  while (next.inputs.length < 3) next.inputs.push(-1);
  next.inputs[2] = g.tensors.length - 1;
  return next;
}

/**
 * Folds constant MUL/ADD after convolutions and fully connected layers into their weights and bias.
 *
 * @example
 * ```ts ignore
 * const { graph, report } = foldMulAdd(g);
 * ```
 *
 * @param graph The graph.
 * @returns The new graph and a report.
 */
export function foldMulAdd(graph: ExecGraph): PassResult {
  const g = cloneGraph(graph);
  const details: string[] = [];
  const removed = new Set<number>();
  const uses = useCounts(g);
  const prod = producerIndex(g);
  g.nodes.forEach((node, k) => {
    if ((node.op !== "MUL" && node.op !== "ADD") || node.inputs.length !== 2) return;
    if ((node.raw.options.fusedActivationFunction ?? "NONE") !== "NONE") return;
    const [a, b] = node.inputs;
    const src = g.tensors[a].value ? b : a;
    const cst = src === a ? b : a;
    if (!g.tensors[cst].value || g.tensors[src].value) return;
    const p = prod.get(src);
    if (p === undefined || removed.has(p) || uses[src] !== 1 || g.outputs.includes(src)) return;
    const producer = g.nodes[p];
    if (!(producer.op in WEIGHT_OUT_AXIS) || producer.epilogue.length) return;
    if ((producer.raw.options.fusedActivationFunction ?? "NONE") !== "NONE") return;
    const outC = g.tensors[src].shape.at(-1) ?? 0;
    if (g.tensors[node.outputs[0]].shape.join() !== g.tensors[src].shape.join()) return;
    const c = channelValues(g.tensors[cst], outC);
    if (!c) return;
    const next = foldInto(g, producer, node.op, c);
    if (!next) return;
    try {
      reparse(g, next, producer.raw.options);
    } catch {
      return;
    }
    next.outputs = [node.outputs[0]];
    next.fused = [...producer.fused, ...node.fused];
    g.nodes[p] = next;
    removed.add(k);
    details.push(`${node.op}#${node.index}->${producer.op}#${producer.index}`);
  });
  g.nodes = g.nodes.filter((_, k) => !removed.has(k));
  return { graph: g, report: { pass: "fold-mul-add", applied: removed.size, details } };
}
