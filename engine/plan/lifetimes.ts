/**
 * Lifetimes of intermediate tensors, as the executors need them for memory planning: pure functions
 * from a graph (and where each node runs) to usage records `{size, firstOp, lastOp}` over node
 * positions, plus the transfers a GPU partition makes.
 *
 * - {@linkcode gpuUsageRecords}: what the GPU executor allocates. Sizes are PHWC4 bytes for the
 *   precision (16 bytes per `vec4` in f32 and i32, 8 in f16); a tensor lives from the first GPU node
 *   that touches it to the last, counting epilogue operands as reads, the end of its partition when
 *   the host reads it back, and the start of a partition that uploads it.
 *
 * Graph inputs, graph outputs and constants are never intermediates: they own their memory.
 *
 * @module
 */
import type { Precision } from "../../core/kernel.ts";
import { type DType, DTYPE_BYTES, numElements } from "../../core/ir.ts";
import { phwc4Bytes, type StorageKind, storageOf } from "../../kernels/_gpu/phwc4.ts";
import type { UsageRecord } from "../memory/types.ts";
import { nodeReads } from "../../core/topology.ts";

export type { Precision, UsageRecord };

/**
 * The parts of a tensor lifetimes look at; an `ExecTensor` is one.
 *
 * @example
 * ```ts
 * import type { LifetimeTensor } from "./lifetimes.ts";
 *
 * const t: LifetimeTensor = { dtype: "float32", shape: [1, 8, 8, 3] };
 * ```
 */
export interface LifetimeTensor {
  /** Element type. */
  dtype: string;
  /** Static shape. */
  shape: readonly number[];
  /** Present (any value) for constants. */
  value?: unknown;
}

/**
 * The parts of a node lifetimes look at; an `ExecNode` is one.
 *
 * @example
 * ```ts
 * import type { LifetimeNode } from "./lifetimes.ts";
 *
 * const n: LifetimeNode = { inputs: [0, -1], outputs: [1], epilogue: [{ extra: [{ tensor: 2 }] }] };
 * ```
 */
export interface LifetimeNode {
  /** Input tensor indices (`-1` for an omitted optional input). */
  inputs: readonly number[];
  /** Output tensor indices. */
  outputs: readonly number[];
  /** Fused elementwise steps; their `extra` operands are read by the node. */
  epilogue?: readonly { extra: readonly { tensor: number }[] }[];
}

/**
 * The parts of a graph lifetimes look at; an `ExecGraph` is one.
 *
 * @example
 * ```ts
 * import type { LifetimeGraph } from "./lifetimes.ts";
 *
 * const g: LifetimeGraph = {
 *   tensors: [{ dtype: "float32", shape: [4] }, { dtype: "float32", shape: [4] }],
 *   nodes: [{ inputs: [0], outputs: [1] }],
 *   inputs: [0],
 *   outputs: [1],
 * };
 * ```
 */
export interface LifetimeGraph<N extends LifetimeNode = LifetimeNode> {
  /** Tensors by index. */
  tensors: readonly LifetimeTensor[];
  /** Nodes in execution order. */
  nodes: readonly N[];
  /** Graph input tensor indices. */
  inputs: readonly number[];
  /** Graph output tensor indices. */
  outputs: readonly number[];
}

/**
 * Options of {@linkcode gpuUsageRecords}.
 *
 * @example
 * ```ts
 * import type { GpuUsageOptions } from "./lifetimes.ts";
 *
 * const options: GpuUsageOptions = { precision: "f16", onGpu: () => true };
 * ```
 */
export interface GpuUsageOptions<N extends LifetimeNode = LifetimeNode> {
  /** Storage precision of float tensors (default `f32`). */
  precision?: Precision;
  /** Whether the node at `position` runs on the GPU. */
  onGpu: (node: N, position: number) => boolean;
  /**
   * Tensors a GPU node reads on the GPU (default: its inputs, then its epilogue operands). The GPU
   * executor passes the tensors its programs bind.
   */
  gpuReads?: (node: N, position: number) => readonly number[];
  /** Extra tensors the host reads back after every run (they are downloaded like outputs). */
  download?: Iterable<number>;
  /** Bytes of a tensor (default {@linkcode gpuTensorBytes} at the precision). */
  tensorBytes?: (tensor: LifetimeTensor, index: number) => number;
}

/**
 * One maximal run of consecutive GPU nodes: one command encoder and one submission.
 *
 * @example
 * ```ts
 * import type { GpuPartition } from "./lifetimes.ts";
 *
 * const p: GpuPartition = { nodes: [0, 1], uploads: [0], downloads: [2] };
 * ```
 */
export interface GpuPartition {
  /** Node positions, in order. */
  nodes: number[];
  /** Non-constant tensors written from the host at the partition's start. */
  uploads: number[];
  /** Tensors read back to the host at the partition's end. */
  downloads: number[];
}

/**
 * Usage records of a GPU run and everything the executor derives them from.
 *
 * @example
 * ```ts
 * import type { GpuUsage } from "./lifetimes.ts";
 *
 * const usage: GpuUsage = {
 *   records: [{ size: 16, firstOp: 0, lastOp: 1 }],
 *   tensors: [1],
 *   partitions: [{ nodes: [0, 1], uploads: [0], downloads: [2] }],
 *   io: [0, 2],
 *   constants: [],
 * };
 * ```
 */
export interface GpuUsage {
  /** One record per intermediate tensor, in the order the GPU first touches them. */
  records: UsageRecord[];
  /** `tensors[i]` is the tensor `records[i]` describes. */
  tensors: number[];
  /** The GPU partitions, in order. */
  partitions: GpuPartition[];
  /** Graph inputs and outputs the GPU touches, in the order it first touches them. */
  io: number[];
  /** Constants read on the GPU, in the order they are first read. */
  constants: number[];
}

/**
 * Bytes a tensor occupies on the GPU: PHWC4 in the storage its dtype gets at this precision.
 *
 * @param tensor The tensor.
 * @param precision Storage precision of floats.
 * @returns Bytes (16 per `vec4` in f32 and i32, 8 in f16).
 * @throws {RangeError} When the GPU cannot hold the dtype.
 *
 * @example A 5-channel tensor is padded to 8 channels
 * ```ts
 * import { gpuTensorBytes } from "./lifetimes.ts";
 * import { strictEqual } from "node:assert";
 *
 * strictEqual(gpuTensorBytes({ dtype: "float32", shape: [1, 2, 2, 5] }, "f32"), 128);
 * strictEqual(gpuTensorBytes({ dtype: "float32", shape: [1, 2, 2, 5] }, "f16"), 64);
 * ```
 */
export function gpuTensorBytes(tensor: LifetimeTensor, precision: Precision): number {
  const kind: StorageKind | undefined = storageOf(tensor.dtype, precision);
  if (kind === undefined) {
    throw new RangeError(`The GPU cannot hold dtype ${tensor.dtype}`);
  }
  return phwc4Bytes(tensor.shape, kind);
}

function defaultReads(node: LifetimeNode): number[] {
  return nodeReads(node);
}

/**
 * Usage records of the intermediate tensors of a GPU run, exactly as the GPU executor allocates
 * them. Nodes are split into partitions (maximal runs of GPU nodes). Within the GPU, a tensor lives
 * from the first node position that reads or writes it to the last; a tensor the host reads (a CPU
 * node's input or epilogue operand, a graph output, a `download`) is read back at the end of its
 * partition and so lives until then; a tensor a partition needs but no GPU node produced (a graph
 * input, a CPU node's result) is uploaded at the partition's start and lives from then. A tensor
 * produced on the GPU stays there for later partitions (no re-upload). Graph inputs and outputs
 * (`io`) and constants are not records.
 *
 * @param graph The graph (an `ExecGraph`, or anything with its shape).
 * @param options Precision, which nodes run on the GPU, what they read, extra downloads.
 * @returns Records, their tensors, the partitions with their transfers, io tensors and constants.
 * @throws {RangeError} When a GPU tensor's dtype has no GPU storage.
 *
 * @example A chain `x -> A -> t1 -> B -> t2 -> C -> y`, all on the GPU
 * ```ts
 * import { gpuUsageRecords } from "./lifetimes.ts";
 * import { deepStrictEqual } from "node:assert";
 *
 * const f = { dtype: "float32", shape: [1, 4, 4, 8] }; // 16 pixels x 2 slices x 16 bytes
 * const usage = gpuUsageRecords({
 *   tensors: [f, f, f, f],
 *   nodes: [
 *     { inputs: [0], outputs: [1] },
 *     { inputs: [1], outputs: [2] },
 *     { inputs: [2], outputs: [3] },
 *   ],
 *   inputs: [0],
 *   outputs: [3],
 * }, { onGpu: () => true });
 * deepStrictEqual(usage.tensors, [1, 2]);
 * deepStrictEqual(usage.records, [
 *   { size: 512, firstOp: 0, lastOp: 1 },
 *   { size: 512, firstOp: 1, lastOp: 2 },
 * ]);
 * deepStrictEqual(usage.partitions, [{ nodes: [0, 1, 2], uploads: [0], downloads: [3] }]);
 * ```
 */
export function gpuUsageRecords<N extends LifetimeNode>(
  graph: LifetimeGraph<N>,
  options: GpuUsageOptions<N>,
): GpuUsage {
  const precision = options.precision ?? "f32";
  const bytes = options.tensorBytes ?? ((t: LifetimeTensor) => gpuTensorBytes(t, precision));
  const reads = options.gpuReads ?? defaultReads;
  const onGpu = graph.nodes.map((node, k) => options.onGpu(node, k));
  // Partitions: maximal runs of GPU nodes.
  const partitions: GpuPartition[] = [];
  onGpu.forEach((gpu, k) => {
    if (!gpu) return;
    const last = partitions.at(-1);
    if (last && last.nodes.at(-1) === k - 1) last.nodes.push(k);
    else partitions.push({ nodes: [k], uploads: [], downloads: [] });
  });
  // Tensors the host reads: CPU nodes' inputs and epilogue operands, outputs, downloads.
  const readOnHost = new Set<number>([...graph.outputs, ...(options.download ?? [])]);
  graph.nodes.forEach((node, k) => {
    if (onGpu[k]) return;
    for (const t of defaultReads(node)) readOnHost.add(t);
  });
  const producedOnGpu = new Set<number>();
  graph.nodes.forEach((node, k) => {
    if (onGpu[k]) { for (const t of node.outputs) producedOnGpu.add(t); }
  });
  // Lifetimes, in first-touch order.
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const touch = (t: number, k: number) => {
    first.set(t, Math.min(first.get(t) ?? k, k));
    last.set(t, Math.max(last.get(t) ?? k, k));
  };
  const constants = new Set<number>();
  for (const part of partitions) {
    const end = part.nodes.at(-1)!;
    const uploads = new Set<number>();
    for (const k of part.nodes) {
      for (const t of reads(graph.nodes[k], k)) {
        if (graph.tensors[t].value !== undefined) {
          constants.add(t);
          continue;
        }
        if (!producedOnGpu.has(t)) uploads.add(t);
        touch(t, k);
      }
      for (const t of graph.nodes[k].outputs) {
        touch(t, k);
        if (readOnHost.has(t)) {
          part.downloads.push(t);
          touch(t, end);
        }
      }
    }
    for (const t of uploads) touch(t, part.nodes[0]);
    part.uploads = [...uploads];
  }
  const io = new Set<number>([...graph.inputs, ...graph.outputs]);
  const result: GpuUsage = {
    records: [],
    tensors: [],
    partitions,
    io: [],
    constants: [...constants],
  };
  for (const [t, firstOp] of first) {
    if (graph.tensors[t].value !== undefined) continue;
    if (io.has(t)) {
      result.io.push(t);
      continue;
    }
    result.tensors.push(t);
    result.records.push({
      size: bytes(graph.tensors[t], t),
      firstOp,
      lastOp: last.get(t)!,
    });
  }
  return result;
}

/**
 * Bytes a tensor occupies on the host: elements x bytes per element of its dtype.
 *
 * @param tensor The tensor.
 * @returns Bytes.
 * @throws {RangeError} When the dtype has no fixed byte size (strings, sub-byte types).
 *
 * @example
 * ```ts
 * import { hostTensorBytes } from "./lifetimes.ts";
 * import { strictEqual } from "node:assert";
 *
 * strictEqual(hostTensorBytes({ dtype: "float32", shape: [1, 2, 2, 5] }), 80);
 * ```
 */
export function hostTensorBytes(tensor: LifetimeTensor): number {
  const per = DTYPE_BYTES[tensor.dtype as DType];
  if (per === undefined) {
    throw new RangeError(`Dtype ${tensor.dtype} has no fixed size in bytes`);
  }
  return numElements(tensor.shape) * per;
}
