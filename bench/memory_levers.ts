/**
 * The report's memory levers: for one network on the GPU, the peak intermediate memory of each
 * choice (best plan in the model's order, in-place execution, reordering + in-place, concatenation
 * in place, every lever) beside the bounds that hold for them, and each choice run as a session of
 * its own: its GPU latency and whether its outputs are bit-identical to the default plan's.
 *
 * @module
 */
import type { ExecGraph } from "../core/exec_graph.ts";
import type { HostTensor, Precision } from "../core/kernel.ts";
import type { Model } from "../core/ir.ts";
import { type Stats, summarize } from "../core/stats.ts";
import type { GpuContext } from "../engine/backends/gpu/device.ts";
import { type LeverResult, memoryLevers } from "../engine/plan/levers.ts";
import { createSession, sessionInternals } from "../engine/session.ts";
import type { SessionOptions } from "../engine/session_types.ts";
import { errorLine } from "./summaries.ts";

/** One memory choice: the levers it pulls. */
export interface LeverChoice {
  /** Key in `MemoryLevers` (`best`, `inPlace`, `reorderInPlace`, `concat`, `all`). */
  key: "best" | "inPlace" | "reorderInPlace" | "concat" | "all";
  /** Row label. */
  label: string;
  /** Session options of the choice. */
  flags: Pick<SessionOptions, "inPlace" | "reorder" | "concatInPlace">;
}

/** The choices, in report order. */
export const LEVER_CHOICES: readonly LeverChoice[] = [
  { key: "best", label: "best plan, model order", flags: {} },
  { key: "inPlace", label: "in-place", flags: { inPlace: true } },
  { key: "reorderInPlace", label: "reordered + in-place", flags: { inPlace: true, reorder: true } },
  { key: "concat", label: "concat in place", flags: { concatInPlace: true } },
  {
    key: "all",
    label: "concat in place + reordered + in-place",
    flags: { inPlace: true, reorder: true, concatInPlace: true },
  },
];

/** One choice measured. */
export interface LeverRow {
  /** The choice's key. */
  key: LeverChoice["key"];
  /** Row label. */
  label: string;
  /** Bytes of intermediates in the plan (best offsets strategy). */
  bytes: number;
  /** The offsets strategy that gave them. */
  strategy: string;
  /** In-place pairs, concatenations in place, and whether the order changed. */
  inPlacePairs: number;
  /** Concatenations run in place. */
  concatNodes: number;
  /** Whether the node order differs from the model's. */
  reordered: boolean;
  /** Latency of the choice's session on the GPU, ms. */
  latency?: Stats;
  /** Whether its outputs are bit-identical to the default plan's. */
  identical?: boolean;
  /** Why it could not run. */
  error?: string;
}

/** The memory levers of one network. */
export interface LeversResult {
  /** Lower bound in the model's order (today's offsets bound). */
  fixedOrderBound: number;
  /** Lower bound in the model's order with concatenations in place. */
  concatBound: number;
  /** Lower bound for any order with in-place execution. */
  anyOrderBound: number;
  /** Lower bound for any order with in-place execution and concatenations in place. */
  anyOrderConcatBound: number;
  /** One row per choice. */
  rows: LeverRow[];
}

/** What {@linkcode measureLevers} needs. */
export interface MeasureLeversArgs {
  /** The model. */
  model: Model;
  /** Its exec graph after passes (the default session's). */
  graph: ExecGraph;
  /** The GPU, or `undefined` to plan without running. */
  gpu?: GpuContext;
  /** Precision of the GPU sessions (default `f32`). */
  precision?: Precision;
  /** Inputs. */
  feed: HostTensor[];
  /** The default session's outputs, to compare with (bit for bit). */
  want?: HostTensor[];
  /** Timed runs and their time budget. */
  timing: { runs: number; budgetMs?: number };
  /** Progress lines. */
  log?: (message: string) => void;
}

function bytesOf(t: HostTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function identical(a: HostTensor[], b: HostTensor[]): boolean {
  return a.length === b.length && a.every((t, i) => {
    const x = bytesOf(t), y = bytesOf(b[i]);
    return x.length === y.length && x.every((v, j) => v === y[j]);
  });
}

/**
 * Plans every memory choice and, with a GPU, runs each as its own session: warm-up, then timed
 * runs until `runs` or the budget (at least 2). A failure of one choice is recorded in its row.
 *
 * @example
 * ```ts ignore
 * const levers = await measureLevers({ model, graph, gpu, feed, want, timing: { runs: 20 } });
 * for (const r of levers.rows) console.log(r.label, r.bytes, r.latency?.median);
 * ```
 *
 * @param args Model, graph, GPU, inputs, reference outputs, timing.
 * @returns Bounds and one row per choice.
 */
export async function measureLevers(args: MeasureLeversArgs): Promise<LeversResult> {
  const levers = memoryLevers(args.graph, { precision: args.precision });
  const rows: LeverRow[] = [];
  for (const choice of LEVER_CHOICES) {
    const plan: LeverResult = levers[choice.key];
    const row: LeverRow = {
      key: choice.key,
      label: choice.label,
      bytes: plan.bytes,
      strategy: plan.strategy,
      inPlacePairs: plan.inPlacePairs,
      concatNodes: plan.concatNodes,
      reordered: plan.reordered,
    };
    rows.push(row);
    if (!args.gpu) continue;
    args.log?.(`memory levers: ${choice.label}`);
    let session;
    try {
      session = await createSession(args.model, {
        backend: "gpu",
        device: args.gpu,
        precision: args.precision,
        strategy: plan.strategy,
        ...choice.flags,
      });
      const outputs = await session.run(args.feed);
      if (args.want) row.identical = identical(outputs, args.want);
      // The plan the session made with the device's limits is what it allocated.
      row.bytes = sessionInternals(session).plan?.memory?.bytes ?? row.bytes;
      await session.run(args.feed);
      const times: number[] = [];
      let spent = 0;
      while (
        times.length < args.timing.runs &&
        (times.length < 2 || spent < (args.timing.budgetMs ?? Infinity))
      ) {
        const t = performance.now();
        await session.run(args.feed);
        const dt = performance.now() - t;
        times.push(dt);
        spent += dt;
      }
      row.latency = summarize(times);
    } catch (e) {
      row.error = errorLine(e);
    } finally {
      session?.dispose();
    }
  }
  return {
    fixedOrderBound: levers.fixedOrderBound,
    concatBound: levers.concatBound,
    anyOrderBound: levers.anyOrderBound,
    anyOrderConcatBound: levers.anyOrderConcatBound,
    rows,
  };
}
