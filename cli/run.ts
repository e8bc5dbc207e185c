/**
 * `gpulite run MODEL`: runs a model on a backend with inputs from `.npy` files or seeded random
 * values, times it, and writes the outputs as `.npy` or JSON.
 *
 * @module
 */
import type { Command, Io } from "./command.ts";
import { createSession, loadModel, type Session, type SetupReport } from "../engine/session.ts";
import { readNpy, writeNpy } from "../format/npy.ts";
import type { HostTensor } from "../core/kernel.ts";
import { randomInputs, SESSION_FLAGS, sessionFlags } from "./_session_args.ts";
import { UsageError, ValueNeededError } from "../core/errors.ts";
import {
  checkWritableFolder,
  EXIT_CODES_HELP,
  parseCommandArgs,
  progressReporter,
} from "./_args.ts";
import { median } from "../core/stats.ts";
import {
  HOST_PHASES,
  type RunTimeline,
  summarizeTimelines,
  type TimelineSummary,
} from "../engine/backends/gpu/timeline.ts";

const HELP = `Usage: gpulite run MODEL [options]

Runs MODEL and prints a timing summary.

Options:
  --backend B       gpu (default), cpu, reference, or cooperative (µLayer: layers split across
                    CPU and GPU by a latency predictor profiled at creation)
  --provider P      deno (default) or dawn (WebGPU implementation; gpu and cooperative)
  --precision P     f32 (default) or f16 (GPU storage precision; gpu and cooperative)
  --strategy NAME   memory strategy for intermediates (default GREEDY_BEST; gpu and cpu)
  --in-place        elementwise ops write over an input that dies there (gpu and cpu)
  --reorder         reorder branches for a lower memory peak (gpu and cpu)
  --concat-in-place concatenation inputs written straight into its output (gpu and cpu)
  --threads N       CPU threads (default: all cores; cpu and cooperative)
  --input a.npy,b.npy   input tensors in model input order (default: seeded random)
  --seed N          seed of random inputs (default 1)
  --input-shape NAME=1x64x64x3   shape of a dynamic input (name or position; repeat or
                    comma-separate); .npy inputs give their shapes themselves
  --iterations N    timed runs after one warm-up (default 10)
  --zero-copy       timed runs take their outputs as views of the GPU's mapped readback, no
                    copy (session.run's zeroCopy; valid until the next run)
  --output FILE     write outputs: FILE.json ({outputs:[{name,dtype,shape,data}]}) or FILE.npy
                    (one file per output: FILE.npy, FILE.1.npy, ...)
  --profile         per-op time: GPU timestamp queries (gpu), wall clock per node (cpu); on gpu
                    also where each run's milliseconds go (pack, upload, encode, submit, wait,
                    read, cpu nodes; GPU time from timestamps around each submission)
  --json            print the summary as one JSON object
  -h, --help        this help

Progress goes to stderr: redrawn in place on a terminal, plain lines otherwise.

${EXIT_CODES_HELP}`;

/** The summary `run --json` prints. */
export interface RunSummary {
  /** Model path. */
  model: string;
  /** Backend. */
  backend: string;
  /** GPU provider (gpu backend). */
  provider?: string;
  /** Adapter name (gpu backend). */
  adapter?: string;
  /** Whether the adapter is a software fallback. */
  fallbackAdapter?: boolean;
  /** Precision. */
  precision: string;
  /** Memory strategy. */
  strategy: string;
  /** Timed iterations. */
  iterations: number;
  /** Median latency in ms. */
  medianMs: number;
  /** Fastest run in ms. */
  minMs: number;
  /** Session creation time in ms (compilation, uploads). */
  createMs: number;
  /** First run in ms. */
  firstRunMs: number;
  /** Ops on the GPU / total. */
  gpuOps?: string;
  /** Ops that fell back to the CPU with the reason. */
  fallbacks?: { op: string; reason: string }[];
  /** Intermediate memory in bytes (gpu backend). */
  intermediateBytes?: number;
  /** Where session creation's milliseconds went, with GPU pipeline counts (with --profile). */
  setup?: SetupReport;
  /** Median milliseconds per phase of a run, with GPU time (with --profile, gpu backend). */
  timeline?: TimelineSummary;
  /** Per-op GPU time summed by op type (with --profile). */
  profile?: Record<string, number>;
}

async function writeOutputs(path: string, session: Session, outs: HostTensor[]): Promise<void> {
  if (path.endsWith(".json")) {
    const outputs = outs.map((t, i) => ({
      name: session.outputs[i].name,
      dtype: t.dtype,
      shape: t.shape,
      data: Array.from(t.data as ArrayLike<number>, Number),
    }));
    await Deno.writeTextFile(path, JSON.stringify({ outputs }));
    return;
  }
  const base = path.slice(0, -4);
  await Promise.all(
    outs.map((t, i) => Deno.writeFile(i === 0 ? path : `${base}.${i}.npy`, writeNpy(t))),
  );
}

async function runMain(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("gpulite run", {
    args,
    allowPositionals: true,
    options: {
      ...SESSION_FLAGS,
      input: { type: "string" },
      iterations: { type: "string", default: "10" },
      "zero-copy": { type: "boolean", default: false },
      output: { type: "string" },
      profile: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError("run takes exactly one MODEL path (see gpulite run --help)");
  }
  const flags = sessionFlags(values);
  const iterations = Number(values.iterations);
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new UsageError(`--iterations must be a positive integer, got ${values.iterations}`);
  }
  if (values.output !== undefined) {
    if (!/\.(json|npy)$/.test(values.output)) {
      throw new UsageError(`--output must end in .json or .npy, got ${values.output}`);
    }
    await checkWritableFolder("--output", values.output);
  }
  const inputFiles = values.input?.split(",");
  for (const f of inputFiles ?? []) {
    const info = await Deno.stat(f).catch(() => undefined);
    if (!info?.isFile) throw new UsageError(`--input ${f}: no such file`);
  }
  const modelPath = positionals[0];
  if (!(await Deno.stat(modelPath).catch(() => undefined))?.isFile) {
    throw new UsageError(`MODEL ${modelPath}: no such file`);
  }
  const model = await loadModel(modelPath);
  const given = inputFiles
    ? await Promise.all(inputFiles.map(async (f) => readNpy(await Deno.readFile(f), f)))
    : undefined;
  const inputShapes: Record<string, number[]> = { ...flags.inputShapes };
  given?.forEach((t, i) => inputShapes[String(i)] ??= t.shape);
  const t0 = performance.now();
  const options = {
    inputShapes,
    backend: flags.backend,
    provider: flags.provider,
    precision: flags.precision,
    strategy: flags.strategy,
    threads: flags.threads,
    inPlace: flags.inPlace,
    reorder: flags.reorder,
    concatInPlace: flags.concatInPlace,
    profile: values.profile,
    timeline: values.profile && flags.backend === "gpu",
  };
  let session: Session;
  try {
    session = await createSession(model, options);
  } catch (e) {
    // Inputs whose values decide shapes: bind for the values this run feeds (the files', or the
    // random ones the seed gives, as below).
    if (!(e instanceof ValueNeededError) || e.inputs.length === 0) throw e;
    const main = model.subgraphs[0];
    const specs = main.inputs.map((t, k) => ({
      name: main.tensors[t].name,
      dtype: main.tensors[t].dtype,
      shape: inputShapes[String(k)] ?? inputShapes[main.tensors[t].name] ?? main.tensors[t].shape,
    }));
    const feed = given ?? randomInputs(specs, flags.seed);
    const inputValues = feed.map((v, k) => e.inputs.includes(k) ? v : undefined);
    session = await createSession(model, { ...options, inputValues });
  }
  try {
    const createMs = performance.now() - t0;
    let inputs: HostTensor[];
    if (inputFiles && given) {
      if (inputFiles.length !== session.inputs.length) {
        throw new UsageError(
          `--input names ${inputFiles.length} files; the model takes ${session.inputs.length} inputs`,
        );
      }
      inputs = given;
    } else inputs = randomInputs(session.inputs, flags.seed);
    const t1 = performance.now();
    let outs = await session.run(inputs);
    const firstRunMs = performance.now() - t1;
    const times: number[] = [];
    const timelines: RunTimeline[] = [];
    const progress = values.json ? undefined : progressReporter("run");
    const runOptions = { zeroCopy: values["zero-copy"] };
    for (let i = 0; i < iterations; i++) {
      const s = performance.now();
      outs = await session.run(inputs, runOptions);
      times.push(performance.now() - s);
      if (session.lastTimeline) timelines.push(session.lastTimeline);
      progress?.update(i + 1, iterations);
    }
    progress?.end();
    const placement = session.placement;
    const summary: RunSummary = {
      model: modelPath,
      backend: flags.backend,
      precision: flags.precision,
      strategy: flags.strategy,
      iterations,
      medianMs: median(times),
      minMs: Math.min(...times),
      createMs,
      firstRunMs,
    };
    if (session.gpu) {
      summary.provider = session.gpu.provider;
      summary.adapter = session.gpu.adapterName;
      summary.fallbackAdapter = session.gpu.isFallback;
    }
    if (placement && flags.backend === "gpu") {
      summary.gpuOps = `${placement.filter((p) => p.backend === "gpu").length}/${placement.length}`;
      summary.fallbacks = placement.filter((p) => p.backend === "cpu").map((p) => ({
        op: p.op,
        reason: p.reason ?? "",
      }));
      summary.intermediateBytes = session.memory?.intermediateBytes;
    }
    if (timelines.length > 0) summary.timeline = summarizeTimelines(timelines);
    if (values.profile) summary.setup = session.setup;
    if (session.timings) {
      const byOp: Record<string, number> = {};
      for (const t of session.timings) {
        // On the cpu backend, nodes outside the fast kernels are told apart.
        const slow = flags.backend === "cpu" && placement?.[t.node]?.reason !== undefined;
        const key = slow ? `${t.op} (reference)` : t.op;
        byOp[key] = (byOp[key] ?? 0) + t.ms;
      }
      summary.profile = byOp;
    }
    if (values.output) await writeOutputs(values.output, session, outs);
    if (values.json) io.out(JSON.stringify(summary));
    else {
      io.out(`model      ${modelPath}`);
      io.out(
        `backend    ${flags.backend}${
          session.gpu ? ` on ${session.gpu.summary} (${flags.precision}, ${flags.strategy})` : ""
        }`,
      );
      io.out(
        `latency    median ${summary.medianMs.toFixed(2)} ms, min ${
          summary.minMs.toFixed(2)
        } ms over ${iterations} runs`,
      );
      io.out(`setup      ${createMs.toFixed(0)} ms create, ${firstRunMs.toFixed(1)} ms first run`);
      if (summary.gpuOps) io.out(`ops on GPU ${summary.gpuOps}`);
      for (const f of summary.fallbacks ?? []) io.out(`  on CPU: ${f.op}: ${f.reason}`);
      if (summary.intermediateBytes !== undefined) {
        io.out(
          `memory     ${(summary.intermediateBytes / 2 ** 20).toFixed(2)} MiB of intermediates`,
        );
      }
      if (summary.setup) io.out(setupLine(summary.setup));
      if (summary.timeline) io.out(timelineLine(summary.timeline));
      for (const [op, ms] of Object.entries(summary.profile ?? {}).sort((a, b) => b[1] - a[1])) {
        io.out(`  ${op.padEnd(24)} ${ms.toFixed(3)} ms`);
      }
      outs.forEach((t, i) =>
        io.out(`output ${i} "${session.outputs[i].name}" ${t.dtype}[${t.shape}]`)
      );
    }
    return 0;
  } finally {
    session.dispose();
  }
}

/**
 * One line of a run's phases: medians in ms, GPU time and the wait beyond it when timestamps exist.
 *
 * @example
 * ```ts
 * import { timelineLine } from "./run.ts";
 * const s = { median: 1, min: 1, max: 1 };
 * const line = timelineLine({
 *   runs: 1, total: s, other: s, gpu: s, waitBeyondGpu: s,
 *   phases: { pack: s, upload: s, encode: s, submit: s, check: s, wait: s, read: s, cpu: s },
 * });
 * if (!line.startsWith("timeline") || !line.includes("gpu 1.000")) throw new Error(line);
 * ```
 *
 * @param t Phase medians of the timed runs.
 * @returns `timeline  total T ms: pack … | gpu G (wait beyond it W)`.
 */
export function timelineLine(t: TimelineSummary): string {
  const phases = HOST_PHASES.map((p) => `${p} ${t.phases[p].median.toFixed(3)}`).join(", ");
  const gpu = t.gpu
    ? ` | gpu ${t.gpu.median.toFixed(3)} (wait beyond it ${t.waitBeyondGpu!.median.toFixed(3)})`
    : "";
  return `timeline   total ${t.total.median.toFixed(3)} ms: ${phases}${gpu}`;
}

/**
 * One line of session creation's phases, with the GPU's pipeline counts.
 *
 * @example
 * ```ts
 * import { setupLine } from "./run.ts";
 * const line = setupLine({
 *   phases: { bind: 2, plan: 1 },
 *   pipelines: { compiled: 3, reused: 1, slowest: { label: "node 0", ms: 5 } },
 * });
 * if (!line.includes("bind 2.0") || !line.includes("3 compiled")) throw new Error(line);
 * ```
 *
 * @param s The session's setup report.
 * @returns `create     bind … ms; pipelines: N compiled (slowest …), M from the device's cache`.
 */
export function setupLine(s: SetupReport): string {
  const phases = Object.entries(s.phases).map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(", ");
  const p = s.pipelines;
  const pipes = p
    ? `; pipelines: ${p.compiled} compiled${
      p.slowest ? ` (slowest ${p.slowest.ms.toFixed(1)} ms: ${p.slowest.label})` : ""
    }, ${p.reused} from the device's cache`
    : "";
  return `create     ${phases} ms${pipes}`;
}

/** The `run` command. */
export const runCommand: Command = {
  name: "run",
  summary: "run a model on gpu, cpu or reference and time it",
  help: HELP,
  run: runMain,
};
