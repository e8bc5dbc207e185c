/**
 * The benchmark report: every network on every backend and peer, written as `report.md`,
 * `report.json` and a self-contained `report.html` with inline SVG charts.
 *
 * ```sh
 * deno task report [--networks a,b] [--model FILE,DIR] [--provider deno|dawn|all] [--backends gpu,cpu,reference]
 *   [--runs N] [--out DIR] [--size tiny|full|all] [--peers webgpu,wasm|none] [--threads 1,16]
 *   [--budget-s S] [--warmup N] [--profile-runs N] [--models DIR] [--reference-on-full]
 *   [--deadline-s S] [--priority catalog|files] [--quiet]
 * ```
 *
 * Every number is the median over the timed runs with its spread (p10–p90); warm-up runs are not
 * timed; input upload and output readback are. First-run time (session creation, shader
 * compilation, first inference) is measured separately, and GPU time per node comes from a separate
 * profiled pass so timestamp queries do not perturb the latency runs. A failure of one network,
 * backend or peer is written into the report, never fatal.
 *
 * @example
 * ```ts ignore
 * import { runReport, writeReport } from "./report.ts";
 * const report = await runReport({ names: ["mobilenet_v2_tiny"], runs: 3, providers: ["deno"] });
 * await writeReport(report, "out/bench");
 * ```
 *
 * @module
 */
import { acquireDevice, type GpuProvider } from "../engine/backends/gpu/device.ts";
import type { Backend } from "../engine/session.ts";
import { benchNetworks, type SizeSelection } from "./networks.ts";
import { fileNetworks, modelFilePaths } from "./model_files.ts";
import { parseInputShapes } from "../cli/_args.ts";
import { type GpuSlot, measureNetwork, type NetworkResult, type PeerRunner } from "./measure.ts";
import type { LitertAccelerator } from "../peers/litert.ts";
import { renderMarkdown } from "./render_md.ts";
import { renderHtml } from "./render_html.ts";
import { EXIT_CODES_HELP, exitCodeOf, oneLine, parseCommandArgs } from "../cli/_args.ts";
import { VERSION } from "../cli/version.ts";
import { UsageError } from "../core/errors.ts";

export type { Backend, GpuProvider, SizeSelection };
export type * from "./measure.ts";
export type * from "../peers/litert.ts";
export type { SizeTag } from "../models/catalog.ts";
export type { HostTensor, TensorData, TensorSpec } from "../core/kernel.ts";
export type { Stats } from "../core/stats.ts";
export type { BenchNetwork, LoadedNetwork } from "./networks.ts";

/** Schema tag of `report.json`. */
export const REPORT_SCHEMA = "gpulite-bench-report/1";

/** One GPU provider as the report saw it. */
export interface GpuInfo {
  /** Provider. */
  provider: GpuProvider;
  /** Adapter name. */
  adapterName?: string;
  /** Whether it is a software fallback adapter. */
  isFallback?: boolean;
  /** Optional features enabled. */
  features?: string[];
  /** One-line summary. */
  summary?: string;
  /** Milliseconds to acquire the device. */
  acquireMs?: number;
  /** Why there is no device. */
  error?: string;
}

/** The report's header: the machine, the software and the options. */
export interface ReportHeader {
  /** ISO date of the start. */
  date: string;
  /** gpulite version (deno.json). */
  gpulite: string;
  /** Deno version. */
  deno: string;
  /** V8 version. */
  v8: string;
  /** OS and architecture. */
  os: string;
  /** CPU model (`/proc/cpuinfo`). */
  cpuModel: string;
  /** Logical CPUs (`navigator.hardwareConcurrency`). */
  cpuThreads: number;
  /** GPU providers. */
  gpus: GpuInfo[];
  /** The peer: package, license and whether it loaded. */
  peer: { package: string; license: string; status: string };
  /** The options the report ran with. */
  options: {
    size: SizeSelection;
    networks: string[];
    backends: Backend[];
    providers: GpuProvider[];
    runs: number;
    warmup: number;
    profileRuns: number;
    budgetMs: number;
    cpuThreads: number[];
    peers: LitertAccelerator[];
  };
  /** Milliseconds the whole report took. */
  wallMs: number;
}

/** The whole report (`report.json`). */
export interface Report {
  /** Schema tag. */
  schema: typeof REPORT_SCHEMA;
  /** Header. */
  header: ReportHeader;
  /** One entry per network. */
  networks: NetworkResult[];
}

/** Options of {@linkcode runReport}. */
export interface ReportOptions {
  /** Sizes (default `tiny`). */
  size?: SizeSelection;
  /** Network ids or names (default: all of the size). */
  names?: string[];
  /** Backends (default gpu, cpu, reference). */
  backends?: Backend[];
  /** GPU providers (default deno and dawn). */
  providers?: GpuProvider[];
  /** Timed runs (default 10). */
  runs?: number;
  /** Untimed warm-up runs after the first (default 1). */
  warmup?: number;
  /** Profiled runs (default `min(runs, 10)`). */
  profileRuns?: number;
  /** Time budget of one configuration's timed runs, ms (default 10000; at least 2 runs). */
  budgetMs?: number;
  /** CPU thread counts (default 1 and all). */
  cpuThreads?: number[];
  /** Peer accelerators (default webgpu and wasm). */
  peers?: LitertAccelerator[];
  /** A stand-in peer runner (tests). */
  peerRunner?: PeerRunner;
  /** Run the reference on full networks too. */
  referenceOnFull?: boolean;
  /** Folder of real model files (default `GPULITE_MODELS_DIR`, then the catalogue's places). */
  modelsDir?: string;
  /** Model files and folders outside the catalogue: alone, or after the `names` when given. */
  files?: string[];
  /** Shapes of the files' dynamic inputs, by input name or position (`--input-shape`). */
  inputShapes?: Record<string, number[]>;
  /** Progress lines (default: stderr). */
  progress?: (line: string) => void;
  /** Called with the report so far after each network (to write checkpoints). */
  onNetwork?: (report: Report) => Promise<void> | void;
  /** Start no network after this many ms; the rest are recorded as not run (default none). */
  deadlineMs?: number;
  /** `files`: real model files first, then built full-size, then tiny (default: catalogue order). */
  priority?: "catalog" | "files";
}

function cpuModel(): string {
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    return info.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? "unknown CPU";
  } catch {
    return "unknown CPU";
  }
}

function stderrLine(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
}

/**
 * Runs the report: acquires one device per provider, measures every network, returns the data.
 *
 * @example
 * ```ts ignore
 * import { runReport } from "./report.ts";
 * const report = await runReport({ size: "tiny", runs: 5, providers: ["deno"], peers: [] });
 * console.log(report.networks.map((n) => n.id));
 * ```
 *
 * @param options What to run.
 * @returns The report.
 */
export async function runReport(options: ReportOptions = {}): Promise<Report> {
  const start = performance.now();
  const t0 = Date.now();
  const elapsed = () => {
    const s = Math.round((Date.now() - t0) / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };
  const progress = options.progress ?? stderrLine;
  const size = options.size ?? "tiny";
  const networks = [
    ...(options.files?.length && !options.names?.length
      ? []
      : benchNetworks({ size, names: options.names, modelsDir: options.modelsDir })),
    ...fileNetworks(options.files ?? [], options.inputShapes),
  ];
  if (options.priority === "files") {
    const rank = (
      n: (typeof networks)[number],
    ) => (n.kind === "file" ? 0 : n.size === "full" ? 1 : 2);
    networks.sort((a, b) => rank(a) - rank(b));
  }
  const backends = options.backends ?? ["gpu", "cpu", "reference"];
  const providers = options.providers ?? ["deno", "dawn"];
  const hw = navigator.hardwareConcurrency || 1;
  const cpuThreads = options.cpuThreads ?? [...new Set([1, hw])];
  const peers = options.peers ?? ["webgpu", "wasm"];
  const runs = Math.max(1, options.runs ?? 10);
  const header: ReportHeader = {
    date: new Date().toISOString(),
    gpulite: VERSION,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    cpuModel: cpuModel(),
    cpuThreads: hw,
    gpus: [],
    peer: { package: "@litertjs/core@2.5.3", license: "Apache-2.0", status: "not run" },
    options: {
      size,
      networks: networks.map((n) => n.id),
      backends,
      providers,
      runs,
      warmup: options.warmup ?? 1,
      profileRuns: options.profileRuns ?? Math.min(runs, 10),
      budgetMs: options.budgetMs ?? 10_000,
      cpuThreads,
      peers,
    },
    wallMs: 0,
  };
  const slots: GpuSlot[] = [];
  if (backends.includes("gpu")) {
    for (const provider of providers) {
      progress(`[${elapsed()}] acquiring a device from ${provider}`);
      const t = performance.now();
      try {
        const ctx = await acquireDevice({ provider });
        slots.push({ provider, ctx });
        header.gpus.push({
          provider,
          adapterName: ctx.adapterName,
          isFallback: ctx.isFallback,
          features: ctx.features,
          summary: ctx.summary,
          acquireMs: performance.now() - t,
        });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        slots.push({ provider, error });
        header.gpus.push({ provider, error });
      }
    }
  }
  if (options.peerRunner) header.peer.status = "stand-in runner";
  else if (peers.length) {
    header.peer.status =
      "runs in a child Deno process per model and accelerator (JSPI build; WebGPU through Deno's navigator.gpu)";
  }
  const results: NetworkResult[] = [];
  try {
    for (const [i, net] of networks.entries()) {
      if (options.deadlineMs !== undefined && performance.now() - start > options.deadlineMs) {
        results.push({
          id: net.id,
          name: net.name,
          kind: net.kind,
          size: net.size,
          description: net.description,
          source: net.source,
          status: "failed",
          error: `not run: the report's time limit (${options.deadlineMs / 1000} s) was reached`,
          inputShapes: net.inputShapes,
          backends: [],
          peers: [],
          speedups: [],
        });
        continue;
      }
      const tag = () => `[${elapsed()}] [${i + 1}/${networks.length}]`;
      results.push(
        await measureNetwork(net, {
          runs,
          warmup: options.warmup,
          budgetMs: header.options.budgetMs,
          profileRuns: header.options.profileRuns,
          backends,
          gpus: slots,
          cpuThreads,
          referenceOnFull: options.referenceOnFull,
          peers,
          peerRunner: options.peerRunner,
          progress: (m) => progress(`${tag()} ${m}`),
        }),
      );
      header.wallMs = performance.now() - start;
      await options.onNetwork?.({ schema: REPORT_SCHEMA, header, networks: results });
    }
  } finally {
    for (const s of slots) s.ctx?.device.destroy();
  }
  header.wallMs = performance.now() - start;
  progress(`[${elapsed()}] done: ${results.length} networks`);
  return { schema: REPORT_SCHEMA, header, networks: results };
}

/**
 * Writes `report.json`, `report.md` and `report.html` into a folder (created if missing).
 *
 * @example
 * ```ts ignore
 * import { runReport, writeReport } from "./report.ts";
 * const paths = await writeReport(await runReport({ runs: 3 }), "out/bench");
 * console.log(paths);
 * ```
 *
 * @param report The report.
 * @param dir The folder.
 * @returns The three paths.
 */
export async function writeReport(report: Report, dir: string): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const base = dir.replace(/\/+$/, "");
  const files: [string, string][] = [
    [`${base}/report.json`, JSON.stringify(report, null, 1) + "\n"],
    [`${base}/report.md`, renderMarkdown(report)],
    [`${base}/report.html`, renderHtml(report)],
  ];
  for (const [path, text] of files) await Deno.writeTextFile(path, text);
  return files.map(([p]) => p);
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(",").map((s) => s.trim()).filter(Boolean);
}

const HELP = `Usage: deno task report [options]

Measures every benchmark network on every backend and peer and writes report.json, report.md and
report.html into --out. The files are rewritten after each network, so a killed run leaves the
networks done so far. Progress goes to stderr, one line per step.

Options:
  --networks a,b              only these networks (ids or names)
  --model FILE,DIR            model files (a folder: its .tflite files) instead of the catalogue,
                              or after --networks when both are given
  --input-shape NAME=1x64x64x3   shape of a dynamic input of the --model files (name or position;
                              repeatable; default: -1 dimensions at 1)
  --size tiny|full|all        which networks when --networks is not given (default tiny)
  --provider deno|dawn|all    GPU providers (default all)
  --backends gpu,cpu,reference,cooperative   backends (default gpu,cpu,reference; cooperative
                                 profiles each network on both processors first)
  --peers webgpu,wasm|none    LiteRT.js peers (default webgpu,wasm)
  --runs N                    timed runs (default 10)
  --warmup N                  untimed runs after the first (default 1)
  --profile-runs N            profiled runs (default min(runs, 10))
  --budget-s S                time budget of one configuration's timed runs
  --threads 1,16              cpu backend thread counts (default 1 and all cores)
  --models DIR                folder of real model files
  --reference-on-full         run the reference on full-size networks too
  --deadline-s S              start no network after S seconds
  --priority catalog|files    files: real model files first
  --out DIR                   output folder (default out/bench)
  --quiet                     no progress lines
  -h, --help                  this help

${EXIT_CODES_HELP}`;

/** Parses the command line of `deno task report` into options and the output folder. */
function parseCli(
  args: string[],
): { options: ReportOptions; out: string; quiet: boolean; help: boolean } {
  const { values } = parseCommandArgs("deno task report", {
    args,
    options: {
      networks: { type: "string" },
      model: { type: "string" },
      "input-shape": { type: "string", multiple: true },
      provider: { type: "string", default: "all" },
      backends: { type: "string" },
      runs: { type: "string", default: "10" },
      warmup: { type: "string" },
      "profile-runs": { type: "string" },
      "budget-s": { type: "string" },
      out: { type: "string", default: "out/bench" },
      size: { type: "string", default: "tiny" },
      peers: { type: "string", default: "webgpu,wasm" },
      threads: { type: "string" },
      models: { type: "string" },
      "reference-on-full": { type: "boolean", default: false },
      "deadline-s": { type: "string" },
      priority: { type: "string", default: "catalog" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      throw new UsageError(`--${name} must be a number, got "${v}"`);
    }
    return n;
  };
  const provider = values.provider;
  if (!["deno", "dawn", "all"].includes(provider)) {
    throw new UsageError(`--provider must be deno, dawn or all, got "${provider}"`);
  }
  const size = values.size;
  if (!["tiny", "full", "all"].includes(size)) {
    throw new UsageError(`--size must be tiny, full or all, got "${size}"`);
  }
  const backends = list(values.backends) as Backend[] | undefined;
  for (const b of backends ?? []) {
    if (!["gpu", "cpu", "reference", "cooperative"].includes(b)) {
      throw new UsageError(`--backends takes gpu, cpu, reference and cooperative, got "${b}"`);
    }
  }
  const peers = values.peers === "none" ? [] : list(values.peers) as LitertAccelerator[];
  for (const p of peers) {
    if (p !== "webgpu" && p !== "wasm") {
      throw new UsageError(`--peers takes webgpu, wasm or none, got "${p}"`);
    }
  }
  const chosen = backends ?? ["gpu", "cpu", "reference"];
  const needs: [string, boolean, Backend][] = [
    ["--threads", values.threads !== undefined, "cpu"],
    ["--reference-on-full", values["reference-on-full"], "reference"],
  ];
  for (const [flag, given, backend] of needs) {
    if (given && !chosen.includes(backend)) {
      throw new UsageError(`${flag} applies only when --backends includes ${backend}`);
    }
  }
  if (
    values.networks !== undefined && args.some((a) => a === "--size" || a.startsWith("--size="))
  ) {
    throw new UsageError("--size does not apply with --networks (the named networks run)");
  }
  const budget = num(values["budget-s"], "budget-s");
  const deadline = num(values["deadline-s"], "deadline-s");
  if (values.priority !== "catalog" && values.priority !== "files") {
    throw new UsageError(`--priority must be catalog or files, got "${values.priority}"`);
  }
  if (values.models !== undefined) {
    let folder = false;
    try {
      folder = Deno.statSync(values.models).isDirectory;
    } catch { /* reported below */ }
    if (!folder) throw new UsageError(`--models ${values.models} is not a folder`);
  }
  let outInfo: Deno.FileInfo | undefined;
  try {
    outInfo = Deno.statSync(values.out);
  } catch { /* created when the report is written */ }
  if (outInfo && !outInfo.isDirectory) throw new UsageError(`--out ${values.out} is not a folder`);
  const names = list(values.networks);
  const files = list(values.model);
  if (files) modelFilePaths(files);
  if (names?.length) {
    try {
      benchNetworks({ names, modelsDir: values.models });
    } catch (e) {
      throw new UsageError(`--networks: ${oneLine(e)}`);
    }
  }
  return {
    out: values.out,
    quiet: values.quiet,
    help: values.help,
    options: {
      size: size as SizeSelection,
      names,
      backends,
      providers: provider === "all" ? ["deno", "dawn"] : [provider as GpuProvider],
      runs: num(values.runs, "runs"),
      warmup: num(values.warmup, "warmup"),
      profileRuns: num(values["profile-runs"], "profile-runs"),
      budgetMs: budget === undefined ? undefined : budget * 1000,
      cpuThreads: list(values.threads)?.map((t) => num(t, "threads")!),
      peers,
      modelsDir: values.models,
      files,
      inputShapes: values["input-shape"]?.length
        ? parseInputShapes(values["input-shape"])
        : undefined,
      referenceOnFull: values["reference-on-full"],
      deadlineMs: deadline === undefined ? undefined : deadline * 1000,
      priority: values.priority as "catalog" | "files",
    },
  };
}

if (import.meta.main) {
  try {
    const parsed = parseCli(Deno.args);
    if (parsed.help) {
      console.log(HELP);
      Deno.exit(0);
    }
    if (parsed.quiet) parsed.options.progress = () => {};
    const out = parsed.out;
    parsed.options.onNetwork = async (partial) => {
      await writeReport(partial, out);
    };
    const report = await runReport(parsed.options);
    const paths = await writeReport(report, parsed.out);
    console.log(paths.join("\n"));
  } catch (e) {
    console.error(`report: ${oneLine(e)}`);
    Deno.exit(exitCodeOf(e));
  }
  // Dawn's binding keeps the event loop alive; the report is written.
  Deno.exit(0);
}
