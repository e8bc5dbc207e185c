/**
 * Storage decisions of a plan: the GPU storage kind of each tensor (f16 runs keep f32 at the
 * graph's edges) and the records of the CPU backend's activation arena.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import { numElements } from "../../core/ir.ts";
import type { Precision } from "../../core/kernel.ts";
import { phwc4Bytes, type StorageKind, storageOf } from "../../kernels/_gpu/phwc4.ts";
import type { UsageRecord } from "../memory/mod.ts";
import type { LifetimeTensor } from "./lifetimes.ts";
import { nodeReads } from "../../core/topology.ts";

/**
 * Graph inputs and outputs, plus tensors that reach an output through data movement only: in f16
 * runs these keep f32 storage, so callers get f32 accuracy at the edges for a few small buffers.
 *
 * @example
 * ```ts
 * import { f32EdgeTensors } from "./storage.ts";
 * import type { ExecGraph } from "../../core/exec_graph.ts";
 * const g = { tensors: [], nodes: [], inputs: [0], outputs: [1] } as unknown as ExecGraph;
 * if (!f32EdgeTensors(g).has(1)) throw new Error("wrong");
 * ```
 *
 * @param graph The exec graph.
 * @returns Tensor indices.
 */
export function f32EdgeTensors(graph: ExecGraph): Set<number> {
  const edges = new Set([...graph.inputs, ...graph.outputs]);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k];
    const moves = n.kernel.traits?.dataMovement === true;
    if (moves && n.epilogue.length === 0 && n.outputs.some((t) => edges.has(t))) {
      for (const t of n.inputs) if (t >= 0 && !graph.tensors[t].value) edges.add(t);
    }
  }
  return edges;
}

/**
 * The GPU storage of every tensor at a precision (`undefined` where the GPU cannot hold the dtype).
 *
 * @example
 * ```ts
 * import { gpuStorageKinds } from "./storage.ts";
 * import type { ExecGraph } from "../../core/exec_graph.ts";
 * const f = { dtype: "float32", shape: [4] };
 * const g = { tensors: [f, f, f], nodes: [], inputs: [0], outputs: [1] } as unknown as ExecGraph;
 * if (gpuStorageKinds(g, "f16")[1] !== "f32") throw new Error("edges keep f32");
 * if (gpuStorageKinds(g, "f16")[2] !== "f16") throw new Error("intermediates go f16");
 * if (gpuStorageKinds(g, "f16", (t) => t === 2)[2] !== "f32") throw new Error("kept in f32");
 * ```
 *
 * @param graph The exec graph.
 * @param precision Storage precision of floats.
 * @param keepF32 In f16 runs, tensors to store in f32 all the same (beside the graph's edges).
 * @returns One storage kind per tensor.
 */
export function gpuStorageKinds(
  graph: ExecGraph,
  precision: Precision,
  keepF32: (tensor: number) => boolean = () => false,
): (StorageKind | undefined)[] {
  const edges = precision === "f16" ? f32EdgeTensors(graph) : new Set<number>();
  return graph.tensors.map((t, i) => {
    const k = storageOf(t.dtype, precision);
    return k === "f16" && (edges.has(i) || keepF32(i)) ? "f32" : k;
  });
}

/**
 * Bytes of a tensor in PHWC4 at a storage kind.
 *
 * @example
 * ```ts
 * import { phwc4TensorBytes } from "./storage.ts";
 * if (phwc4TensorBytes({ dtype: "float32", shape: [1, 2, 2, 5] }, "f32") !== 128) {
 *   throw new Error("wrong");
 * }
 * ```
 *
 * @param t The tensor.
 * @param kind Its storage (`undefined`: the GPU cannot hold it).
 * @returns Bytes.
 * @throws {RangeError} When the GPU cannot hold the tensor.
 */
export function phwc4TensorBytes(t: LifetimeTensor, kind: StorageKind | undefined): number {
  if (!kind) throw new RangeError(`The GPU cannot hold dtype ${t.dtype}`);
  return phwc4Bytes(t.shape, kind);
}

/** Bytes per element of the dtypes the CPU backend keeps in its arena. */
export const CPU_ARENA_DTYPES: Readonly<Record<string, number>> = {
  float32: 4,
  uint8: 1,
  int8: 1,
};

/**
 * Records of the CPU backend's activation arena: every non-constant float32/uint8/int8 tensor,
 * graph inputs (from node 0) and outputs (to one past the last node) included, living from its
 * producer to its last reader (epilogue operands count as reads).
 *
 * @example
 * ```ts
 * import { cpuArenaRecords } from "./storage.ts";
 * import type { ExecGraph } from "../../core/exec_graph.ts";
 * const g = {
 *   tensors: [{ dtype: "float32", shape: [4] }, { dtype: "float32", shape: [4] }],
 *   nodes: [{ inputs: [0], outputs: [1], epilogue: [] }],
 *   inputs: [0],
 *   outputs: [1],
 * } as unknown as ExecGraph;
 * const { records } = cpuArenaRecords(g);
 * if (records[1].lastOp !== 1) throw new Error("outputs live past the last node");
 * ```
 *
 * @param graph The exec graph.
 * @returns Records and the tensor of each.
 */
export function cpuArenaRecords(graph: ExecGraph): { records: UsageRecord[]; tensors: number[] } {
  const { nodes, tensors } = graph;
  const first = new Map<number, number>(), last = new Map<number, number>();
  for (const t of graph.inputs) if (CPU_ARENA_DTYPES[tensors[t].dtype]) first.set(t, 0);
  nodes.forEach((n, i) => {
    for (const t of n.outputs) {
      if (CPU_ARENA_DTYPES[tensors[t].dtype] && !tensors[t].value) first.set(t, i);
    }
  });
  const use = (t: number, i: number) => {
    if (first.has(t)) last.set(t, Math.max(last.get(t) ?? 0, i));
  };
  nodes.forEach((n, i) => nodeReads(n).forEach((t) => use(t, i)));
  graph.outputs.forEach((t) => use(t, nodes.length));
  const ids = [...first.keys()];
  const records = ids.map((t) => ({
    size: Math.max(4, numElements(tensors[t].shape) * CPU_ARENA_DTYPES[tensors[t].dtype]),
    firstOp: first.get(t)!,
    lastOp: Math.max(first.get(t)!, last.get(t) ?? first.get(t)!),
  }));
  return { records, tensors: ids };
}
