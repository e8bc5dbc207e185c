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
import { fileNetworks } from "./model_files.ts";
import { type GpuSlot, measureNetwork, type NetworkResult, type PeerRunner } from "./measure.ts";
import type { LitertAccelerator } from "../peers/litert.ts";
import { renderMarkdown } from "./render_md.ts";
import { renderHtml } from "./render_html.ts";
import { WARM_BURST_MS } from "./run_backend.ts";
import { exitCodeOf, oneLine } from "../cli/_args.ts";
import { parseReportArgs, REPORT_HELP } from "./report_args.ts";
import { VERSION } from "../cli/version.ts";

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
    /** Milliseconds GPU configurations ran back to back before timing (absent in older reports). */
    warmBurstMs?: number;
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
      warmBurstMs: WARM_BURST_MS,
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

if (import.meta.main) {
  try {
    const parsed = parseReportArgs(Deno.args);
    if (parsed.help) {
      console.log(REPORT_HELP);
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
