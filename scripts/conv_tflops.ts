/**
 * Convolution throughput on one GPU: the tiled implicit-GEMM CONV_2D kernel and the column-strip
 * DEPTHWISE_CONV_2D kernel against the kernels before them (session option
 * `variants: { CONV_2D: "direct", DEPTHWISE_CONV_2D: "direct" }`), in one call:
 *
 * 1. a probe of the adapter under each way of creating it (Dawn: no toggles,
 *    `vulkan_enable_f16_on_nvidia`, `allow_unsafe_apis`, both; Deno: `navigator.gpu`), printing its
 *    features (`shader-f16`, `subgroups`...), info (subgroup sizes) and workgroup limits;
 * 2. per network (MobileNet v1 1.0 224, MobileNet v2 1.0 224, DeepLab v3 257; catalogue names or
 *    `.tflite` paths), each CONV_2D and DEPTHWISE_CONV_2D node's GPU time from per-node timestamp
 *    queries (median of `--profile-runs`) and GFLOP/s: old kernels, new kernels with their
 *    heuristics, and new kernels with the session's `autotune` (candidates timed on the device,
 *    choices kept in `conv_tiles.json` under `--out`); and each network's end-to-end latency
 *    (median, p10-p90 of `--runs`), in f32 and, for the new kernels, in f16 when the adapter has
 *    `shader-f16`;
 * 3. with `--sweep`, each distinct conv shape alone (one node repeated in one submission) under the
 *    heuristic's tile and its neighbours, the fastest tile per shape: what `convTile` should pick.
 *
 * ```sh
 * deno run -A scripts/conv_tflops.ts --provider dawn|deno [--out DIR] [--runs 20]
 *   [--profile-runs 10] [--warmup 3] [--networks a,b,...] [--sweep] [--budget-s 420]
 * ```
 *
 * Writes `conv_tflops.md` and `conv_tflops.json` under `--out` (default
 * `docs/results/conv_tflops/<provider>`). Every step prints a progress line; steps that would
 * start past the time budget (default 420 s) are skipped and said so, and each step has its own
 * limit (120 s), so one call fits a 10-minute slot on the GPU machine:
 *
 * ```sh
 * source .device/env.sh && deno run --cached-only -A scripts/conv_tflops.ts --provider dawn --sweep
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { acquireDevice, createSession, loadModel } from "../mod.ts";
import type { GpuProvider, Model, Session } from "../mod.ts";
import { sessionInternals } from "../engine/session.ts";
import type { GpuContext } from "../engine/backends/gpu/device.ts";
import { randomInputs } from "../cli/_session_args.ts";
import { buildNetwork, catalogEntry } from "../models/catalog.ts";
import type { ExecGraph } from "../core/exec_graph.ts";
import type { Conv2DOptions } from "../kernels/conv_2d/mod.ts";
import {
  probeAdapters,
  quantile,
  SWEEP_REPEAT,
  sweepKey,
  sweepNode,
  within,
} from "./_conv_tools.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    provider: { type: "string", default: "dawn" },
    out: { type: "string" },
    runs: { type: "string", default: "20" },
    "profile-runs": { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    networks: {
      type: "string",
      default: "mobilenet_v1_1.0_224,mobilenet_v2_1.0_224,deeplabv3_257_mv_gpu",
    },
    sweep: { type: "boolean", default: false },
    "budget-s": { type: "string", default: "420" },
  },
});
const provider = values.provider as GpuProvider;
const out = values.out ?? `docs/results/conv_tflops/${provider}`;
const runs = Math.max(1, Number(values.runs));
const profileRuns = Math.max(1, Number(values["profile-runs"]));
const warmup = Math.max(0, Number(values.warmup));
const budgetMs = Number(values["budget-s"]) * 1000;
const t0 = performance.now();

function log(msg: string): void {
  console.log(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}

function f(x: number | undefined, d = 3): string {
  return x !== undefined && Number.isFinite(x) ? x.toFixed(d) : "—";
}

function overBudget(): boolean {
  return performance.now() - t0 > budgetMs;
}

// ---- 2. networks, old kernel against new --------------------------------------------------------

type Kernel = "direct" | "tiled" | "tuned";

interface NetRun {
  kernel: Kernel;
  precision: "f32" | "f16";
  createMs: number;
  /** Per node: median ms over the profiled runs. */
  nodeMs: Record<number, number>;
  /** Program labels per node (the tile or blocking chosen). */
  labels: Record<number, string>;
  /** GPU ms per profiled run (sum of nodes). */
  gpuMs: number[];
  /** End-to-end ms per timed run. */
  e2e: number[];
}

interface ConvRow {
  node: number;
  op: string;
  desc: string;
  mflop: number;
  old: { ms: number; label: string };
  new: { ms: number; label: string };
  tuned: { ms: number; label: string };
}

function loadNetwork(name: string): Promise<Model> {
  if (name.endsWith(".tflite")) return loadModel(name);
  const entry = catalogEntry(name);
  if (entry.kind === "built") return Promise.resolve(buildNetwork(name));
  const dir = Deno.env.get("GPULITE_MODELS_DIR") ?? ".device/models";
  const path = entry.locate() ?? `${dir}/${name}.tflite`;
  return loadModel(path);
}

function variantsOf(kernel: Kernel): Record<string, string> {
  return kernel === "direct"
    ? { CONV_2D: "direct", DEPTHWISE_CONV_2D: "direct" }
    : { CONV_2D: "tiled", DEPTHWISE_CONV_2D: "column" };
}

async function timedSession(
  gpu: GpuContext,
  model: Model,
  args: { kernel: Kernel; precision: "f32" | "f16" },
): Promise<NetRun> {
  const variants = variantsOf(args.kernel);
  // "tuned": the tiled kernel with the session's autotune, choices kept in the output folder.
  const tune = args.kernel === "tuned" ? { autotune: { cacheFile: `${out}/conv_tiles.json` } } : {};
  const c0 = performance.now();
  const prof: Session = await createSession(model, {
    device: gpu,
    profile: true,
    precision: args.precision,
    variants,
    ...tune,
  });
  const createMs = performance.now() - c0;
  const per = new Map<number, number[]>();
  const gpuMs: number[] = [];
  const labels: Record<number, string> = {};
  try {
    const inputs = randomInputs(prof.inputs, 1);
    for (let i = 0; i < warmup; i++) await prof.run(inputs);
    for (let r = 0; r < profileRuns; r++) {
      await prof.run(inputs);
      let sum = 0;
      for (const t of prof.timings ?? []) {
        per.set(t.node, [...(per.get(t.node) ?? []), t.ms]);
        sum += t.ms;
      }
      gpuMs.push(sum);
    }
    const plan = sessionInternals(prof).plan;
    plan?.programs.forEach((ps, k) => {
      if (ps) labels[k] = ps.map((p) => p.label).join(" + ");
    });
  } finally {
    prof.dispose();
  }
  const plain = await createSession(model, {
    device: gpu,
    precision: args.precision,
    variants,
    ...tune,
  });
  const e2e: number[] = [];
  try {
    const inputs = randomInputs(plain.inputs, 1);
    for (let i = 0; i < warmup; i++) await plain.run(inputs);
    for (let r = 0; r < runs; r++) {
      const s = performance.now();
      await plain.run(inputs);
      e2e.push(performance.now() - s);
    }
  } finally {
    plain.dispose();
  }
  const nodeMs: Record<number, number> = {};
  for (const [k, xs] of per) nodeMs[k] = quantile(xs, 0.5);
  return { ...args, createMs, nodeMs, labels, gpuMs, e2e };
}

/**
 * CONV_2D and DEPTHWISE_CONV_2D nodes of a session's graph: description and MFLOP (2 per
 * multiply-add; a depthwise output reads `KH x KW` inputs, a conv output `KH x KW x I`).
 */
function convNodes(graph: ExecGraph): { node: number; op: string; desc: string; mflop: number }[] {
  const rows: { node: number; op: string; desc: string; mflop: number }[] = [];
  graph.nodes.forEach((n, k) => {
    if (n.op !== "CONV_2D" && n.op !== "DEPTHWISE_CONV_2D") return;
    const x = graph.tensors[n.inputs[0]].shape;
    const w = graph.tensors[n.inputs[1]].shape;
    const y = graph.tensors[n.outputs[0]].shape;
    const o = n.options as Conv2DOptions;
    const perOut = n.op === "CONV_2D" ? w[1] * w[2] * w[3] : w[1] * w[2];
    const mflop = 2 * y.reduce((a, b) => a * b, 1) * perOut / 1e6;
    const dw = n.op === "CONV_2D" ? "" : "dw ";
    rows.push({
      node: k,
      op: n.op,
      desc: `${dw}${x.slice(1).join("x")} -> ${y.slice(1).join("x")} k${w[1]}x${
        w[2]
      } s${o.strideH}${o.dilationH > 1 ? ` d${o.dilationH}` : ""}`,
      mflop,
    });
  });
  return rows;
}

// ---- main ----------------------------------------------------------------------------------------

await Deno.mkdir(out, { recursive: true });
const probeRows = await probeAdapters(provider);
for (const r of probeRows) {
  log(
    `probe ${r.way}: ${
      r.error ??
        `${r.adapter}; features ${r.features!.join(", ")}; info ${JSON.stringify(r.info)}; limits ${
          JSON.stringify(r.limits)
        }`
    }`,
  );
}
let gpu: GpuContext;
try {
  gpu = await within(acquireDevice({ provider }), 60_000, "acquiring the device");
} catch (e) {
  const why = (e as Error).message.split("\n")[0];
  log(`no device: ${why}`);
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(
    `${out}/conv_tflops.json`,
    JSON.stringify({ error: why, probe: probeRows }, null, 1),
  );
  Deno.exit(1);
}
log(`device: ${gpu.summary}; features ${gpu.features.join(", ")}`);
const hasF16 = gpu.features.includes("shader-f16");

interface NetResult {
  name: string;
  runs: NetRun[];
  convs: ConvRow[];
  error?: string;
  sweep?: { desc: string; mflop: number; tiles: { label: string; ms: number }[] }[];
}
const results: NetResult[] = [];
const STEP_MS = 120_000;

for (const name of values.networks.split(",").map((s) => s.trim()).filter(Boolean)) {
  const res: NetResult = { name, runs: [], convs: [] };
  results.push(res);
  if (overBudget()) {
    res.error = "skipped: the time budget was spent";
    log(`${name}: ${res.error}`);
    continue;
  }
  try {
    const model = await loadNetwork(name);
    const configs: { kernel: Kernel; precision: "f32" | "f16" }[] = [
      { kernel: "direct", precision: "f32" },
      { kernel: "tiled", precision: "f32" },
      { kernel: "tuned", precision: "f32" },
      ...(hasF16
        ? [
          { kernel: "tiled" as const, precision: "f16" as const },
          { kernel: "tuned" as const, precision: "f16" as const },
        ]
        : []),
    ];
    for (const cfg of configs) {
      if (overBudget()) break;
      log(`${name}: ${cfg.kernel} ${cfg.precision} ...`);
      const r = await within(timedSession(gpu, model, cfg), STEP_MS, `${name} ${cfg.kernel}`);
      res.runs.push(r);
      log(
        `${name}: ${cfg.kernel} ${cfg.precision}: created in ${r.createMs.toFixed(0)} ms, GPU ${
          quantile(r.gpuMs, 0.5).toFixed(3)
        } ms, end to end ${quantile(r.e2e, 0.5).toFixed(3)} ms (p10 ${
          quantile(r.e2e, 0.1).toFixed(3)
        }, p90 ${quantile(r.e2e, 0.9).toFixed(3)})`,
      );
    }
    const old = res.runs.find((r) => r.kernel === "direct" && r.precision === "f32");
    const neu = res.runs.find((r) => r.kernel === "tiled" && r.precision === "f32");
    const tuned = res.runs.find((r) => r.kernel === "tuned" && r.precision === "f32");
    // Both kernels bind the same graph (same passes), so node indices agree.
    const probeSession = await createSession(model, { device: gpu });
    const graph = sessionInternals(probeSession).graph;
    probeSession.dispose();
    for (const c of convNodes(graph)) {
      const row: ConvRow = {
        ...c,
        old: { ms: old?.nodeMs[c.node] ?? NaN, label: old?.labels[c.node] ?? "" },
        new: { ms: neu?.nodeMs[c.node] ?? NaN, label: neu?.labels[c.node] ?? "" },
        tuned: { ms: tuned?.nodeMs[c.node] ?? NaN, label: tuned?.labels[c.node] ?? "" },
      };
      res.convs.push(row);
      log(
        `  #${c.node} ${c.desc}: old ${row.old.ms.toFixed(4)} ms ${
          (c.mflop / row.old.ms).toFixed(0)
        } GFLOP/s, new ${row.new.ms.toFixed(4)} ms ${
          (c.mflop / row.new.ms).toFixed(0)
        } GFLOP/s [${row.new.label}], tuned ${row.tuned.ms.toFixed(4)} ms ${
          (c.mflop / row.tuned.ms).toFixed(0)
        } GFLOP/s [${row.tuned.label}]`,
      );
    }
    if (values.sweep) {
      res.sweep = [];
      const seen = new Set<string>();
      for (const c of convNodes(graph).filter((c) => c.op === "CONV_2D")) {
        const key = sweepKey(graph, c.node);
        if (seen.has(key)) continue;
        seen.add(key);
        if (overBudget()) {
          log(`  sweep stopped: the time budget was spent`);
          break;
        }
        const tiles = await sweepNode(gpu, graph, c.node);
        const best = tiles.filter((t) => Number.isFinite(t.ms)).sort((a, b) => a.ms - b.ms)[0];
        res.sweep.push({ desc: c.desc, mflop: c.mflop, tiles });
        log(
          `  sweep ${c.desc}: direct ${f(tiles[0]?.ms, 4)} ms, heuristic ${
            f(tiles[1]?.ms, 4)
          } ms, best ${f(best?.ms, 4)} ms ${
            f(c.mflop / (best?.ms ?? NaN), 0)
          } GFLOP/s [${best?.label}]`,
        );
      }
    }
  } catch (e) {
    res.error = (e as Error).message.split("\n")[0];
    log(`${name}: failed: ${res.error}`);
  }
}

// ---- report -------------------------------------------------------------------------------------

let md = `# Convolution throughput: ${gpu.summary}\n\n`;
md += `${new Date().toISOString()}; deno ${Deno.version.deno}; per-node GPU time from timestamp `;
md += `queries (median of ${profileRuns} profiled runs after ${warmup} warm-ups); end to end: `;
md += `median (p10-p90) of ${runs} runs of \`session.run\` without profiling. old = the direct `;
md += `kernels (\`variants: { CONV_2D: "direct" }\`), new = the tiled implicit GEMM.\n\n`;
md += `## Adapter probe\n\n| way | adapter | shader-f16 | subgroups | features | info | limits |\n`;
md += `| --- | --- | --- | --- | --- | --- | --- |\n`;
for (const r of probeRows) {
  md += r.error
    ? `| ${r.way} | ${r.error} | | | | | |\n`
    : `| ${r.way} | ${r.adapter} | ${r.features!.includes("shader-f16") ? "yes" : "no"} | ${
      r.features!.includes("subgroups") ? "yes" : "no"
    } | ${r.features!.join(", ")} | ${JSON.stringify(r.info)} | ${JSON.stringify(r.limits)} |\n`;
}
md += `\nDevice used: ${gpu.summary}; features ${gpu.features.join(", ")}.\n\n`;
md += `## End to end\n\n| network | kernel | precision | create ms | GPU ms (timestamps) | `;
md += `end-to-end ms median (p10-p90) |\n| --- | --- | --- | ---: | ---: | ---: |\n`;
for (const res of results) {
  if (res.error) md += `| ${res.name} | ${res.error} | | | | |\n`;
  for (const r of res.runs) {
    md += `| ${res.name} | ${r.kernel} | ${r.precision} | ${f(r.createMs, 0)} | ${
      f(quantile(r.gpuMs, 0.5))
    } | ${f(quantile(r.e2e, 0.5))} (${f(quantile(r.e2e, 0.1))}-${f(quantile(r.e2e, 0.9))}) |\n`;
  }
}
for (const res of results) {
  if (!res.convs.length) continue;
  md += `\n## ${res.name}: convolution nodes (f32)\n\n`;
  for (const op of ["CONV_2D", "DEPTHWISE_CONV_2D"]) {
    const rows = res.convs.filter((c) => c.op === op);
    const sum = (k: "old" | "new" | "tuned") => rows.reduce((a, c) => a + (c[k].ms || 0), 0);
    const fl = rows.reduce((a, c) => a + c.mflop, 0);
    md += `All ${op} (${rows.length}): ${
      (["old", "new", "tuned"] as const).map((k) =>
        `${k} ${f(sum(k))} ms (${f(fl / sum(k), 0)} GFLOP/s)`
      ).join(", ")
    }.\n\n`;
  }
  md += `| node | conv | MFLOP | old ms | old GFLOP/s | new ms | new GFLOP/s | tuned ms | `;
  md += `tuned GFLOP/s | new vs old | new program | tuned program |\n`;
  md += `| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n`;
  for (const c of res.convs) {
    const cells = [c.old, c.new, c.tuned].map((k) => `${f(k.ms, 4)} | ${f(c.mflop / k.ms, 0)}`);
    md += `| ${c.node} | ${c.desc} | ${f(c.mflop, 1)} | ${cells.join(" | ")} | ${
      f(c.old.ms / c.new.ms, 2)
    }x | ${c.new.label} | ${c.tuned.label} |\n`;
  }
  for (const s of res.sweep ?? []) {
    md += `\nSweep ${s.desc} (${
      f(s.mflop, 1)
    } MFLOP; ms per node, ${SWEEP_REPEAT} copies in one submission):\n\n`;
    for (const t of [...s.tiles].sort((a, b) => (a.ms || 1e9) - (b.ms || 1e9))) {
      md += `- ${f(t.ms, 4)} ms, ${f(s.mflop / t.ms, 0)} GFLOP/s: ${t.label}\n`;
    }
  }
}
await Deno.mkdir(out, { recursive: true });
await Deno.writeTextFile(`${out}/conv_tflops.md`, md);
await Deno.writeTextFile(
  `${out}/conv_tflops.json`,
  JSON.stringify(
    { device: gpu.summary, features: gpu.features, probe: probeRows, results },
    null,
    1,
  ),
);
log(`wrote ${out}/conv_tflops.md and ${out}/conv_tflops.json`);
gpu.device.destroy();
