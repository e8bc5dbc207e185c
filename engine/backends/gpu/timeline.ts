/**
 * Where the time of one GPU inference goes: host phases measured with `performance.now()` around
 * each part of `run` (packing, uploads, encoding, submission, the readback wait, reading the
 * mapped bytes, CPU fallback nodes) and the GPU's own time from timestamp queries written at the
 * start and end of each submission's compute passes. Also the layout of those timestamp queries,
 * shared by per-node profiling and the timeline.
 *
 * @module
 */
import type { PlanStep } from "../../plan/plan.ts";

/** One host phase of a run (see {@linkcode RunTimeline.phases}). */
export type HostPhase =
  | "pack"
  | "upload"
  | "encode"
  | "submit"
  | "check"
  | "wait"
  | "read"
  | "cpu";

/** Host phases of one run, in the order they happen. */
export const HOST_PHASES: readonly HostPhase[] = [
  "pack",
  "upload",
  "encode",
  "submit",
  "check",
  "wait",
  "read",
  "cpu",
];

/** Where the milliseconds of one run went. */
export interface RunTimeline {
  /** Wall time of the executor's `run`, from call to results. */
  totalMs: number;
  /**
   * Host milliseconds per phase: `pack`, converting inputs to PHWC4 on the host (only inputs the
   * GPU programs cannot take as they are); `upload`, `queue.writeBuffer` of inputs; `encode`,
   * recording commands (encoder, passes, copies, `finish`); `submit`, `queue.submit`; `wait`, from
   * submission until the readback buffer is mapped (GPU time plus the platform's latency); `read`,
   * copying mapped bytes into the result arrays (and unpacking on the host, where that happens);
   * `cpu`, nodes run on the CPU.
   */
  phases: Record<HostPhase, number>;
  /** GPU milliseconds from timestamps around each submission's passes; absent without `timestamp-query`. */
  gpuMs?: number;
  /** Submissions (GPU steps) of the run. */
  submissions: number;
}

/** Accumulates host time into phases: each `lap` charges the time since the previous one. */
export class PhaseClock {
  /** Milliseconds per phase so far. */
  readonly phases: Record<HostPhase, number>;
  #start: number;
  #last: number;

  /**
   * Starts the clock now.
   *
   * @example
   * ```ts
   * import { PhaseClock } from "./timeline.ts";
   * const clock = new PhaseClock();
   * clock.lap("encode");
   * if (clock.phases.encode < 0) throw new Error("wrong");
   * ```
   */
  constructor() {
    this.phases = Object.fromEntries(HOST_PHASES.map((p) => [p, 0])) as Record<HostPhase, number>;
    this.#start = this.#last = performance.now();
  }

  /**
   * Charges the time since the last lap (or the start) to a phase.
   *
   * @param phase The phase that just ended.
   */
  lap(phase: HostPhase): void {
    const now = performance.now();
    this.phases[phase] += now - this.#last;
    this.#last = now;
  }

  /** Restarts the lap without charging anyone (time spent on bookkeeping between phases). */
  skip(): void {
    this.#last = performance.now();
  }

  /**
   * The timeline so far.
   *
   * @param extra GPU time and submission count.
   * @returns The timeline, `totalMs` measured from the clock's start.
   */
  finish(extra: { gpuMs?: number; submissions: number }): RunTimeline {
    return {
      totalMs: performance.now() - this.#start,
      phases: { ...this.phases },
      ...extra,
    };
  }
}

/** Timestamp query indices of one GPU step. */
export interface StepQueries {
  /** Query written at the start of the step's first pass. */
  begin: number;
  /** Query written at the end of its last pass. */
  end: number;
  /** With per-node passes: the pair around the pass that packs inputs. */
  packPair?: number;
  /** With per-node passes: the pair around the pass that unpacks outputs. */
  unpackPair?: number;
}

/** Where every timestamp query of a run goes. */
export interface TimestampLayout {
  /** Queries in the set. */
  count: number;
  /** Per node with a pass of its own (per-node profiling): the first of its pair. */
  nodes: Map<number, number>;
  /** Per step index (GPU steps only). */
  steps: Map<number, StepQueries>;
}

/**
 * Assigns timestamp queries to passes. With `perNode`, every GPU node gets a pass and a pair of its
 * own, and each step two more passes (packing inputs, unpacking outputs) with pairs; otherwise each
 * step is one pass with one pair. Either way a step's span runs from its `begin` to its `end`.
 *
 * @example
 * ```ts
 * import { timestampLayout } from "./timeline.ts";
 * const steps = [{ kind: "gpu" as const, nodes: [0, 1], uploads: [], downloads: [] }];
 * const l = timestampLayout(steps, { perNode: true });
 * if (l.count !== 8 || l.nodes.get(1) !== 4 || l.steps.get(0)!.end !== 7) throw new Error("wrong");
 * ```
 *
 * @param steps The plan's steps.
 * @param options `perNode`: one pass per node.
 * @returns Query indices.
 */
export function timestampLayout(
  steps: readonly PlanStep[],
  options: { perNode: boolean },
): TimestampLayout {
  let next = 0;
  const nodes = new Map<number, number>();
  const out = new Map<number, StepQueries>();
  steps.forEach((st, i) => {
    if (st.kind !== "gpu") return;
    if (!options.perNode) {
      out.set(i, { begin: next, end: next + 1 });
      next += 2;
      return;
    }
    const packPair = next;
    next += 2;
    for (const k of st.nodes) {
      nodes.set(k, next);
      next += 2;
    }
    const unpackPair = next;
    next += 2;
    out.set(i, { begin: packPair, end: unpackPair + 1, packPair, unpackPair });
  });
  return { count: next, nodes, steps: out };
}

/**
 * GPU milliseconds of a run from its resolved timestamps: each step's span, summed.
 *
 * @example
 * ```ts
 * import { gpuMsOf, timestampLayout } from "./timeline.ts";
 * const steps = [{ kind: "gpu" as const, nodes: [0], uploads: [], downloads: [] }];
 * const ms = gpuMsOf(timestampLayout(steps, { perNode: false }), new BigInt64Array([5n, 1_500_005n]));
 * if (ms !== 1.5) throw new Error("wrong");
 * ```
 *
 * @param layout Where each query went.
 * @param stamps Resolved timestamps, in nanoseconds.
 * @returns Milliseconds.
 */
export function gpuMsOf(layout: TimestampLayout, stamps: BigInt64Array): number {
  let ms = 0;
  for (const s of layout.steps.values()) ms += Number(stamps[s.end] - stamps[s.begin]) / 1e6;
  return ms;
}

/**
 * GPU milliseconds of each node that had a pass of its own (per-node profiling).
 *
 * @example
 * ```ts
 * import { nodeMsOf, timestampLayout } from "./timeline.ts";
 * const steps = [{ kind: "gpu" as const, nodes: [3], uploads: [], downloads: [] }];
 * const l = timestampLayout(steps, { perNode: true });
 * const [[node, ms]] = nodeMsOf(l, new BigInt64Array([0n, 1n, 10n, 250_010n, 0n, 0n]));
 * if (node !== 3 || ms !== 0.25) throw new Error("wrong");
 * ```
 *
 * @param layout Where each query went.
 * @param stamps Resolved timestamps, in nanoseconds.
 * @returns `[node, milliseconds]` per timed node, in execution order.
 */
export function nodeMsOf(layout: TimestampLayout, stamps: BigInt64Array): [number, number][] {
  return [...layout.nodes].map(([node, at]) => [node, Number(stamps[at + 1] - stamps[at]) / 1e6]);
}

/** Summary statistics of one quantity over runs. */
export interface Spread {
  /** Median. */
  median: number;
  /** Smallest. */
  min: number;
  /** Largest. */
  max: number;
}

/** Medians of a set of timelines, per phase. */
export interface TimelineSummary {
  /** Runs summarised. */
  runs: number;
  /** Wall time of the executor's `run`. */
  total: Spread;
  /** Each host phase. */
  phases: Record<HostPhase, Spread>;
  /** GPU time, when every run had it. */
  gpu?: Spread;
  /** `wait` minus GPU time: the platform's readback latency, when GPU time is known. */
  waitBeyondGpu?: Spread;
  /** Total minus the phases: bookkeeping between them. */
  other: Spread;
}

function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0] ?? NaN, max: s.at(-1) ?? NaN };
}

/**
 * Summarises timelines phase by phase (median, min, max), with the readback latency beyond the GPU's
 * own time and what no phase accounts for.
 *
 * @example
 * ```ts
 * import { summarizeTimelines } from "./timeline.ts";
 * const t = (wait: number) => ({
 *   totalMs: wait + 1,
 *   phases: { pack: 0, upload: 0.5, encode: 0.25, submit: 0.25, check: 0, wait, read: 0, cpu: 0 },
 *   gpuMs: 2,
 *   submissions: 1,
 * });
 * const s = summarizeTimelines([t(10), t(12), t(11)]);
 * if (s.phases.wait.median !== 11 || s.waitBeyondGpu!.median !== 9) throw new Error("wrong");
 * ```
 *
 * @param timelines One per run.
 * @returns Per-phase spreads.
 */
export function summarizeTimelines(timelines: readonly RunTimeline[]): TimelineSummary {
  const phases = Object.fromEntries(
    HOST_PHASES.map((p) => [p, spread(timelines.map((t) => t.phases[p]))]),
  ) as Record<HostPhase, Spread>;
  const withGpu = timelines.length > 0 && timelines.every((t) => t.gpuMs !== undefined);
  const summed = (t: RunTimeline) => HOST_PHASES.reduce((a, p) => a + t.phases[p], 0);
  return {
    runs: timelines.length,
    total: spread(timelines.map((t) => t.totalMs)),
    phases,
    gpu: withGpu ? spread(timelines.map((t) => t.gpuMs!)) : undefined,
    waitBeyondGpu: withGpu ? spread(timelines.map((t) => t.phases.wait - t.gpuMs!)) : undefined,
    other: spread(timelines.map((t) => t.totalMs - summed(t))),
  };
}
