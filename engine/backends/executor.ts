/**
 * The one interface every backend's executor implements; the session knows nothing else of them.
 *
 * @module
 */
import type { HostTensor, TensorData } from "../../core/kernel.ts";
import type { NodePlacement } from "../plan/placement.ts";
import type { HostPhase, RunTimeline } from "./gpu/timeline.ts";

export type { HostPhase, RunTimeline };

/** Memory a backend holds, by purpose. */
export interface MemoryReport {
  /** Bytes of intermediate tensors as the plan places them. */
  intermediateBytes: number;
  /** Bytes the same tensors need with one buffer each. */
  naiveBytes: number;
  /** Number of buffers (objects) or arenas backing intermediates. */
  intermediateBuffers: number;
  /** Bytes of graph inputs and outputs. */
  ioBytes: number;
  /** Bytes of weights and other constants. */
  constantBytes: number;
  /** Bytes of scratch buffers. */
  scratchBytes: number;
  /** Strategy name. */
  strategy: string;
  /** Form of the plan. */
  form: "objects" | "offsets";
}

/** Time of one node in the last profiled run. */
export interface NodeTiming {
  /** Node position. */
  node: number;
  /** Op name. */
  op: string;
  /** Milliseconds. */
  ms: number;
}

/** Where the milliseconds of creating an executor (or a session) went. */
export interface SetupReport {
  /** Milliseconds per phase, in the order they ran. */
  phases: Record<string, number>;
  /** GPU pipelines: compiled for this plan, found in the device's cache, and the slowest compile. */
  pipelines?: { compiled: number; reused: number; slowest?: { label: string; ms: number } };
}

/** What one `Executor.run` may do besides computing. */
export interface ExecutorRunOptions {
  /**
   * Arrays (checked to fit) that outputs may be written into instead of fresh ones; the GPU's
   * readback does.
   */
  into?: readonly (TensorData | undefined)[];
  /**
   * Host work that may refuse the run (the inputs' NaN scan): the GPU calls it once its work is
   * submitted, so the two overlap, and writes nothing into `into` when it throws; other backends
   * call it first.
   */
  check?: () => void;
  /**
   * The GPU hands out its outputs as views of its mapped readback memory instead of copies, valid
   * until its next run (which unmaps, and so detaches, them); other backends' outputs are fresh
   * arrays anyway and ignore it.
   */
  zeroCopy?: boolean;
}

/** Runs a plan. */
export interface Executor {
  /** Where each node runs and why. */
  readonly placement: readonly NodePlacement[];
  /** Memory held, by purpose (`undefined` for the reference, which keeps host values). */
  readonly memory: MemoryReport | undefined;
  /** Per-node times of the last run, when profiling. */
  readonly timings: NodeTiming[] | undefined;
  /** Where the last run's time went, for executors created with a timeline (the GPU's). */
  readonly lastTimeline?: RunTimeline | undefined;
  /** Where creating the executor spent its time, for executors that record it (the GPU's). */
  readonly setup?: SetupReport;
  /** Runs once: one host tensor per graph input, one per output back. */
  run(inputs: HostTensor[], options?: ExecutorRunOptions): Promise<HostTensor[]>;
  /** Runs many inferences, overlapping them where the backend can. */
  runMany(batches: HostTensor[][], options?: { depth?: number }): Promise<HostTensor[][]>;
  /** Frees everything the executor holds. */
  dispose(): void;
}

/**
 * Runs batches one after another: `runMany` for backends that cannot overlap inferences.
 *
 * @example
 * ```ts
 * import { runInTurn } from "./executor.ts";
 * const out = await runInTurn((x) => Promise.resolve(x), [[], []]);
 * if (out.length !== 2) throw new Error("wrong");
 * ```
 *
 * @param run The executor's `run`.
 * @param batches Input lists.
 * @returns Output lists, in order.
 */
export async function runInTurn(
  run: (inputs: HostTensor[]) => Promise<HostTensor[]>,
  batches: HostTensor[][],
): Promise<HostTensor[][]> {
  const out: HostTensor[][] = [];
  for (const b of batches) out.push(await run(b));
  return out;
}
