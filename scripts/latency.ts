/**
 * Where the milliseconds of one GPU inference go, per phase (median of N runs after warm-up): the
 * session's input checks, host packing, uploads, encoding, submission, the readback wait and the
 * GPU's own time within it (timestamp queries), reading results, CPU fallback nodes; plus session
 * creation and the first run. With `--host-layout` the same plan also runs with layouts converted
 * on the host, with `--one-submission` the plan runs as one submission per step (not in growing
 * chunks that let the GPU start while the rest is recorded), with `--pass-per-node` each node gets
 * its own compute pass (what a pass boundary costs or saves), with `--variant OP=NAME` a session
 * with that kernel variant runs too (`DEPTHWISE_CONV_2D=fused`: depthwise + pointwise fusion), with
 * `--autotune` a session whose convolution tiles were timed on the device at creation, and with
 * `--reuse-outputs` each run also fills the same output arrays (`session.run(inputs, { outputs })`),
 * and with `--zero-copy` the outputs are views of the mapped readback (`{ zeroCopy: true }`), for
 * comparison. `--compile sync|async|auto` picks how pipelines compile and `--dawn-toggle NAME`
 * (repeatable) enables a Dawn toggle, for experiments on the device as a whole.
 *
 * ```sh
 * deno run -A scripts/latency.ts MODEL_OR_CATALOG_NAME... [--provider deno|dawn] [--runs N]
 *   [--warmup N] [--warmup-ms MS] [--precision f32|f16] [--host-layout] [--one-submission]
 *   [--pass-per-node] [--variant OP=NAME] [--autotune] [--reuse-outputs] [--zero-copy]
 *   [--compile sync|async|auto] [--dawn-toggle NAME]... [--json FILE] [--md FILE]
 * ```
 *
 * Each measured configuration first runs `--warmup` times and then back to back for `--warmup-ms`
 * (default 1000), so the GPU's clock has risen (`docs/results/h100_ramp/README.md`). Prints one table
 * per model and writes every number (and each run's raw timeline) as JSON.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { acquireDevice, createSession, loadModel } from "../mod.ts";
import type { CompileMode, GpuProvider, Session, SessionOptions } from "../mod.ts";
import { sessionInternals } from "../engine/session.ts";
import { GpuExecutor, type GpuExecutorOptions } from "../engine/backends/gpu/executor.ts";
import { PipelineCache } from "../engine/backends/gpu/pipelines.ts";
import {
  HOST_PHASES,
  type RunTimeline,
  type Spread,
  summarizeTimelines,
  type TimelineSummary,
} from "../engine/backends/gpu/timeline.ts";
import { randomInputs } from "../cli/_session_args.ts";
import { setupLine } from "../cli/run.ts";
import { buildNetwork } from "../models/catalog.ts";
import type { HostTensor } from "../core/kernel.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    provider: { type: "string", default: "deno" },
    runs: { type: "string", default: "30" },
    warmup: { type: "string", default: "3" },
    "warmup-ms": { type: "string", default: "1000" },
    "host-layout": { type: "boolean", default: false },
    "reuse-outputs": { type: "boolean", default: false },
    "zero-copy": { type: "boolean", default: false },
    "one-submission": { type: "boolean", default: false },
    "pass-per-node": { type: "boolean", default: false },
    variant: { type: "string" },
    autotune: { type: "boolean", default: false },
    compile: { type: "string" },
    "dawn-toggle": { type: "string", multiple: true, default: [] },
    precision: { type: "string", default: "f32" },
    json: { type: "string" },
    md: { type: "string" },
  },
});
if (positionals.length === 0) {
  console.error(
    "usage: deno run -A scripts/latency.ts MODEL... [--provider deno|dawn] [--runs N] [--warmup N] [--warmup-ms MS] [--precision f32|f16] [--host-layout] [--one-submission] [--pass-per-node] [--variant OP=NAME] [--autotune] [--reuse-outputs] [--zero-copy] [--compile sync|async|auto] [--dawn-toggle NAME]... [--json FILE] [--md FILE]",
  );
  Deno.exit(2);
}
const runs = Math.max(1, Number(values.runs));
const warmup = Math.max(0, Number(values.warmup));
/** Back-to-back runs after the warm-up runs, so the GPU's clock has risen before timing. */
const warmupMs = Math.max(0, Number(values["warmup-ms"]));
const provider = values.provider as GpuProvider;

interface Measured {
  /** Timelines of the timed runs. */
  timelines: RunTimeline[];
  /** Wall time of each `session.run` (or executor `run`). */
  wall: number[];
  summary: TimelineSummary;
  /** Wall time minus the executor's total: the session's input checks and output naming. */
  session: Spread;
}

function spreadOf(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, min: s[0], max: s.at(-1)! };
}

async function measure(
  run: (inputs: HostTensor[]) => Promise<unknown>,
  timeline: () => RunTimeline | undefined,
  inputs: HostTensor[],
): Promise<Measured> {
  for (let i = 0; i < warmup; i++) await run(inputs);
  const until = performance.now() + warmupMs;
  while (performance.now() < until) await run(inputs);
  const timelines: RunTimeline[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run(inputs);
    wall.push(performance.now() - t0);
    timelines.push(timeline()!);
  }
  return {
    timelines,
    wall,
    summary: summarizeTimelines(timelines),
    session: spreadOf(wall.map((w, i) => w - timelines[i].totalMs)),
  };
}

const ms = (x: number | undefined) => x === undefined || Number.isNaN(x) ? "-" : x.toFixed(3);

/** Table rows: label, spread, what it is. */
function rows(m: Measured): [string, Spread | undefined, string][] {
  const s = m.summary;
  const what: Record<string, string> = {
    pack: "NHWC to PHWC4 on the host (inputs the GPU programs cannot take)",
    upload: "queue.writeBuffer of inputs",
    encode: "command encoders, compute passes, copies, finish; submits of all chunks but the last",
    submit: "queue.submit of the last chunk",
    check: "the inputs' NaN scan, while the GPU works",
    wait: "submit to mapAsync resolved (GPU time + readback latency)",
    read: "mapped bytes into result arrays",
    cpu: "nodes on the CPU",
  };
  return [
    ["session", m.session, "input checks (shapes, dtypes), output naming"],
    ...HOST_PHASES.map((p): [string, Spread, string] => [p, s.phases[p], what[p]]),
    ["  gpu", s.gpu, "GPU time: timestamps around each submission"],
    ["  wait - gpu", s.waitBeyondGpu, "readback latency beyond the GPU's work"],
    ["other", s.other, "executor bookkeeping between phases"],
    ["executor", s.total, "GpuExecutor.run"],
    ["total", spreadOf(m.wall), "session.run, wall clock"],
  ];
}

/** One table: the default runs' spread, then one median column per comparison. */
function table(title: string, m: Measured, others: [string, Measured][]): string {
  const labels = ["phase", "median ms", "min", "max", ...others.map(([l]) => `${l} median ms`)];
  const head = `| ${[...labels, "what"].join(" | ")} |\n| --- | ${
    labels.slice(1).map(() => "---: | ").join("")
  }--- |`;
  const mine = rows(m);
  const theirs = others.map(([, o]) => rows(o));
  const lines = mine.map(([label, sp, what], i) => {
    const cells = [label, ms(sp?.median), ms(sp?.min), ms(sp?.max)];
    for (const t of theirs) cells.push(ms(t[i][1]?.median));
    cells.push(what);
    return `| ${cells.join(" | ")} |`;
  });
  return `${title}\n\n${head}\n${lines.join("\n")}\n`;
}

const gpu = await acquireDevice({
  provider,
  compile: values.compile as CompileMode | undefined,
  dawnToggles: values["dawn-toggle"],
});
/** Writes what was measured so far, so that a run cut short still leaves its results. */
function save(): void {
  const report = {
    adapter: gpu.adapterName,
    provider,
    summary: gpu.summary,
    features: gpu.features,
    deno: Deno.version.deno,
    runs,
    warmup,
    date: new Date().toISOString(),
    models: results,
  };
  if (values.json) Deno.writeTextFileSync(values.json, JSON.stringify(report, null, 1) + "\n");
  if (values.md) Deno.writeTextFileSync(values.md, markdown);
}
const results: Record<string, unknown>[] = [];
/** How the device compiles pipelines, with `"auto"`'s decision. */
function compileMode(): string {
  const cache = PipelineCache.for(gpu.device);
  const how = { async: "all at once", sync: "one after another", auto: "auto" }[cache.mode];
  return cache.decided
    ? `${how} (${cache.decided === "sync" ? "one after another" : "at once"})`
    : how;
}
let markdown = `# Latency per phase: ${gpu.adapterName} via ${provider}, ${values.precision}\n\n` +
  `Median of ${runs} runs after ${warmup} warm-up runs and ${warmupMs} ms back to back; deno ${Deno.version.deno}; ${
    new Date().toISOString()
  }.\n\n`;
for (const name of positionals) {
  const short = name.split("/").at(-1)!.replace(/\.tflite$/, "");
  const t0 = performance.now();
  const model = name.endsWith(".tflite") ? await loadModel(name) : buildNetwork(name);
  let s: Session;
  try {
    s = await createSession(model, {
      device: gpu,
      timeline: true,
      precision: values.precision as "f32" | "f16",
    });
  } catch (e) {
    console.log(`${short}: ${(e as Error).message.split("\n")[0]}`);
    results.push({ model: short, error: (e as Error).message.split("\n")[0] });
    markdown += `## ${short}\n\n${(e as Error).message.split("\n")[0]}\n\n`;
    save();
    continue;
  }
  const created = performance.now() - t0;
  const inputs = randomInputs(s.inputs, 1);
  const t1 = performance.now();
  const first = await s.run(inputs);
  const firstRun = performance.now() - t1;
  const { plan, executor } = sessionInternals(s);
  const exec = executor as GpuExecutor;
  const m = await measure((i) => s.run(i), () => exec.lastTimeline, inputs);
  // The same plan on an executor of other options, for comparison.
  const withExecutor = async (options: GpuExecutorOptions): Promise<Measured> => {
    const ex = await GpuExecutor.create(gpu, plan!, { timeline: true, ...options });
    try {
      return await measure((i) => ex.run(i), () => ex.lastTimeline, inputs);
    } finally {
      ex.dispose();
    }
  };
  const host = values["host-layout"] ? await withExecutor({ hostLayout: true }) : undefined;
  const serial = values["one-submission"] ? await withExecutor({ firstChunk: 0 }) : undefined;
  const perNode = values["pass-per-node"] ? await withExecutor({ passPerNode: true }) : undefined;
  // A second session of other options, measured the same way.
  const sideSession = async (options: SessionOptions) => {
    const t = performance.now();
    const v = await createSession(model, {
      device: gpu,
      timeline: true,
      precision: values.precision as "f32" | "f16",
      ...options,
    });
    const createdMs = performance.now() - t;
    const ex = sessionInternals(v).executor as GpuExecutor;
    const nodes = sessionInternals(v).graph.nodes.length;
    try {
      return { createdMs, nodes, ...await measure((i) => v.run(i), () => ex.lastTimeline, inputs) };
    } finally {
      v.dispose();
    }
  };
  let varied: Measured | undefined;
  let variantNodes = 0;
  if (values.variant) {
    const [op, name] = values.variant.split("=");
    const v = await sideSession({ variants: { [op]: name } });
    varied = v;
    variantNodes = v.nodes;
  }
  const tuned = values.autotune ? await sideSession({ autotune: true }) : undefined;
  let reused: Measured | undefined;
  if (values["reuse-outputs"]) {
    const outputs = first.map((o) => o.data.slice());
    reused = await measure((i) => s.run(i, { outputs }), () => exec.lastTimeline, inputs);
  }
  const viewed = values["zero-copy"]
    ? await measure((i) => s.run(i, { zeroCopy: true }), () => exec.lastTimeline, inputs)
    : undefined;
  const others: [string, Measured][] = [];
  if (host) others.push(["host layout", host]);
  if (serial) others.push(["one submission", serial]);
  if (perNode) others.push(["a pass per node", perNode]);
  if (varied) others.push([`variant ${values.variant}`, varied]);
  if (tuned) others.push(["autotuned", tuned]);
  if (reused) others.push(["outputs reused", reused]);
  if (viewed) others.push(["zero-copy outputs", viewed]);
  const steps = plan!.steps;
  const facts = `${plan!.graph.nodes.length} nodes, ${
    steps.filter((x) => x.kind === "gpu").length
  } GPU steps, ${
    steps.filter((x) => x.kind === "cpu").length
  } CPU steps, ${exec.pipelineCount} pipelines; created in ${created.toFixed(0)} ms, first run ${
    firstRun.toFixed(1)
  } ms${values.variant ? `; ${variantNodes} nodes with ${values.variant}` : ""}${
    tuned ? `; autotuned session created in ${tuned.createdMs.toFixed(0)} ms` : ""
  }; pipelines compiled ${compileMode()}\n\n\`${
    setupLine(s.setup).replace(/^create\s+/, "creation: ")
  }\``;
  const text = table(`## ${short}\n\n${facts}`, m, others);
  console.log(text);
  markdown += text + "\n";
  results.push({
    model: short,
    createdMs: created,
    setup: s.setup,
    firstRunMs: firstRun,
    nodes: plan!.graph.nodes.length,
    gpuSteps: steps.filter((x) => x.kind === "gpu").length,
    cpuSteps: steps.filter((x) => x.kind === "cpu").length,
    pipelines: exec.pipelineCount,
    summary: m.summary,
    session: m.session,
    wall: m.wall,
    timelines: m.timelines,
    hostLayout: host && { summary: host.summary, wall: host.wall, timelines: host.timelines },
    variant: varied &&
      {
        name: values.variant,
        summary: varied.summary,
        wall: varied.wall,
        timelines: varied.timelines,
      },
    autotuned: tuned &&
      {
        createdMs: tuned.createdMs,
        summary: tuned.summary,
        wall: tuned.wall,
        timelines: tuned.timelines,
      },
    passPerNode: perNode &&
      { summary: perNode.summary, wall: perNode.wall, timelines: perNode.timelines },
    oneSubmission: serial &&
      { summary: serial.summary, wall: serial.wall, timelines: serial.timelines },
    outputsReused: reused &&
      { summary: reused.summary, wall: reused.wall, timelines: reused.timelines },
  });
  s.dispose();
  save();
}
gpu.device.destroy();
