/**
 * How many threads a node's dispatches use: as many as it has meaningful work for. Waking a worker
 * and waiting for it costs microseconds to tens of microseconds (more when the machine's cores are
 * all busy), so a node splits only into shares of at least {@linkcode MIN_WORK_PER_THREAD} units
 * of work, and a tiny node runs on the calling thread alone. The split never changes results: a
 * kernel's tasks are fixed when it is built, and threads only decide who runs which task.
 *
 * @module
 */
import type { ExecGraph, ExecNode } from "../../../core/exec_graph.ts";
import { numElements } from "../../../core/ir.ts";

/**
 * Work units (about one multiply-add or one element moved) below which a thread's share is not
 * worth a dispatch: some 10-20 µs of one core.
 */
export const MIN_WORK_PER_THREAD = 64 * 1024;

/**
 * Threads a node uses: at most the pool's threads, and at most one per
 * `minWorkPerThread` units of its work, at least one (the calling thread).
 *
 * @example
 * ```ts
 * import { threadsFor } from "./split.ts";
 * if (threadsFor({ work: 1000, threads: 16 }) !== 1) throw new Error("wrong");
 * if (threadsFor({ work: 1e9, threads: 16 }) !== 16) throw new Error("wrong");
 * ```
 *
 * @param options The node's work units, the pool's threads and the minimum work per thread.
 * @returns Threads for the node's dispatches, from 1 to `threads`.
 */
export function threadsFor(
  options: { work: number; threads: number; minWorkPerThread?: number },
): number {
  const min = options.minWorkPerThread ?? MIN_WORK_PER_THREAD;
  const useful = Math.floor(options.work / min);
  return Math.max(1, Math.min(options.threads, useful));
}

/**
 * A node's work units: its output elements times the multiply-adds per output element, estimated
 * as the largest constant input's elements per output channel (a convolution's taps times input
 * channels, a depthwise convolution's taps, a fully connected layer's input width), plus its
 * activation inputs' elements (what it reads).
 *
 * @example
 * ```ts ignore
 * const work = nodeWork(graph, graph.nodes[0]);
 * ```
 *
 * @param graph The exec graph.
 * @param node The node.
 * @returns Work units.
 */
export function nodeWork(graph: ExecGraph, node: ExecNode): number {
  const out = node.outputs[0] >= 0 ? graph.tensors[node.outputs[0]].shape : [];
  const outElems = numElements(out);
  const channels = Math.max(1, out.at(-1) ?? 1);
  let perOutput = 1, read = 0;
  for (const t of node.inputs) {
    if (t < 0) continue;
    const spec = graph.tensors[t];
    const n = numElements(spec.shape);
    if (spec.value) perOutput = Math.max(perOutput, Math.floor(n / channels));
    else read += n;
  }
  return outElems * perOutput + read;
}
