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
import { createSession, sessionInternals } from "../engine/session.ts";
import { buildPlan } from "../engine/plan/plan.ts";
import type { HostTensor } from "../core/kernel.ts";
import { opName } from "../core/ir.ts";
import { summarize } from "../core/stats.ts";
import { type BenchNetwork, makeInput } from "./networks.ts";
import type { MeasureOptions, NetworkResult, PeerResult, PeerRunner } from "./measure_types.ts";
import { runBackend } from "./run_backend.ts";
import { measureLevers } from "./memory_levers.ts";
import { diffOf, errorLine, memoryByStrategy, speedupsOf } from "./summaries.ts";

export type { Backend } from "../engine/session.ts";
export type { GpuContext, GpuProvider } from "../engine/backends/gpu/device.ts";
export type { GpuMemoryReport } from "../engine/backends/gpu/executor.ts";
export type { LeverChoice, LeverRow, LeversResult } from "./memory_levers.ts";
export type { HostTensor } from "../core/kernel.ts";
export type { HostPhase, Spread, TimelineSummary } from "../engine/backends/gpu/timeline.ts";
/** The IR types a loaded network's model is made of, re-exported so the report documents itself. */
export type {
  DType,
  Graph,
  Model,
  Node,
  NodeOptions,
  OptionValue,
  Quantization,
  Signature,
  SignatureTensor,
  SparseDimension,
  Sparsity,
  Tensor,
} from "../core/ir.ts";
export type { UsageRecord } from "../engine/memory/mod.ts";
export type * from "./measure_types.ts";

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
    result.error = errorLine(e);
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
      const ran = await runBackend({ id, backend: "gpu", provider: slot.provider }, {
        make: (profile) =>
          createSession(model, { backend: "gpu", device: ctx, profile, timeline: !profile }),
        feed,
        timing: options,
        log,
        keepSession: result.memory === undefined,
      });
      result.backends.push(ran.result);
      if (ran.outputs) outputsOf.set(id, ran.outputs);
      if (ran.session) {
        try {
          const s = ran.session;
          result.memory = memoryByStrategy(
            sessionInternals(s).plan!.memory!.records,
            `the GPU session's execution plan (PHWC4, f32), ${id} placement`,
          );
          if (options.memoryLevers ?? true) {
            result.memory.levers = await measureLevers({
              model,
              graph: sessionInternals(s).graph,
              gpu: ctx,
              feed,
              want: ran.outputs,
              timing: { runs: options.runs, budgetMs: options.budgetMs },
              log,
            });
          }
        } catch (e) {
          log(`memory: ${errorLine(e)}`);
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
      const ran = await runBackend({ id, backend: "cpu", threads }, {
        make: () => createSession(model, { backend: "cpu", threads }),
        feed,
        timing: options,
        log,
        keepSession: false,
      });
      result.backends.push(ran.result);
      if (ran.outputs) outputsOf.set(id, ran.outputs);
    }
  }
  // Cooperative (µLayer): layers split across the CPU and the first GPU with a device.
  if (options.backends.includes("cooperative")) {
    const slot = options.gpus.find((g) => g.ctx);
    const threads = Math.max(1, ...options.cpuThreads);
    const id = `cooperative/${slot?.provider ?? "gpu"}`;
    if (!slot?.ctx) {
      result.backends.push({
        id,
        backend: "cooperative",
        threads,
        status: "skipped",
        error: "no GPU device",
      });
    } else {
      const ctx = slot.ctx;
      const ran = await runBackend(
        { id, backend: "cooperative", provider: slot.provider, threads },
        {
          make: () => createSession(model, { backend: "cooperative", device: ctx, threads }),
          feed,
          timing: options,
          log,
          keepSession: false,
        },
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
      const ran = await runBackend({ id: "reference", backend: "reference" }, {
        make: () => createSession(model, { backend: "reference" }),
        feed,
        timing: options,
        log,
        keepSession: result.memory === undefined,
      });
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
          log(`memory: ${errorLine(e)}`);
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
      if (outs && b.id !== oracle) {
        b.diff = diffOf(outs, { id: oracle, outputs: outputsOf.get(oracle)! });
      }
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
          { id: ours, outputs: mine },
        );
      }
    } catch (e) {
      peer.status = "failed";
      peer.error = errorLine(e);
    }
  }
  result.speedups = speedupsOf(result);
  return result;
}
