/**
 * `gpulite quantize MODEL`: quantizes a float network to 8 bits from calibration inputs (`.npy` files
 * given with `--calibrate`, else a few seeded random ones, which it says), runs it on the CPU backend's integer kernels, and reports its error against the float
 * reference and the latency of both on the CPU backend.
 *
 * @module
 */
import { checkWritableFolder, parseCommandArgs } from "./_args.ts";
import { UsageError } from "../core/errors.ts";
import type { Command, Io } from "./command.ts";
import type { Model } from "../core/ir.ts";
import { readModelFile } from "../format/tflite/reader.ts";
import { writeModel } from "../format/tflite/writer.ts";
import { buildExecGraph, type ExecGraph } from "../core/exec_graph.ts";
import { CpuExecutor } from "../engine/backends/cpu/executor.ts";
import { kernelFor } from "../kernels/registry.ts";
import type { HostTensor } from "../core/kernel.ts";
import { buildNetwork, CATALOG } from "../models/catalog.ts";
import {
  quantizedCpuGraph,
  type QuantizeReport,
  type QuantScheme,
} from "../engine/quantize/calibrate.ts";
import { quantizeModel, randomInputSets } from "../engine/quantize/measure.ts";
import { median } from "../core/stats.ts";
import { readCalibrationSets } from "./calibration_files.ts";

const HELP = `Usage: gpulite quantize MODEL [options]

Quantizes the float network MODEL (a .tflite file, or the name of a built network of the
catalogue such as mobilenet_v2_1.0_224) to 8 bits, calibrated on the --calibrate inputs (or, without
them, on seeded random inputs, whose ranges rarely match real data: the output says so); runs the
quantized model on the cpu backend's 8-bit kernels and the float model on the reference, and
prints the error of each output on held-out random inputs (relative error ||q - f|| / ||f||, max
abs error, top-1 agreement of classifiers), the nodes left in float, and the latency of the float
and the quantized model on the cpu backend.

Options:
  --scheme S          int8 (default: int8 activations, per-channel int8 weights) or uint8
                      (per-tensor uint8 everywhere, as older TFLite models)
  --calibrate FILES   calibration inputs: a.npy,b.npy or a folder of .npy files, one input set
                      each or a stack along the batch dimension (one-input models); a quarter of
                      the sets (at least one, when there are two or more) is held out for the error
  --calibration N     random calibration input sets, without --calibrate (default 4)
  --evaluation N      held-out random input sets, without --calibrate (default 2)
  --seed S            seed of the calibration inputs (default 1; held-out ones use S + 1000003)
  --out FILE.tflite   write the quantized model
  --threads N         threads of the cpu backend (default: all cores)
  --iterations N      timed runs of each model after one warm-up (default 10)
  --json              print one JSON object
  -h, --help          show this help`;

/** What `quantize --json` prints. */
export interface QuantizeSummary {
  /** The model argument. */
  model: string;
  /** CPU threads. */
  threads: number;
  /** Calibration seed. */
  seed: number;
  /** Where the calibration inputs came from: `--calibrate`'s files, or seeded random values. */
  calibrationSource: "files" | "random";
  /** The error report. */
  report: QuantizeReport;
  /** Median milliseconds of one run on the cpu backend. */
  latency: { floatMs: number; quantizedMs: number; speedup: number; iterations: number };
  /** Where `--out` wrote the model. */
  out?: string;
}

function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new ArgError(`--${flag} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return n;
}

class ArgError extends Error {}

async function loadNetwork(arg: string): Promise<Model> {
  const isFile = await Deno.stat(arg).then((s) => s.isFile, () => false);
  const built = CATALOG.find((e) => e.name === arg && e.kind === "built");
  if (!isFile && built) return buildNetwork(arg);
  return await readModelFile(arg);
}

async function timeOn(
  graph: ExecGraph,
  inputs: HostTensor[],
  threads: number,
  iterations: number,
): Promise<number> {
  const cpu = await CpuExecutor.create(graph, { threads });
  try {
    cpu.runSync(inputs);
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      cpu.runSync(inputs);
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    cpu.dispose();
  }
}

function format(s: QuantizeSummary): string[] {
  const r = s.report;
  const lines = [
    `model       ${s.model}`,
    s.calibrationSource === "files"
      ? `scheme      ${r.scheme}, calibrated on ${r.calibrationSets} input sets from --calibrate`
      : `scheme      ${r.scheme}, calibrated on ${r.calibrationSets} random input sets (seed ${s.seed})`,
    `nodes       ${r.quantizedNodes} in 8-bit, ${r.floatNodes.length} in float, ${r.conversions} QUANTIZE/DEQUANTIZE added; ${r.placement.fast}/${r.placement.nodes} on the cpu fast path`,
  ];
  if (s.calibrationSource === "random") {
    lines.push(
      "note        only random inputs were available: activation ranges (and the error below) may",
      "            not reflect real data; give --calibrate a.npy,b.npy or a folder of .npy inputs",
    );
  }
  for (const f of r.floatNodes) lines.push(`  float: node ${f.node} ${f.op}: ${f.reason}`);
  lines.push(
    `error       on ${r.evaluationSets} held-out ${
      s.calibrationSource === "files" ? "" : "random "
    }input sets, vs the float reference`,
  );
  for (const o of r.outputs) {
    const top1 = o.top1Agreement === undefined
      ? ""
      : `, top-1 agreement ${(o.top1Agreement * 100).toFixed(0)}%`;
    lines.push(
      `  ${o.name}: relative ${o.relativeError.toFixed(4)}, max abs ${
        o.maxAbsError.toPrecision(3)
      } (max |f| ${o.maxAbsReference.toPrecision(3)})${top1}`,
    );
  }
  const l = s.latency;
  lines.push(
    `latency     cpu backend, ${s.threads} thread${
      s.threads > 1 ? "s" : ""
    }, median of ${l.iterations}: float ${l.floatMs.toFixed(2)} ms, ${r.scheme} ${
      l.quantizedMs.toFixed(2)
    } ms (${l.speedup.toFixed(2)}x)`,
  );
  if (s.out) lines.push(`wrote       ${s.out}`);
  return lines;
}

async function quantizeMain(args: string[], io: Io): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseCommandArgs("gpulite quantize", {
      args,
      allowPositionals: true,
      options: {
        scheme: { type: "string", default: "int8" },
        calibrate: { type: "string" },
        calibration: { type: "string", default: "4" },
        evaluation: { type: "string", default: "2" },
        seed: { type: "string", default: "1" },
        out: { type: "string" },
        threads: { type: "string" },
        iterations: { type: "string", default: "10" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    io.err(`error: ${(e as Error).message.split("\n")[0]}`);
    return 2;
  }
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  let scheme: QuantScheme, calibration: number, evaluation: number, seed: number;
  let threads: number, iterations: number;
  try {
    if (positionals.length !== 1) {
      throw new ArgError(
        `quantize takes one MODEL (got ${positionals.length}); see gpulite quantize --help`,
      );
    }
    if (values.scheme !== "int8" && values.scheme !== "uint8") {
      throw new ArgError(`--scheme must be int8 or uint8, got ${JSON.stringify(values.scheme)}`);
    }
    scheme = values.scheme;
    calibration = positiveInt("calibration", values.calibration);
    evaluation = positiveInt("evaluation", values.evaluation);
    iterations = positiveInt("iterations", values.iterations);
    threads = values.threads === undefined
      ? Math.max(1, navigator.hardwareConcurrency ?? 1)
      : positiveInt("threads", values.threads);
    seed = Number(values.seed);
    if (!Number.isInteger(seed)) {
      throw new ArgError(`--seed must be an integer, got ${JSON.stringify(values.seed)}`);
    }
    if (values.out !== undefined && !values.out.endsWith(".tflite")) {
      throw new ArgError(`--out must end in .tflite, got ${JSON.stringify(values.out)}`);
    }
    if (values.out !== undefined) await checkWritableFolder("--out", values.out);
    const isFile = await Deno.stat(positionals[0]).then((s) => s.isFile, () => false);
    if (!isFile && !CATALOG.some((e) => e.name === positionals[0] && e.kind === "built")) {
      throw new ArgError(
        `MODEL ${positionals[0]} is neither a file nor a built network (${
          CATALOG.filter((e) => e.kind === "built").map((e) => e.name).join(", ")
        })`,
      );
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}`);
      return 2;
    }
    if (!(e instanceof ArgError)) throw e;
    io.err(`error: ${e.message}`);
    return 2;
  }
  const modelArg = positionals[0];
  try {
    const model = await loadNetwork(modelArg);
    const g = model.subgraphs[0];
    const float = buildExecGraph(g, kernelFor);
    const specs = float.inputs.map((t) => float.tensors[t]);
    const files = values.calibrate === undefined
      ? undefined
      : await readCalibrationSets(values.calibrate, specs);
    const held = files && files.length > 1 ? Math.max(1, Math.floor(files.length / 4)) : 0;
    const { model: quantized, report } = await quantizeModel(model, {
      scheme,
      calibration: files
        ? files.slice(0, files.length - held)
        : randomInputSets(specs, calibration, seed),
      evaluation: files
        ? files.slice(held ? files.length - held : 0)
        : randomInputSets(specs, evaluation, seed + 1000003),
      threads,
    });
    const [x] = randomInputSets(specs, 1, seed + 2000006);
    const floatMs = await timeOn(float, x, threads, iterations);
    const quantizedMs = await timeOn(quantizedCpuGraph(quantized), x, threads, iterations);
    const summary: QuantizeSummary = {
      model: modelArg,
      threads,
      seed,
      calibrationSource: files ? "files" : "random",
      report,
      latency: { floatMs, quantizedMs, speedup: floatMs / quantizedMs, iterations },
    };
    if (values.out !== undefined) {
      await Deno.writeFile(values.out, writeModel(quantized));
      summary.out = values.out;
    }
    if (values.json) io.out(JSON.stringify(summary));
    else for (const line of format(summary)) io.out(line);
    return 0;
  } catch (e) {
    io.err(`error: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

/**
 * The `quantize` command.
 *
 * @example
 * ```ts
 * import { quantizeCommand } from "./quantize.ts";
 * const out: string[] = [];
 * const code = await quantizeCommand.run(["--help"], { out: (l) => out.push(l), err: (l) => out.push(l) });
 * if (code !== 0 || !out[0].startsWith("Usage: gpulite quantize")) throw new Error("wrong");
 * ```
 */
export const quantizeCommand: Command = {
  name: "quantize",
  summary: "quantize a float network to 8 bits; report its error and cpu latency",
  help: HELP,
  run: quantizeMain,
};
