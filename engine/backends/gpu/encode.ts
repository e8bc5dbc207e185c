/**
 * Recording one GPU step: one compute pass holding the packing programs of its uploads, its nodes'
 * dispatches and the unpacking programs of its downloads, with timestamps at the pass's start and
 * end when timing; with per-node profiling, one pass per node between a packing and an unpacking
 * pass, each with its own pair of timestamps. Also the timestamp query set and its resolve buffer.
 *
 * @module
 */
import type { PlanStep } from "../../plan/plan.ts";
import type { GpuBuffers } from "./allocate.ts";
import { encodeDispatches, type PreparedDispatch } from "./prepare.ts";
import { type TimestampLayout, timestampLayout } from "./timeline.ts";

/** The timestamp queries of an executor. */
export interface TimestampQueries {
  /** The query set. */
  set: GPUQuerySet;
  /** Where queries resolve before being copied into the last step's readback buffer. */
  resolve: GPUBuffer;
  /** Which query each pass writes. */
  layout: TimestampLayout;
  /** One pass per node (per-node profiling). */
  perNode: boolean;
  /** The last GPU step, whose readback carries the timestamps. */
  lastStep: number;
}

/**
 * Creates the timestamp queries of a plan, or `undefined` when the device lacks `timestamp-query`
 * or the plan has no GPU step.
 *
 * @example
 * ```ts ignore
 * const queries = createTimestampQueries(device, buffers, plan.steps, { perNode: false });
 * ```
 *
 * @param device The device.
 * @param buffers Where the resolve buffer is created.
 * @param steps The plan's steps.
 * @param options `perNode`: one pass (and one pair of queries) per node.
 * @returns The queries.
 */
export function createTimestampQueries(
  device: GPUDevice,
  buffers: GpuBuffers,
  steps: readonly PlanStep[],
  options: { perNode: boolean },
): TimestampQueries | undefined {
  const lastStep = steps.findLastIndex((s) => s.kind === "gpu");
  if (!device.features.has("timestamp-query") || lastStep < 0) return undefined;
  const layout = timestampLayout(steps, options);
  return {
    set: device.createQuerySet({ type: "timestamp", count: layout.count }),
    resolve: buffers.create(
      layout.count * 8,
      "timestamps",
      GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    ),
    layout,
    perNode: options.perNode,
    lastStep,
  };
}

/** What one step's recording needs. */
export interface StepRecording {
  /** Index of the step in the plan. */
  step: number;
  /** Packing programs of the uploads that take them this run. */
  packs: readonly PreparedDispatch[];
  /** Node positions of the step, in order. */
  nodes: readonly number[];
  /** Dispatches of every node, by node position. */
  dispatches: readonly (readonly PreparedDispatch[])[];
  /** The step's node dispatches in order (flattened once). */
  flat: readonly PreparedDispatch[];
  /** Unpacking programs of its downloads. */
  unpacks: readonly PreparedDispatch[];
  /** Timestamp queries, when timing. */
  queries?: TimestampQueries;
}

/**
 * How many dispatches each submission of a step holds when it is submitted in chunks: `first`,
 * then twice the previous chunk each time, the last taking what is left. The GPU starts on the
 * first chunk while the host records the next, so recording and submitting hide behind the GPU's
 * work instead of adding to it; growing chunks keep the number of submissions logarithmic.
 *
 * @example
 * ```ts
 * import { submissionChunks } from "./encode.ts";
 * const sizes = submissionChunks(40, 4);
 * if (sizes.join() !== "4,8,16,12") throw new Error(`got ${sizes}`);
 * ```
 *
 * @param count Dispatches of the step.
 * @param first Dispatches of the first chunk (at least 1).
 * @returns Chunk sizes summing to `count` (one chunk of `count` when it is at most `first`).
 */
export function submissionChunks(count: number, first: number): number[] {
  const sizes: number[] = [];
  let size = Math.max(1, Math.floor(first));
  for (let left = count; left > 0; left -= size, size *= 2) sizes.push(Math.min(size, left));
  return sizes.length ? sizes : [0];
}

/** How {@linkcode recordStep} splits a step. */
export interface RecordOptions {
  /** Dispatches of the first submission (see {@linkcode submissionChunks}); `0`: one submission. */
  firstChunk?: number;
  /**
   * One compute pass per node (and one each for the packing and the unpacking programs) instead of
   * one per submission.
   */
  passPerNode?: boolean;
}

/**
 * Records a step's passes. With `firstChunk` (and no per-node profiling), the step's dispatches are
 * split at node boundaries into submissions of about {@linkcode submissionChunks}' sizes: every
 * chunk but the last is finished and submitted at once, so the GPU works while the rest is
 * recorded. With `passPerNode` each node gets its own compute pass. The pass timestamps go at the
 * start of the first pass and the end of the last. The encoder returned holds the last chunk, for
 * the caller to add its copies and submit.
 *
 * @example
 * ```ts ignore
 * const { encoder, submitted } = recordStep(device, { step: 0, packs, nodes, dispatches, flat, unpacks }, { firstChunk: 6 });
 * device.queue.submit([encoder.finish()]);
 * ```
 *
 * @param device The device whose queue takes the early chunks.
 * @param r What to record.
 * @param options Chunks and passes.
 * @returns The encoder of the last chunk and how many submissions were made already.
 */
export function recordStep(
  device: GPUDevice,
  r: StepRecording,
  options: RecordOptions = {},
): { encoder: GPUCommandEncoder; submitted: number } {
  const q = r.queries;
  const sq = q?.layout.steps.get(r.step);
  const total = r.packs.length + r.flat.length + r.unpacks.length;
  const sizes = options.firstChunk && !q?.perNode
    ? submissionChunks(total, options.firstChunk)
    : [total];
  if (q?.perNode || (sizes.length < 2 && !options.passPerNode)) {
    const encoder = device.createCommandEncoder();
    encodeStep(encoder, r);
    return { encoder, submitted: 0 };
  }
  const groups = [r.packs, ...r.nodes.map((k) => r.dispatches[k]), r.unpacks].filter((g) =>
    g.length > 0
  );
  const chunks = chunkGroups(groups, sizes);
  for (const [c, chunk] of chunks.entries()) {
    const encoder = device.createCommandEncoder();
    const last = c === chunks.length - 1;
    // One pass per node, or one pass holding the chunk's nodes in order.
    const passes = options.passPerNode ? chunk.map((g) => [g]) : [chunk];
    passes.forEach((nodes, p) => {
      const begin = c === 0 && p === 0;
      const end = last && p === passes.length - 1;
      const pass = encoder.beginComputePass(
        q && sq && (begin || end)
          ? {
            timestampWrites: {
              querySet: q.set,
              ...(begin ? { beginningOfPassWriteIndex: sq.begin } : {}),
              ...(end ? { endOfPassWriteIndex: sq.end } : {}),
            },
          }
          : {},
      );
      for (const dispatches of nodes) encodeDispatches(pass, dispatches);
      pass.end();
    });
    if (last) return { encoder, submitted: c };
    device.queue.submit([encoder.finish()]);
  }
  // No dispatch at all: an empty pass keeps the timestamps' pair.
  const encoder = device.createCommandEncoder();
  encodeStep(encoder, r);
  return { encoder, submitted: 0 };
}

/**
 * Groups of dispatches (nodes) dealt into chunks: each chunk takes whole groups until it holds at
 * least its size; the last takes the rest; empty chunks are dropped.
 *
 * @example
 * ```ts
 * import { chunkGroups } from "./encode.ts";
 * const c = chunkGroups([[1], [2, 3], [4], [5], [6, 7]], [2, 4]);
 * if (JSON.stringify(c) !== "[[[1],[2,3]],[[4],[5],[6,7]]]") throw new Error(JSON.stringify(c));
 * ```
 *
 * @param groups Dispatch groups in order.
 * @param sizes Dispatches each chunk should hold.
 * @returns The chunks, each a list of groups.
 */
export function chunkGroups<T>(
  groups: readonly (readonly T[])[],
  sizes: readonly number[],
): (readonly T[])[][] {
  const chunks: (readonly T[])[][] = [];
  let g = 0;
  for (const [c, size] of sizes.entries()) {
    const chunk: (readonly T[])[] = [];
    let n = 0;
    while (g < groups.length && (c === sizes.length - 1 || n < size)) {
      chunk.push(groups[g]);
      n += groups[g].length;
      g++;
    }
    if (chunk.length) chunks.push(chunk);
  }
  return chunks;
}

/**
 * Records a step's passes into an encoder.
 *
 * @example
 * ```ts ignore
 * encodeStep(encoder, { step: 0, packs, nodes: st.nodes, dispatches, flat, unpacks });
 * ```
 *
 * @param encoder The step's command encoder.
 * @param r What to record.
 */
function encodeStep(encoder: GPUCommandEncoder, r: StepRecording): void {
  const q = r.queries;
  const sq = q?.layout.steps.get(r.step);
  const pass = (dispatches: readonly PreparedDispatch[], begin?: number, end?: number) => {
    const p = encoder.beginComputePass(
      q && begin !== undefined
        ? {
          timestampWrites: {
            querySet: q.set,
            beginningOfPassWriteIndex: begin,
            endOfPassWriteIndex: end,
          },
        }
        : {},
    );
    encodeDispatches(p, dispatches);
    return p;
  };
  if (q?.perNode && sq) {
    pass(r.packs, sq.packPair, sq.packPair! + 1).end();
    for (const k of r.nodes) {
      const at = q.layout.nodes.get(k)!;
      pass(r.dispatches[k], at, at + 1).end();
    }
    pass(r.unpacks, sq.unpackPair, sq.unpackPair! + 1).end();
    return;
  }
  const p = pass(r.packs, sq?.begin, sq?.end);
  encodeDispatches(p, r.flat);
  encodeDispatches(p, r.unpacks);
  p.end();
}
