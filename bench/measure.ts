/**
 * Measures one network on every backend the report asks for: session creation and first run (cold),
 * latency over timed runs after warm-up (input upload and output readback included), GPU time per
 * node from timestamp queries in a separate profiled pass, where each node ran, the peak memory of
 * intermediate tensors under every memory strategy against the lower bounds, the numeric difference
 * between backends, and the peers (LiteRT.js) on the same file and input. A failure of one network or
 * backend is recorded, never thrown.
 *
 * @module
 */
import { type Backend, createSession, type Session, sessionInternals } from "../engine/session.ts";
import type { GpuContext, GpuProvider } from "../engine/backends/gpu/device.ts";
import type { GpuMemoryReport } from "../engine/backends/gpu/executor.ts";
import { buildPlan } from "../engine/plan/plan.ts";
import {
  objectsLowerBound,
  offsetsLowerBound,
  planCost,
  STRATEGIES,
  type UsageRecord,
} from "../engine/memory/mod.ts";
import type { HostTensor } from "../core/kernel.ts";
import { opName } from "../core/ir.ts";
import { compareTensors } from "../conformance/compare.ts";
import { type Stats, summarize } from "../core/stats.ts";
import { type BenchNetwork, makeInput } from "./networks.ts";
import type { LitertAccelerator, LitertResult } from "../peers/litert.ts";

export type { Backend, GpuContext, GpuMemoryReport, GpuProvider, HostTensor, UsageRecord };

/** How long GPU configurations are kept busy before timing, so clocks settle. */
const WARM_BURST_MS = 400;

async function burst(run: () => Promise<unknown>, ms: number): Promise<void> {
  const end = performance.now() + ms;
  do await run(); while (performance.now() < end);
}

/** A GPU provider slot: its device, or why there is none. */
export interface GpuSlot {
  /** The provider. */
  provider: GpuProvider;
  /** The shared device, when one was acquired. */
  ctx?: GpuContext;
  /** Why there is no device. */
  error?: string;
}

/** Numeric difference of a result from another. */
export interface OutputDiff {
  /** Id of the result compared against (`reference`, `cpu/1t`, `gpu/deno`...). */
  against: string;
  /** Max `|a - b|` over all outputs. */
  maxAbs: number;
  /** Largest `||a - b|| / ||b||` over the outputs. */
  rel: number;
}

/** Per-op-type GPU time. */
export interface OpTime {
  /** Op name (after fusion: the op that produces the fused group). */
  op: string;
  /** Number of nodes of that op on the GPU. */
  nodes: number;
  /** Summed GPU time of those nodes, per run. */
  ms: Stats;
}

/** Where the nodes ran. */
export interface PlacementSummary {
  /** Nodes of the executed graph (after passes). */
  nodes: number;
  /** Nodes on the GPU. */
  gpuNodes: number;
  /** `gpuNodes / nodes`. */
  fraction: number;
  /** Ops that fell back to the CPU, with the reason and count. */
  cpuOps: { op: string; reason: string; count: number }[];
}

/** One backend configuration's result on one network. */
export interface BackendResult {
  /** `gpu/deno`, `gpu/dawn`, `cpu/1t`, `cpu/<n>t` or `reference`. */
  id: string;
  /** Backend. */
  backend: Backend;
  /** GPU provider. */
  provider?: GpuProvider;
  /** CPU threads. */
  threads?: number;
  /** `ok`, `failed` (error says why) or `skipped` (error says why). */
  status: "ok" | "failed" | "skipped";
  /** Failure or skip reason. */
  error?: string;
  /** Session creation in ms (shaders compiled here or at the first run, by driver). */
  createMs?: number;
  /** First run in ms, cold. */
  firstRunMs?: number;
  /** Latency over the timed runs (warm). */
  latency?: Stats;
  /** GPU execution time per run: sum over nodes of timestamp-query time (profiled pass). */
  gpuTime?: Stats;
  /** GPU time by op type (profiled pass), largest first. */
  opTimes?: OpTime[];
  /** Why there is no GPU time. */
  profileNote?: string;
  /** Where the nodes ran (GPU backend). */
  placement?: PlacementSummary;
  /** Device memory of the session (GPU backend). */
  memory?: GpuMemoryReport;
  /** Difference of the first run's outputs from the oracle. */
  diff?: OutputDiff;
}

/** Peak intermediate memory of one strategy. */
export interface StrategyCost {
  /** Strategy name. */
  name: string;
  /** Plan form. */
  form: "objects" | "offsets";
  /** Plan cost in bytes (sum of objects, or arena size). */
  bytes?: number;
  /** Planning time in ms. */
  planMs?: number;
  /** Why it failed. */
  error?: string;
}

/** Intermediate memory of a network under every strategy. */
export interface MemoryResult {
  /** Where the usage records come from. */
  source: string;
  /** Number of intermediate tensors. */
  tensors: number;
  /** Bytes with one buffer per tensor. */
  naiveBytes: number;
  /** Lower bounds in bytes. */
  lowerBounds: { offsets: number; objects: number };
  /** One row per strategy and form. */
  strategies: StrategyCost[];
}

/** One peer's result on one network. */
export interface PeerResult {
  /** `litert/webgpu` or `litert/wasm`. */
  id: string;
  /** Runtime package. */
  runtime: string;
  /** Accelerator. */
  accelerator: LitertAccelerator;
  /** `ok`, `failed` or `skipped`. */
  status: "ok" | "failed" | "skipped";
  /** Failure reason. */
  error?: string;
  /** Whether every op ran on the accelerator. */
  fullyAccelerated?: boolean;
  /** `loadAndCompile` ms. */
  compileMs?: number;
  /** First run ms. */
  firstRunMs?: number;
  /** Latency. */
  latency?: Stats;
  /** Warnings the peer printed. */
  warnings?: string[];
  /** Difference of its outputs from ours. */
  diff?: OutputDiff;
}

/** A speedup of one result over a baseline (baseline latency / result latency, medians). */
export interface Speedup {
  /** The faster candidate (a GPU result id). */
  of: string;
  /** The baseline id. */
  over: string;
  /** Ratio of medians. */
  value: number;
}

/** Everything measured on one network. */
export interface NetworkResult {
  /** Network id. */
  id: string;
  /** Catalogue name. */
  name: string;
  /** `built` or `file`. */
  kind: "built" | "file";
  /** Size tag. */
  size: "tiny" | "full";
  /** Description. */
  description: string;
  /** Source. */
  source: string;
  /** `ok` once loaded, `failed` when the model could not be loaded. */
  status: "ok" | "failed";
  /** Load failure. */
  error?: string;
  /** Nodes in the file's graph. */
  nodes?: number;
  /** Op histogram of the file's graph. */
  ops?: Record<string, number>;
  /** Input shapes. */
  inputShapes: number[][];
  /** Backend results, in run order. */
  backends: BackendResult[];
  /** Intermediate memory per strategy. */
  memory?: MemoryResult;
  /** Peers. */
  peers: PeerResult[];
  /** Speedups of GPU results over CPU baselines and peers. */
  speedups: Speedup[];
}

/** A peer runner: LiteRT.js's `runLitert`, or a stand-in in tests. */
export type PeerRunner = (
  bytes: Uint8Array,
  inputs: { data: HostTensor["data"]; shape: number[] }[],
  options: { accelerator: LitertAccelerator; runs: number; warmup: number; budgetMs: number },
) => Promise<LitertResult>;

/** Options of {@linkcode measureNetwork}. */
export interface MeasureOptions {
  /** Timed runs per configuration. */
  runs: number;
  /** Untimed runs after the first (default 1). */
  warmup?: number;
  /** Milliseconds of timed runs after which a configuration stops early (at least 2 runs). */
  budgetMs?: number;
  /** Runs of the profiled pass (default `min(runs, 10)`). */
  profileRuns?: number;
  /** Backends to run. */
  backends: readonly Backend[];
  /** GPU providers, each with its device or the reason it has none. */
  gpus: readonly GpuSlot[];
  /** Thread counts of the `cpu` backend (e.g. `[1, 16]`). */
  cpuThreads: readonly number[];
  /** Why the `cpu` backend cannot run, when it cannot. */
  cpuUnavailable?: string;
  /** Run the reference on full-size networks too (default: tiny only). */
  referenceOnFull?: boolean;
  /** Peer accelerators to run (empty: none). */
  peers: readonly LitertAccelerator[];
  /** The peer runner (default: LiteRT.js, imported when first needed). */
  peerRunner?: PeerRunner;
  /** Why the peer cannot run, when it cannot. */
  peerUnavailable?: string;
  /** Progress lines. */
  progress?: (message: string) => void;
}

function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0].slice(0, 500);
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

function diffOf(ours: HostTensor[], theirs: HostTensor[], against: string): OutputDiff {
  let maxAbs = 0;
  let rel = 0;
  if (ours.length !== theirs.length) return { against, maxAbs: Infinity, rel: Infinity };
  ours.forEach((o, i) => {
    const d = compareTensors(o, theirs[i]);
    maxAbs = Math.max(maxAbs, d.maxAbs);
    rel = Math.max(rel, d.rel);
  });
  return { against, maxAbs, rel };
}

function placementOf(session: Session): PlacementSummary | undefined {
  const p = session.placement;
  if (!p) return undefined;
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

/**
 * Peak intermediate memory under every strategy (both forms of `GREEDY_BEST`) with the lower
 * bounds, from usage records.
 *
 * @example
 * ```ts
 * import { memoryByStrategy } from "./measure.ts";
 * const m = memoryByStrategy([
 *   { size: 64, firstOp: 0, lastOp: 1 },
 *   { size: 32, firstOp: 1, lastOp: 2 },
 *   { size: 64, firstOp: 2, lastOp: 3 },
 * ], "example");
 * if (m.naiveBytes !== 160 || m.lowerBounds.offsets !== 96) throw new Error("wrong");
 * ```
 *
 * @param records Usage records of the intermediate tensors.
 * @param source Where the records come from, for the report.
 * @returns Cost per strategy and the bounds.
 */
export function memoryByStrategy(records: readonly UsageRecord[], source: string): MemoryResult {
  const strategies: StrategyCost[] = [];
  for (const s of STRATEGIES) {
    const forms = s.form === "both" ? (["objects", "offsets"] as const) : [s.form];
    for (const form of forms) {
      try {
        const t = performance.now();
        const plan = s.plan(records, { alignment: 16, form });
        strategies.push({
          name: s.name,
          form,
          bytes: planCost(plan),
          planMs: performance.now() - t,
        });
      } catch (e) {
        strategies.push({ name: s.name, form, error: message(e) });
      }
    }
  }
  return {
    source,
    tensors: records.length,
    naiveBytes: records.reduce((a, r) => a + r.size, 0),
    lowerBounds: { offsets: offsetsLowerBound(records), objects: objectsLowerBound(records) },
    strategies,
  };
}

interface Ran {
  result: BackendResult;
  outputs?: HostTensor[];
  session?: Session;
}

async function runConfig(
  base: Pick<BackendResult, "id" | "backend" | "provider" | "threads">,
  make: (profile: boolean) => Promise<Session>,
  feed: HostTensor[],
  options: MeasureOptions,
  log: (m: string) => void,
  keepSession: boolean,
): Promise<Ran> {
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
    result.latency = summarize(
      await timeRuns(() => s.run(feed), options.runs, options.budgetMs ?? Infinity),
    );
    result.placement = placementOf(session);
    result.memory = session.memory;
  } catch (e) {
    result.status = "failed";
    result.error = message(e);
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
        result.profileNote = `profiled pass failed: ${message(e)}`;
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

let defaultPeer: PeerRunner | undefined;

async function peerRunner(options: MeasureOptions): Promise<PeerRunner> {
  if (options.peerRunner) return options.peerRunner;
  if (!defaultPeer) {
    const mod = await import("../peers/litert.ts");
    defaultPeer = mod.runLitertIsolated as PeerRunner;
  }
  return defaultPeer;
}

/**
 * Measures one network on every requested backend and peer; never throws for a network or backend
 * failure (they are recorded in the result).
 *
 * @example
 * ```ts ignore
 * import { benchNetworks } from "./networks.ts";
 * import { measureNetwork } from "./measure.ts";
 * const [net] = benchNetworks({ names: ["mobilenet_v2_tiny"] });
 * const r = await measureNetwork(net, {
 *   runs: 5, backends: ["reference"], gpus: [], cpuThreads: [], peers: [],
 * });
 * console.log(r.backends[0].latency?.median);
 * ```
 *
 * @param net The network.
 * @param options What to run and how often.
 * @returns The measurements.
 */
export async function measureNetwork(
  net: BenchNetwork,
  options: MeasureOptions,
): Promise<NetworkResult> {
  const log = (m: string) => options.progress?.(`${net.id}: ${m}`);
  const result: NetworkResult = {
    id: net.id,
    name: net.name,
    kind: net.kind,
    size: net.size,
    description: net.description,
    source: net.source,
    status: "ok",
    inputShapes: net.inputShapes,
    backends: [],
    peers: [],
    speedups: [],
  };
  let loaded;
  try {
    log("loading");
    loaded = await net.load();
  } catch (e) {
    result.status = "failed";
    result.error = message(e);
    return result;
  }
  const graph = loaded.model.subgraphs[0];
  result.nodes = graph.nodes.length;
  const ops: Record<string, number> = {};
  for (const node of graph.nodes) ops[opName(node)] = (ops[opName(node)] ?? 0) + 1;
  result.ops = ops;
  const feed: HostTensor[] = graph.inputs.map((t) => {
    const spec = graph.tensors[t];
    return {
      dtype: spec.dtype as HostTensor["dtype"],
      shape: [...spec.shape],
      data: makeInput(spec.dtype, spec.shape),
    };
  });
  const outputsOf = new Map<string, HostTensor[]>();
  const model = loaded.model;
  // GPU, per provider.
  if (options.backends.includes("gpu")) {
    for (const slot of options.gpus) {
      const id = `gpu/${slot.provider}`;
      if (!slot.ctx) {
        result.backends.push({
          id,
          backend: "gpu",
          provider: slot.provider,
          status: "skipped",
          error: slot.error ?? "no device",
        });
        continue;
      }
      const ctx = slot.ctx;
      const ran = await runConfig(
        { id, backend: "gpu", provider: slot.provider },
        (profile) => createSession(model, { backend: "gpu", device: ctx, profile }),
        feed,
        options,
        log,
        result.memory === undefined,
      );
      result.backends.push(ran.result);
      if (ran.outputs) outputsOf.set(id, ran.outputs);
      if (ran.session) {
        try {
          const s = ran.session;
          result.memory = memoryByStrategy(
            sessionInternals(s).plan!.memory!.records,
            `the GPU session's execution plan (PHWC4, f32), ${id} placement`,
          );
        } catch (e) {
          log(`memory: ${message(e)}`);
        } finally {
          ran.session.dispose();
        }
      }
    }
  }
  // CPU, per thread count.
  if (options.backends.includes("cpu")) {
    for (const threads of options.cpuThreads) {
      const id = `cpu/${threads}t`;
      if (options.cpuUnavailable) {
        result.backends.push({
          id,
          backend: "cpu",
          threads,
          status: "skipped",
          error: options.cpuUnavailable,
        });
        continue;
      }
      const ran = await runConfig(
        { id, backend: "cpu", threads },
        () => createSession(model, { backend: "cpu", threads }),
        feed,
        options,
        log,
        false,
      );
      result.backends.push(ran.result);
      if (ran.outputs) outputsOf.set(id, ran.outputs);
    }
  }
  // Reference.
  if (options.backends.includes("reference")) {
    if (net.size !== "tiny" && !options.referenceOnFull) {
      result.backends.push({
        id: "reference",
        backend: "reference",
        status: "skipped",
        error: "the float64 reference runs on tiny networks only (--reference-on-full to force)",
      });
    } else {
      const ran = await runConfig(
        { id: "reference", backend: "reference" },
        () => createSession(model, { backend: "reference" }),
        feed,
        options,
        log,
        result.memory === undefined,
      );
      result.backends.push(ran.result);
      if (ran.outputs) outputsOf.set("reference", ran.outputs);
      if (ran.session) {
        try {
          const plan = buildPlan(sessionInternals(ran.session).graph, { backend: "cpu" });
          result.memory = memoryByStrategy(
            plan.memory!.records,
            "the CPU backend's execution plan (row-major bytes): no GPU session ran",
          );
        } catch (e) {
          log(`memory: ${message(e)}`);
        } finally {
          ran.session.dispose();
        }
      }
    }
  }
  // Differences from the oracle: the reference, else the first CPU result.
  const oracle = ["reference", ...options.cpuThreads.map((t) => `cpu/${t}t`)].find((id) =>
    outputsOf.has(id)
  );
  if (oracle) {
    for (const b of result.backends) {
      const outs = outputsOf.get(b.id);
      if (outs && b.id !== oracle) b.diff = diffOf(outs, outputsOf.get(oracle)!, oracle);
    }
  }
  // Peers, compared with our GPU outputs (else our CPU or reference).
  const ours =
    [...outputsOf.keys()].sort((a, b) =>
      Number(!a.startsWith("gpu")) - Number(!b.startsWith("gpu"))
    )[0];
  for (const accelerator of options.peers) {
    const id = `litert/${accelerator}`;
    const peer: PeerResult = { id, runtime: "@litertjs/core@2.5.3", accelerator, status: "ok" };
    result.peers.push(peer);
    if (options.peerUnavailable) {
      peer.status = "failed";
      peer.error = options.peerUnavailable;
      continue;
    }
    try {
      log(`${id}: compiling and running`);
      const run = await peerRunner(options);
      const r = await run(loaded.bytes, feed.map((x) => ({ data: x.data, shape: x.shape })), {
        accelerator,
        runs: options.runs,
        warmup: options.warmup ?? 1,
        budgetMs: options.budgetMs ?? Infinity,
      });
      peer.runtime = r.runtime;
      peer.fullyAccelerated = r.fullyAccelerated;
      peer.compileMs = r.compileMs;
      peer.firstRunMs = r.firstRunMs;
      peer.latency = summarize(r.latenciesMs);
      if (r.warnings.length) peer.warnings = r.warnings;
      if (ours) {
        const theirs: HostTensor[] = r.outputs.map((o) => ({
          dtype: o.data instanceof Float32Array ? "float32" : "int32",
          shape: o.shape,
          data: o.data,
        } as HostTensor));
        const mine = outputsOf.get(ours)!;
        peer.diff = diffOf(
          theirs.map((t, i) => ({ ...t, shape: mine[i]?.shape ?? t.shape })),
          mine,
          ours,
        );
      }
    } catch (e) {
      peer.status = "failed";
      peer.error = message(e);
    }
  }
  result.speedups = speedupsOf(result);
  return result;
}

/**
 * Speedups of each GPU result over each CPU, reference and peer result (ratio of median latencies).
 *
 * @example
 * ```ts
 * import { speedupsOf } from "./measure.ts";
 * const stats = (m: number) => ({ n: 1, median: m, p10: m, p90: m, min: m, max: m, mean: m });
 * const s = speedupsOf({
 *   backends: [
 *     { id: "gpu/deno", backend: "gpu", status: "ok", latency: stats(2) },
 *     { id: "cpu/1t", backend: "cpu", status: "ok", latency: stats(10) },
 *   ],
 *   peers: [],
 * });
 * if (s[0].value !== 5) throw new Error("wrong");
 * ```
 *
 * @param r The network's backend and peer results.
 * @returns One entry per (GPU result, baseline) pair.
 */
export function speedupsOf(r: Pick<NetworkResult, "backends" | "peers">): Speedup[] {
  const out: Speedup[] = [];
  const gpus = r.backends.filter((b) => b.backend === "gpu" && b.latency);
  const bases = [
    ...r.backends.filter((b) => b.backend !== "gpu" && b.latency),
    ...r.peers.filter((p) => p.latency),
  ];
  for (const g of gpus) {
    for (const b of bases) {
      out.push({ of: g.id, over: b.id, value: b.latency!.median / g.latency!.median });
    }
  }
  return out;
}
