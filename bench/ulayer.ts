/**
 * µLayer on gpulite, measured: for each conv / fully connected layer of a network, the layer alone
 * on the GPU, on the CPU (all threads), split at the predicted ratio and at the best of a small
 * sweep, with the predictor's error; then the whole network GPU-only vs CPU-only vs the cooperative
 * plans (sync-aware, and µLayer's sync-blind one). Writes `report.md` and `report.json`.
 *
 * ```sh
 * deno run -A bench/ulayer.ts [--network NAME]... [--provider deno|dawn] [--size tiny|full]
 *   [--out DIR] [--threads N] [--reps N] [--budget-s S]
 * ```
 *
 * Bounded: per-layer measurements stop when the time budget (default 200 s) is spent, saying how
 * many layers were skipped; whole-network measurements always run.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { acquireDevice, type GpuContext, type GpuProvider } from "../engine/backends/gpu/device.ts";
import { buildExecGraph, type ExecGraph } from "../core/exec_graph.ts";
import { GpuExecutor } from "../engine/backends/gpu/executor.ts";
import { CpuExecutor } from "../engine/backends/cpu/executor.ts";
import { applyPasses } from "../engine/passes/mod.ts";
import { kernelFor } from "../kernels/registry.ts";
import { buildNetwork } from "../models/catalog.ts";
import type { HostTensor } from "../core/kernel.ts";
import {
  CooperativeExecutor,
  measureSync,
  profileNetwork,
  subGraph,
} from "../engine/backends/cooperative/cooperative.ts";
import {
  decideLayer,
  fitPredictor,
  predictMs,
  type Predictor,
  type SyncCost,
} from "../engine/backends/cooperative/predictor.ts";
import { layerFeatures, partFeatures } from "../engine/backends/cooperative/features.ts";
import {
  type ErrorRow,
  type ErrorSummary,
  errorSummary,
  leaveOneOut,
} from "../engine/backends/cooperative/linear_fit.ts";
import { type Plan, planFromChoices, planNetwork } from "../engine/backends/cooperative/plan.ts";
import { median } from "../core/stats.ts";

const SWEEP = [0.25, 0.5, 0.75];

interface LayerRow {
  node: number;
  op: string;
  name: string;
  shape: string;
  mflops: number;
  gpuInNetMs: number;
  cpuInNetMs: number;
  gpuAloneMs: number;
  cpuAloneMs: number;
  predicted: { gpuAlone: number; cpuAlone: number; split: number };
  predictedRatio: number;
  choice: string;
  splitPredictedMs: number;
  sweep: { ratio: number; ms: number }[];
  bestSweep: { ratio: number; ms: number };
}

interface PlanRow {
  label: string;
  stages: number;
  splits: number;
  distributed: number;
  cpuUnits: number;
  predictedMs: number;
  measuredMs: number;
  maxRelDiff: number;
}

interface NetworkResult {
  network: string;
  nodes: number;
  gpuRunMs: number;
  cpuRunMs: number;
  plans: PlanRow[];
  layers: LayerRow[];
  skippedLayers: number;
  loo: { gpu: ErrorSummary; cpu: ErrorSummary };
  measuredError: ErrorSummary;
  predictor: Predictor;
}

function seeded(n: number, seed: number): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

function inputsOf(g: ExecGraph): HostTensor[] {
  return g.inputs.map((t, i) => ({
    dtype: "float32",
    shape: [...g.tensors[t].shape],
    data: seeded(g.tensors[t].shape.reduce((a, b) => a * b, 1), 3 + i),
  }));
}

async function timeIt(reps: number, f: () => Promise<unknown> | unknown): Promise<number> {
  await f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await f();
    t.push(performance.now() - t0);
  }
  return median(t);
}

function relDiff(a: HostTensor[], b: HostTensor[]): number {
  let num = 0, den = 0;
  a.forEach((t, i) => {
    for (let j = 0; j < t.data.length; j++) {
      num = Math.max(num, Math.abs(Number(t.data[j]) - Number(b[i].data[j])));
      den = Math.max(den, Math.abs(Number(t.data[j])));
    }
  });
  return num / Math.max(den, 1e-30);
}

async function runPlan(
  ctx: GpuContext,
  plan: Plan,
  x: HostTensor[],
  opts: { threads: number; reps: number },
): Promise<{ ms: number; out: HostTensor[] }> {
  const ex = await CooperativeExecutor.create(ctx, plan, { threads: opts.threads });
  try {
    let out: HostTensor[] = [];
    const ms = await timeIt(opts.reps, async () => (out = await ex.run(x)));
    return { ms, out };
  } finally {
    ex.dispose();
  }
}

function planRow(label: string, plan: Plan, measured: number, diff: number): PlanRow {
  return {
    label,
    stages: plan.stages.length,
    splits: plan.decisions.filter((d) => d.mode.kind === "split").length,
    distributed: plan.decisions.filter((d) => d.mode.kind === "branches").length,
    cpuUnits: plan.decisions.filter((d) => d.mode.kind === "cpu").length,
    predictedMs: plan.predictedMs,
    measuredMs: measured,
    maxRelDiff: diff,
  };
}

/** Predicted time of a layer run alone from the host: upload, compute, readback. */
function aloneGpu(p: Predictor, f: ReturnType<typeof layerFeatures>, s: SyncCost): number {
  return predictMs(p, "gpu", f) + s.fixedMs + (f.inputBytes + f.outputBytes) * s.msPerByte;
}

function aloneSplit(
  p: Predictor,
  f: ReturnType<typeof layerFeatures>,
  s: SyncCost,
  r: number,
): number {
  const g = predictMs(p, "gpu", partFeatures(f, r)) + s.fixedMs +
    (f.inputBytes + f.outputBytes * r) * s.msPerByte;
  const c = predictMs(p, "cpu", partFeatures(f, 1 - r)) + s.exposedMs;
  return Math.max(g, c);
}

async function benchNetwork(
  ctx: GpuContext,
  name: string,
  opts: { threads: number; reps: number; sync: SyncCost; deadline: number },
): Promise<NetworkResult> {
  const { threads, reps, sync } = opts;
  const g0 = buildExecGraph(buildNetwork(name).subgraphs[0], kernelFor);
  const graph = applyPasses(g0, { fuseEpilogues: true }).graph;
  const x = inputsOf(graph);
  log(`${name}: profiling ${graph.nodes.length} nodes on both processors`);
  const prof = await profileNetwork(ctx, graph, x, { threads, reps });
  const predictor = fitPredictor(prof.training);
  const loo = {
    gpu: errorSummary(leaveOneOut(prof.training.gpu)),
    cpu: errorSummary(leaveOneOut(prof.training.cpu)),
  };
  // Whole network: GPU-only reference output, then the plans.
  const gpuEx = await GpuExecutor.fromGraph(ctx, graph, { precision: "f32" });
  const want = await gpuEx.run(x);
  gpuEx.dispose();
  const plans: PlanRow[] = [];
  const aware = planNetwork(graph, { predictor, sync, maxCooperative: 12 });
  const blind = planNetwork(graph, {
    predictor,
    sync: { fixedMs: 0, msPerByte: 0, exposedMs: 0 },
    maxCooperative: 12,
  });
  // What the sync-blind plan really costs under the measured sync, for its predicted column.
  for (
    const [label, plan] of [["cooperative (sync-aware)", aware], [
      "µLayer-style (sync ignored)",
      blind,
    ]] as const
  ) {
    log(`${name}: ${label}: ${plan.stages.length} stages`);
    try {
      const r = await runPlan(ctx, plan, x, { threads, reps });
      plans.push(planRow(label, plan, r.ms, relDiff(want, r.out)));
    } catch (e) {
      log(`${name}: ${label} failed: ${(e as Error).message}`);
      plans.push(planRow(label, plan, NaN, NaN));
    }
  }
  // Per layer.
  const layers: LayerRow[] = [];
  const targets = graph.nodes.flatMap((n, k) => n.kernel.traits?.split === "weights" ? [k] : []);
  let skipped = 0;
  const measuredRows: ErrorRow[] = [];
  for (const k of targets) {
    if (performance.now() > opts.deadline) {
      skipped++;
      continue;
    }
    const node = graph.nodes[k];
    const f = layerFeatures(graph, k);
    const sub = subGraph(graph, [k], new Set(node.outputs));
    const xin = sub.inputs.map((t, i) => ({
      dtype: "float32" as const,
      shape: [...graph.tensors[t].shape],
      data: seeded(graph.tensors[t].shape.reduce((a, b) => a * b, 1), 100 + k + i),
    }));
    const gex = await GpuExecutor.fromGraph(ctx, sub, { precision: "f32" });
    const gpuAloneMs = await timeIt(reps, () => gex.run(xin));
    gex.dispose();
    const cex = await CpuExecutor.create(sub, { threads });
    const cpuAloneMs = await timeIt(reps, () => cex.runSync(xin));
    cex.dispose();
    const d = decideLayer(predictor, f, sync);
    const ratios = [...new Set([d.bestRatio, ...SWEEP].filter((r) => r > 0 && r < 1))];
    const results = new Map<number, number>();
    for (const r of ratios) {
      const plan = planFromChoices(sub, { split: new Map([[0, r]]) });
      if (plan.splits.length === 0) continue;
      const got = await runPlan(ctx, plan, xin, { threads, reps });
      results.set(r, got.ms);
    }
    const sweep = SWEEP.filter((r) => results.has(r)).map((r) => ({
      ratio: r,
      ms: results.get(r)!,
    }));
    const bestSweep = sweep.reduce(
      (a, b) => (b.ms < a.ms ? b : a),
      sweep[0] ?? { ratio: 0, ms: NaN },
    );
    const predicted = {
      gpuAlone: aloneGpu(predictor, f, sync),
      cpuAlone: predictMs(predictor, "cpu", f),
      split: d.bestRatio > 0 ? aloneSplit(predictor, f, sync, d.bestRatio) : NaN,
    };
    const label = `${node.op}#${k}`;
    measuredRows.push({
      label: `${label} gpu`,
      predicted: predicted.gpuAlone,
      measured: gpuAloneMs,
    });
    measuredRows.push({
      label: `${label} cpu`,
      predicted: predicted.cpuAlone,
      measured: cpuAloneMs,
    });
    if (results.has(d.bestRatio)) {
      measuredRows.push({
        label: `${label} split`,
        predicted: predicted.split,
        measured: results.get(d.bestRatio)!,
      });
    }
    layers.push({
      node: k,
      op: node.op,
      name: graph.tensors[node.outputs[0]].name,
      shape: `${graph.tensors[node.inputs[0]].shape.slice(1).join("x")}->${
        graph.tensors[node.outputs[0]].shape.slice(1).join("x")
      }`,
      mflops: f.flops / 1e6,
      gpuInNetMs: prof.gpuMs[k],
      cpuInNetMs: prof.cpuMs[k],
      gpuAloneMs,
      cpuAloneMs,
      predicted,
      predictedRatio: d.bestRatio,
      choice: d.choice,
      splitPredictedMs: results.get(d.bestRatio) ?? NaN,
      sweep,
      bestSweep,
    });
  }
  if (skipped) log(`${name}: time budget spent, ${skipped} layers not measured`);
  return {
    network: name,
    nodes: graph.nodes.length,
    gpuRunMs: prof.gpuRunMs,
    cpuRunMs: prof.cpuRunMs,
    plans,
    layers,
    skippedLayers: skipped,
    loo,
    measuredError: errorSummary(measuredRows),
    predictor,
  };
}

function log(s: string): void {
  console.error(`[ulayer] ${s}`);
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 1 ? 3 : 2) : "—");
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : "—");

function render(meta: Record<string, unknown>, sync: SyncCost, nets: NetworkResult[]): string {
  const lines: string[] = [];
  lines.push(`# µLayer on gpulite: ${meta.device}`, "");
  lines.push(
    `Provider **${meta.provider}**, ${meta.threads} CPU threads, ${meta.reps} timed runs per`,
    `measurement (median), f32. Generated by \`deno run -A bench/ulayer.ts ${meta.args}\` on`,
    `${meta.date}.`,
    "",
  );
  lines.push(
    "Measured CPU<->GPU synchronisation on this device: round trip (upload + submit + readback)",
    `**${f2(sync.fixedMs)} ms**, ${f2(sync.msPerByte * 1e6)} ms per MB moved, of which ` +
      `${f2(sync.exposedMs)} ms stays exposed when the CPU works during the wait.`,
    "",
  );
  for (const n of nets) {
    lines.push(`## ${n.network}`, "");
    lines.push(
      "| run | stages | splits | distributed modules | CPU units | predicted ms | measured ms | max rel diff vs GPU |",
    );
    lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    lines.push(`| GPU only | 1 | 0 | 0 | 0 | — | ${f2(n.gpuRunMs)} | 0 |`);
    lines.push(
      `| CPU only (${meta.threads} threads) | 1 | 0 | 0 | all | — | ${f2(n.cpuRunMs)} | — |`,
    );
    for (const p of n.plans) {
      lines.push(
        `| ${p.label} | ${p.stages} | ${p.splits} | ${p.distributed} | ${p.cpuUnits} | ${
          f2(p.predictedMs)
        } | ${f2(p.measuredMs)} | ${p.maxRelDiff.toExponential(1)} |`,
      );
    }
    lines.push(
      "",
      "Predicted ms of a plan come from the fitted models and the measured sync; the sync-blind plan's",
      "prediction assumes free synchronisation, which is what µLayer's partitioner does.",
      "",
      `Predictor error (|predicted - measured| / measured): leave-one-out over profiled nodes, GPU median ${
        pct(n.loo.gpu.medianRel)
      } (max ${pct(n.loo.gpu.maxRel)}), CPU median ${pct(n.loo.cpu.medianRel)} (max ${
        pct(n.loo.cpu.maxRel)
      }); on the ${n.measuredError.n} layer runs below (alone, split), median ${
        pct(n.measuredError.medianRel)
      }, mean ${pct(n.measuredError.meanRel)}, max ${pct(n.measuredError.maxRel)}.`,
      "",
    );
    lines.push(
      "| layer | shape | MFLOP | GPU in net | CPU in net | GPU alone (pred) | CPU alone (pred) | choice | p* | split p* (pred) | split .25 / .5 / .75 | best sweep |",
    );
    lines.push("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |");
    for (const l of n.layers) {
      lines.push(
        `| ${l.op}#${l.node} | ${l.shape} | ${l.mflops.toFixed(1)} | ${f2(l.gpuInNetMs)} | ${
          f2(l.cpuInNetMs)
        } | ${f2(l.gpuAloneMs)} (${f2(l.predicted.gpuAlone)}) | ${f2(l.cpuAloneMs)} (${
          f2(l.predicted.cpuAlone)
        }) | ${l.choice} | ${l.predictedRatio.toFixed(2)} | ${f2(l.splitPredictedMs)} (${
          f2(l.predicted.split)
        }) | ${l.sweep.map((s) => f2(s.ms)).join(" / ")} | ${
          f2(l.bestSweep.ms)
        } @ ${l.bestSweep.ratio} |`,
      );
    }
    if (n.skippedLayers) lines.push("", `${n.skippedLayers} layers not measured (time budget).`);
    lines.push(
      "",
      'All times in ms. "in net": per-node time inside a whole-network run (GPU timestamp queries;',
      'CPU wall time). "alone": the layer as its own graph, host to host (so the GPU column pays one',
      "round trip). Split: GPU part submitted, CPU part computed meanwhile, joined on the host.",
      "",
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      network: { type: "string", multiple: true },
      provider: { type: "string", default: "deno" },
      size: { type: "string", default: "full" },
      out: { type: "string" },
      threads: { type: "string" },
      reps: { type: "string" },
      "budget-s": { type: "string", default: "200" },
    },
  });
  const provider = values.provider as GpuProvider;
  const size = values.size === "tiny" ? "tiny" : "full";
  const networks = values.network?.length
    ? values.network
    : size === "tiny"
    ? ["googlenet_tiny", "mobilenet_v1_tiny"]
    : ["googlenet_224", "mobilenet_v1_1.0_224"];
  const out = values.out ?? `docs/results/ulayer/${provider}_${size}`;
  const threads = Number(values.threads ?? navigator.hardwareConcurrency ?? 1);
  const reps = Number(values.reps ?? (size === "tiny" ? 3 : 5));
  const start = performance.now();
  const budget = Number(values["budget-s"]) * 1000;
  const ctx = await acquireDevice({ provider });
  log(`device: ${ctx.summary}`);
  const sync = await measureSync(ctx);
  log(`sync: ${JSON.stringify(sync)}`);
  const results: NetworkResult[] = [];
  for (const [i, name] of networks.entries()) {
    // Each network's per-layer section gets an equal share of what is left of the budget.
    const left = budget - (performance.now() - start);
    const deadline = performance.now() + Math.max(0, left / (networks.length - i)) * 0.8;
    results.push(await benchNetwork(ctx, name, { threads, reps, sync, deadline }));
  }
  const meta = {
    device: ctx.summary,
    adapter: ctx.adapterName,
    provider,
    threads,
    reps,
    date: new Date().toISOString().slice(0, 10),
    args: Deno.args.join(" "),
    seconds: (performance.now() - start) / 1000,
  };
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(`${out}/report.md`, render(meta, sync, results) + "\n");
  await Deno.writeTextFile(
    `${out}/report.json`,
    JSON.stringify({ meta, sync, networks: results }, null, 2) + "\n",
  );
  log(`wrote ${out}/report.md and report.json in ${meta.seconds.toFixed(0)} s`);
  ctx.device.destroy();
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(`ulayer: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
