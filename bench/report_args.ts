/**
 * The command line of `deno task report`: its help text and the parsing of its options into
 * {@linkcode ReportOptions} and the output folder (every option checked before any work starts).
 *
 * @module
 */
import type { Backend } from "../engine/session.ts";
import type { GpuProvider } from "../engine/backends/gpu/device.ts";
import { benchNetworks, type SizeSelection } from "./networks.ts";
import { modelFilePaths } from "./model_files.ts";
import { EXIT_CODES_HELP, oneLine, parseCommandArgs, parseInputShapes } from "../cli/_args.ts";
import type { LitertAccelerator } from "../peers/litert.ts";
import { UsageError } from "../core/errors.ts";
import type { ReportOptions } from "./report.ts";

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(",").map((s) => s.trim()).filter(Boolean);
}

/** The help text of `deno task report`. */
export const REPORT_HELP = `Usage: deno task report [options]

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

/**
 * Parses the command line of `deno task report` into options and the output folder.
 *
 * @example
 * ```ts
 * import { parseReportArgs } from "./report_args.ts";
 * const { out, options } = parseReportArgs(["--runs", "3", "--peers", "none"]);
 * if (out !== "out/bench" || options.runs !== 3) throw new Error("wrong");
 * ```
 *
 * @param args The arguments.
 * @returns Options, output folder, and the quiet and help flags.
 * @throws {UsageError} For an unknown option or a bad value.
 */
export function parseReportArgs(
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
