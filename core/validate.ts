/**
 * Checks a graph before anything is built from it: its structure (every tensor written at most once,
 * no node writing a constant or a graph input, no cycles, every index in range) with
 * {@linkcode validateGraph}, and, once shapes are inferred, every tensor's byte size against a limit
 * with {@linkcode checkTensorSizes}, so that a small file cannot make a backend allocate gigabytes.
 *
 * @module
 */
import { type DType, DTYPE_BYTES, type Graph, opName } from "./ir.ts";
import { ModelFormatError, UsageError } from "./errors.ts";
import { topologyIssues } from "./topology.ts";

/** The largest default tensor size limit: 2 GiB. */
export const MAX_TENSOR_BYTES_CAP = 2 ** 31;

/** The default limit where the machine's memory is unknown (a browser): 1 GiB. */
const UNKNOWN_MEMORY_LIMIT = 2 ** 30;

function label(graph: Graph, n: number): string {
  const node = graph.nodes[n];
  return `Node ${n} (${opName(node)})`;
}

function tensorLabel(graph: Graph, t: number): string {
  return `tensor ${t} ${JSON.stringify(graph.tensors[t]?.name ?? "")}`;
}

function checkIndex(graph: Graph, t: unknown, where: string): void {
  if (!Number.isInteger(t) || (t as number) < 0 || (t as number) >= graph.tensors.length) {
    throw new ModelFormatError(
      `${where} names tensor ${
        String(t)
      }, which does not exist (the graph has ${graph.tensors.length} tensors)`,
    );
  }
}

/**
 * Checks a graph's structure: graph inputs, outputs and node operands name existing tensors, every
 * tensor is written by at most one node, no node writes a constant or a graph input, and every
 * tensor a node reads is available before it (no cycles).
 *
 * @example
 * ```ts
 * import { validateGraph } from "./validate.ts";
 * const t = (name: string) => ({ name, dtype: "float32" as const, shape: [1] });
 * const graph = {
 *   name: "", inputs: [0], outputs: [1], tensors: [t("x"), t("y")],
 *   nodes: [
 *     { op: "RELU", version: 1, inputs: [0], outputs: [1], options: {} },
 *     { op: "NEG", version: 1, inputs: [0], outputs: [1], options: {} },
 *   ],
 * };
 * let message = "";
 * try {
 *   validateGraph(graph);
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.startsWith("Node 1 (NEG) writes tensor 1")) throw new Error(message);
 * ```
 *
 * @param graph The graph.
 * @throws {ModelFormatError} Naming the first node and tensor at fault.
 */
export function validateGraph(graph: Graph): void {
  graph.inputs.forEach((t, i) => checkIndex(graph, t, `Graph input ${i}`));
  graph.outputs.forEach((t, i) => checkIndex(graph, t, `Graph output ${i}`));
  const isInput = new Set(graph.inputs);
  const writer = new Map<number, number>();
  graph.nodes.forEach((node, n) => {
    node.inputs.forEach((t, k) => {
      if (t !== -1) checkIndex(graph, t, `${label(graph, n)} input ${k}`);
    });
    node.outputs.forEach((t, k) => {
      checkIndex(graph, t, `${label(graph, n)} output ${k}`);
      const where = `${label(graph, n)} writes ${tensorLabel(graph, t)}`;
      const before = writer.get(t);
      if (before !== undefined) {
        throw new ModelFormatError(`${where}, which ${label(graph, before)} already writes`);
      }
      if (isInput.has(t)) throw new ModelFormatError(`${where}, a graph input`);
      const data = graph.tensors[t].data;
      if (data !== undefined && data.byteLength > 0) {
        throw new ModelFormatError(`${where}, a constant of the model`);
      }
      writer.set(t, n);
    });
  });
  for (const issue of topologyIssues(graph)) {
    if (issue.producer < 0) continue; // dangling reads are the reader's policy (allowDangling)
    throw new ModelFormatError(
      `${label(graph, issue.node)} reads ${tensorLabel(graph, issue.tensor)} before ${
        label(graph, issue.producer).toLowerCase()
      } writes it: a cycle or nodes out of order`,
    );
  }
}

/** Options of {@linkcode checkTensorSizes}. */
export interface TensorSizeOptions {
  /**
   * Largest tensor accepted, in bytes, and largest total of all activations (tensors without a
   * constant value) together (default {@linkcode defaultMaxTensorBytes}).
   */
  maxTensorBytes?: number;
}

/** A tensor as {@linkcode checkTensorSizes} sees it. */
export interface SizedTensor {
  /** Name, for messages. */
  name: string;
  /** Element type. */
  dtype: DType;
  /** Shape (inferred). */
  shape: readonly number[];
  /** Present on constants, which do not count towards the activations' total. */
  value?: unknown;
}

interface DenoMemory {
  systemMemoryInfo(): { total: number };
}

/**
 * The default tensor size limit: a quarter of the machine's memory, at most 2 GiB (1 GiB where the
 * machine's memory cannot be read).
 *
 * @example
 * ```ts
 * import { defaultMaxTensorBytes } from "./validate.ts";
 * const limit = defaultMaxTensorBytes();
 * if (!(limit > 0 && limit <= 2 ** 31)) throw new Error("wrong");
 * ```
 *
 * @returns Bytes.
 */
export function defaultMaxTensorBytes(): number {
  const deno = (globalThis as { Deno?: Partial<DenoMemory> }).Deno;
  let total = 0;
  try {
    total = deno?.systemMemoryInfo?.().total ?? 0;
  } catch {
    total = 0;
  }
  if (!(total > 0)) return UNKNOWN_MEMORY_LIMIT;
  return Math.min(MAX_TENSOR_BYTES_CAP, Math.floor(total / 4));
}

/**
 * Writes a byte count for a message: `3.2 GiB`, `512 MiB`, `12 KiB`, `40 bytes`.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./validate.ts";
 * if (formatBytes(3 * 2 ** 30) !== "3 GiB") throw new Error(formatBytes(3 * 2 ** 30));
 * ```
 *
 * @param bytes A byte count.
 * @returns The count with a binary unit.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  const units: [number, string][] = [[2 ** 40, "TiB"], [2 ** 30, "GiB"], [2 ** 20, "MiB"], [
    2 ** 10,
    "KiB",
  ]];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toPrecision(3))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/**
 * Checks every tensor's byte size (after shape inference, before any allocation) against a limit,
 * and the total of the activations (every tensor that is not a constant) against the same limit:
 * many tensors just under the limit must not add up to more memory than the machine has.
 *
 * @example
 * ```ts
 * import { checkTensorSizes } from "./validate.ts";
 * const tensors = [{ name: "big", dtype: "float32" as const, shape: [1024, 1024, 1024] }];
 * let message = "";
 * try {
 *   checkTensorSizes({ tensors }, { maxTensorBytes: 2 ** 30 });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.startsWith('Tensor 0 "big" would take 4 GiB')) throw new Error(message);
 * ```
 *
 * @param graph Tensors with inferred shapes.
 * @param options The limit.
 * @throws {UsageError} When the limit is not a positive number.
 * @throws {ModelFormatError} Naming the first tensor whose shape is invalid or too large.
 */
export function checkTensorSizes(
  graph: { tensors: readonly SizedTensor[] },
  options: TensorSizeOptions = {},
): void {
  const limit = options.maxTensorBytes ?? defaultMaxTensorBytes();
  if (typeof limit !== "number" || !(limit > 0)) {
    throw new UsageError(`maxTensorBytes must be a positive number of bytes, got ${String(limit)}`);
  }
  let total = 0;
  graph.tensors.forEach((t, i) => {
    const where = `Tensor ${i} ${JSON.stringify(t.name)}`;
    let elements = 1;
    for (const d of t.shape) {
      if (!Number.isInteger(d) || d < -1) {
        throw new ModelFormatError(`${where} has an invalid shape [${t.shape}]`);
      }
      elements *= Math.max(0, d);
    }
    const bytes = elements * (DTYPE_BYTES[t.dtype] ?? 1);
    if (bytes > limit) {
      throw new ModelFormatError(
        `${where} would take ${
          formatBytes(bytes)
        } (shape [${t.shape}], ${t.dtype}), more than the ${
          formatBytes(limit)
        } limit (maxTensorBytes)`,
      );
    }
    if (t.value === undefined) total += bytes;
  });
  if (total > limit) {
    throw new ModelFormatError(
      `The activations would take ${formatBytes(total)} together, more than the ${
        formatBytes(limit)
      } limit (maxTensorBytes)`,
    );
  }
}
