/**
 * Runs one backend configuration on one network: session creation and first run (cold), warm-up,
 * latency over timed runs, where the nodes ran, device memory, and for the GPU a separate profiled
 * pass of per-node timestamp times summed per run and per op. A failure is recorded, never thrown.
 *
 * @module
 */
import type { Session } from "../engine/session.ts";
import type { RunOptions } from "../engine/session_types.ts";
import type { HostTensor } from "../core/kernel.ts";
import { summarize } from "../core/stats.ts";
import { type RunTimeline, summarizeTimelines } from "../engine/backends/gpu/timeline.ts";
import type { BackendResult, MeasureOptions, PlacementSummary } from "./measure_types.ts";
import { errorLine } from "./summaries.ts";
import { smClockMhz } from "./gpu_clock.ts";

/**
 * How long GPU configurations run back to back before timing, so the GPU's clock has risen: on an
 * H100 that had idled 2 s, MobileNet v1 1.0's inferences took 1.9x longer at first and DeepLab's
 * GPU span settled within about a second (`docs/results/h100_ramp/README.md`).
 */
export const WARM_BURST_MS = 1000;

async function burst(run: () => Promise<unknown>, ms: number): Promise<void> {
  const end = performance.now() + ms;
  do await run(); while (performance.now() < end);
}

async function timeRuns(
  run: () => Promise<unknown>,
  runs: number,
  budgetMs: number,
): Promise<number[]> {
  const times: number[] = [];
  let spent = 0;
  while (times.length < runs && (times.length < 2 || spent < budgetMs)) {
    const t = performance.now();
    await run();
    const dt = performance.now() - t;
    times.push(dt);
    spent += dt;
  }
  return times;
}

function placementOf(session: Session): PlacementSummary | undefined {
  // Placement says something only where a backend chooses between processors.
  if (session.backend !== "gpu" && session.backend !== "cooperative") return undefined;
  const p = session.placement;
  const gpuNodes = p.filter((x) => x.backend === "gpu").length;
  const cpu = new Map<string, { op: string; reason: string; count: number }>();
  for (const x of p) {
    if (x.backend !== "cpu") continue;
    const reason = x.reason ?? "moved to the CPU";
    const key = `${x.op}\n${reason}`;
    const row = cpu.get(key) ?? { op: x.op, reason, count: 0 };
    row.count++;
    cpu.set(key, row);
  }
  return {
    nodes: p.length,
    gpuNodes,
    fraction: p.length ? gpuNodes / p.length : 0,
    cpuOps: [...cpu.values()],
  };
}

/** A configuration's result, its first run's outputs, and its session when asked to keep it. */
export interface Ran {
  /** The measurements. */
  result: BackendResult;
  /** Outputs of the first run, when it succeeded. */
  outputs?: HostTensor[];
  /** The session, kept open for the caller (who disposes of it) when `keepSession` was set. */
  session?: Session;
}

/** How {@linkcode runBackend} makes and feeds a session. */
export interface RunBackendOptions {
  /** Makes a session, with per-node GPU profiling or without. */
  make: (profile: boolean) => Promise<Session>;
  /** The inputs. */
  feed: HostTensor[];
  /** Runs, warm-up, time budget, profiled runs. */
  timing: Pick<MeasureOptions, "runs" | "warmup" | "budgetMs" | "profileRuns">;
  /** Progress lines. */
  log: (message: string) => void;
  /** Keep the session open and return it (else it is disposed of). */
  keepSession: boolean;
}

/**
 * Measures one backend configuration; never throws for a failure of the backend (it is recorded in
 * the result).
 *
 * @example
 * ```ts ignore
 * import { runBackend } from "./run_backend.ts";
 * const ran = await runBackend({ id: "reference", backend: "reference" }, {
 *   make: () => createSession(model, { backend: "reference" }),
 *   feed, timing: { runs: 5 }, log: console.log, keepSession: false,
 * });
 * console.log(ran.result.latency?.median);
 * ```
 *
 * @param base The configuration's id, backend, provider and threads.
 * @param config How to make and feed the session, and how long to time it.
 * @returns The result, the outputs, and the session when kept.
 */
export async function runBackend(
  base: Pick<BackendResult, "id" | "backend" | "provider" | "threads">,
  config: RunBackendOptions,
): Promise<Ran> {
  const { make, feed, timing: options, log, keepSession } = config;
  const result: BackendResult = { ...base, status: "ok" };
  let session: Session | undefined;
  let outputs: HostTensor[] | undefined;
  try {
    log(`${base.id}: creating the session`);
    let t = performance.now();
    session = await make(false);
    result.createMs = performance.now() - t;
    log(`${base.id}: first run`);
    t = performance.now();
    outputs = await session.run(feed);
    result.firstRunMs = performance.now() - t;
    for (let i = 0; i < (options.warmup ?? 1); i++) await session.run(feed);
    // A GPU that idled (while another backend ran) clocks down: keep it busy for a moment so the
    // timed runs see steady clocks.
    if (base.backend === "gpu") await burst(() => session!.run(feed), WARM_BURST_MS);
    log(`${base.id}: ${options.runs} timed runs`);
    const s = session;
    const budget = options.budgetMs ?? Infinity;
    // Timed runs with these run options, each GPU inference's timeline kept (sessions with one).
    const timed = async (runOptions: RunOptions) => {
      const timelines: RunTimeline[] = [];
      const latency = summarize(
        await timeRuns(
          async () => {
            await s.run(feed, runOptions);
            if (s.lastTimeline) timelines.push(s.lastTimeline);
          },
          options.runs,
          budget,
        ),
      );
      const spans = timelines.flatMap((t) => t.gpuMs === undefined ? [] : [t.gpuMs]);
      return { latency, timelines, gpuSpan: spans.length ? summarize(spans) : undefined };
    };
    // The GPU writes its outputs into arrays kept across runs (`run(inputs, { outputs })`, the
    // allocation-free path); then the same runs take them as views of the mapped readback (no copy).
    const gpu = base.backend === "gpu";
    const main = await timed(gpu ? { outputs: outputs.map((o) => o.data.slice()) } : {});
    result.latency = main.latency;
    if (main.gpuSpan) result.gpuSpan = main.gpuSpan;
    if (main.timelines.length) result.timeline = summarizeTimelines(main.timelines);
    if (gpu) {
      const viewed = await timed({ zeroCopy: true });
      result.zeroCopy = {
        latency: viewed.latency,
        ...(viewed.gpuSpan ? { gpuSpan: viewed.gpuSpan } : {}),
      };
      result.smClockMhz = await smClockMhz();
    }
    result.placement = placementOf(session);
    result.memory = session.memory;
  } catch (e) {
    result.status = "failed";
    result.error = errorLine(e);
    session?.dispose();
    return { result };
  }
  if (base.backend === "gpu") {
    const features = session.gpu?.features ?? [];
    if (!features.includes("timestamp-query")) {
      result.profileNote = "the adapter has no timestamp-query";
    } else {
      let profiled: Session | undefined;
      try {
        log(`${base.id}: profiled pass`);
        profiled = await make(true);
        await profiled.run(feed);
        const p = profiled;
        await burst(() => p.run(feed), WARM_BURST_MS);
        const sums: number[] = [];
        const byOp = new Map<string, { nodes: number; runs: number[] }>();
        const n = Math.max(1, options.profileRuns ?? Math.min(options.runs, 10));
        for (let r = 0; r < n; r++) {
          await profiled.run(feed);
          const timings = profiled.timings ?? [];
          sums.push(timings.reduce((a, x) => a + x.ms, 0));
          const perOp = new Map<string, { nodes: number; ms: number }>();
          for (const x of timings) {
            const row = perOp.get(x.op) ?? { nodes: 0, ms: 0 };
            row.nodes++;
            row.ms += x.ms;
            perOp.set(x.op, row);
          }
          for (const [op, v] of perOp) {
            const row = byOp.get(op) ?? { nodes: v.nodes, runs: [] };
            row.runs.push(v.ms);
            byOp.set(op, row);
          }
        }
        result.gpuTime = summarize(sums);
        result.opTimes = [...byOp].map(([op, v]) => ({ op, nodes: v.nodes, ms: summarize(v.runs) }))
          .sort((a, b) => b.ms.median - a.ms.median);
      } catch (e) {
        result.profileNote = `profiled pass failed: ${errorLine(e)}`;
      } finally {
        profiled?.dispose();
      }
    }
  }
  if (!keepSession) {
    session.dispose();
    return { result, outputs };
  }
  return { result, outputs, session };
}
