/**
 * `gpulite compare MODEL`: runs the GPU backend and the float64 reference on the same seeded random
 * inputs, prints each output's error, and when they disagree names the first op whose output
 * diverges.
 *
 * @module
 */
import type { Command, Io } from "./command.ts";
import { createSession, loadModel, sessionInternals } from "../engine/session.ts";
import { ReferenceExecutor, type ReferenceRun } from "../engine/backends/reference/executor.ts";
import { compareTensors } from "../conformance/compare.ts";
import { randomInputs, SESSION_FLAGS, sessionFlags } from "./_session_args.ts";
import { UsageError } from "../core/errors.ts";
import type { HostTensor } from "../core/kernel.ts";
import { EXIT_CODES_HELP, parseCommandArgs } from "./_args.ts";
import type { GpuExecutor } from "../engine/backends/gpu/executor.ts";
import { fullRangeInputs, isQuant8, quantDifference } from "./compare_quant.ts";

const HELP = `Usage: gpulite compare MODEL [options]

Runs MODEL on the GPU and on the CPU reference with the same seeded random inputs and prints,
per output, the max abs and relative error; when they disagree, the first op whose output diverges.

Options:
  --precision P     f32 (default) or f16
  --provider P      deno (default) or dawn
  --strategy NAME   memory strategy (default GREEDY_BEST)
  --seed N          seed of the random inputs (default 1)
  --input-shape NAME=1x64x64x3   shape of a dynamic input (name or position; repeatable)
  --tolerance X     relative error above which outputs disagree (default 1e-4 in f32, 1e-2 in f16)
  --lsb N           8-bit outputs: difference in quantized steps above which they disagree
                    (default 0 on the cpu backend, 3 where the GPU runs the model dequantized)
  --json            print one JSON object
  -h, --help        this help

  --backend B       gpu (default), cpu or cooperative: the backend compared with the reference
  --threads N       CPU threads (cpu and cooperative)

The first diverging op is searched on the gpu backend (its intermediates are read back).
An 8-bit model is compared with the integer reference (8-bit inputs drawn over their whole range);
each 8-bit output's error is given in quantized steps (LSB) and as dequantized values.

${EXIT_CODES_HELP}`;

/** One output's agreement. */
export interface OutputComparison {
  /** Output name. */
  name: string;
  /** Max abs error. */
  maxAbs: number;
  /** Relative error `||gpu - ref|| / ||ref||`. */
  rel: number;
  /** Whether within tolerance. */
  ok: boolean;
  /** 8-bit outputs: largest difference in quantized steps. */
  lsb?: number;
  /** 8-bit outputs: largest difference of the dequantized values. */
  dequantized?: number;
  /** 8-bit outputs: whether the largest element is at the same place (top-1). */
  top1?: boolean;
}

/** What `compare --json` prints. */
export interface CompareSummary {
  /** Model path. */
  model: string;
  /** Adapter. */
  adapter: string;
  /** Precision. */
  precision: string;
  /** Tolerance used. */
  tolerance: number;
  /** Tolerance of 8-bit outputs in quantized steps, when the model has any. */
  lsbTolerance?: number;
  /** Ops on the GPU / total. */
  gpuOps: string;
  /** Per output. */
  outputs: OutputComparison[];
  /** First diverging op, when outputs disagree. */
  firstDivergence?: { node: number; op: string; tensor: string; rel: number; maxAbs: number };
}

async function compareMain(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("gpulite compare", {
    args,
    allowPositionals: true,
    options: {
      ...SESSION_FLAGS,
      tolerance: { type: "string" },
      lsb: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (values.backend === "reference") {
    throw new UsageError("--backend reference would compare the reference with itself");
  }
  if (positionals.length !== 1) {
    throw new UsageError("compare takes exactly one MODEL path (see gpulite compare --help)");
  }
  const flags = sessionFlags(values);
  const tolerance = values.tolerance !== undefined
    ? Number(values.tolerance)
    : flags.precision === "f16"
    ? 1e-2
    : 1e-4;
  if (!(tolerance > 0)) {
    throw new UsageError(`--tolerance must be a positive number, got ${values.tolerance}`);
  }
  const lsbTolerance = values.lsb !== undefined
    ? Number(values.lsb)
    : flags.backend === "cpu"
    ? 0
    : 3;
  if (!Number.isInteger(lsbTolerance) || lsbTolerance < 0) {
    throw new UsageError(`--lsb must be a whole number of steps, got ${values.lsb}`);
  }
  if (!(await Deno.stat(positionals[0]).catch(() => undefined))?.isFile) {
    throw new UsageError(`MODEL ${positionals[0]}: no such file`);
  }
  const model = await loadModel(positionals[0]);
  const session = await createSession(model, {
    backend: flags.backend,
    inputShapes: flags.inputShapes,
    ...(flags.backend === "gpu" || flags.backend === "cooperative"
      ? { provider: flags.provider, precision: flags.precision }
      : {}),
    ...(flags.backend === "cooperative" ? {} : { strategy: flags.strategy }),
    threads: flags.threads,
    inPlace: flags.inPlace,
    reorder: flags.reorder,
    concatInPlace: flags.concatInPlace,
  });
  try {
    const main = model.subgraphs[0];
    // An 8-bit model: the GPU's session graph is dequantized, so the integer reference runs the
    // model's own graph in a session of its own.
    const eightBit = main.tensors.some((t) => !t.data?.byteLength && isQuant8(t));
    const inputs = eightBit
      ? fullRangeInputs(randomInputs(session.inputs, flags.seed), flags.seed)
      : randomInputs(session.inputs, flags.seed);
    const got = await session.run(inputs);
    const ref: ReferenceRun = eightBit
      ? await referenceOutputs(model, { inputShapes: flags.inputShapes, inputs })
      : new ReferenceExecutor(sessionInternals(session).graph).run(inputs, { keep: true });
    const outSpecs = sessionInternals(session).graph;
    const outputs: OutputComparison[] = got.map((g, i) => {
      const d = compareTensors(g, ref[i]);
      const spec = outSpecs.tensors[outSpecs.outputs[i]];
      const base = { name: session.outputs[i].name, maxAbs: d.maxAbs, rel: d.rel };
      if (!isQuant8(g) && !isQuant8(spec)) return { ...base, ok: d.rel <= tolerance };
      const q = quantDifference(g, ref[i], (g.quantization ?? spec.quantization)!);
      return { ...base, ok: q.lsb <= lsbTolerance, ...q };
    });
    const placement = session.placement ?? [];
    const summary: CompareSummary = {
      model: positionals[0],
      adapter: session.gpu?.summary ?? "",
      precision: flags.precision,
      tolerance,
      ...(outputs.some((o) => o.lsb !== undefined) ? { lsbTolerance } : {}),
      gpuOps: `${placement.filter((p) => p.backend === "gpu").length}/${placement.length}`,
      outputs,
    };
    if (outputs.some((o) => !o.ok) && flags.backend === "gpu" && !eightBit) {
      // Read back every intermediate and find the first node whose output leaves the tolerance.
      const g = sessionInternals(session).graph;
      const all = g.nodes.flatMap((n) => n.outputs);
      const probe = await createSession(model, {
        backend: "gpu",
        inputShapes: flags.inputShapes,
        device: session.gpu,
        precision: flags.precision,
        strategy: flags.strategy,
        inspect: all,
      });
      try {
        await probe.run(inputs);
        const values = (sessionInternals(probe).executor as GpuExecutor).lastValues!;
        for (const [k, node] of g.nodes.entries()) {
          const t = node.outputs[0];
          const a = values.get(t);
          const r = ref.allValues?.get(t);
          if (!a || !r) continue;
          const d = compareTensors(a, r);
          if (d.rel > tolerance) {
            summary.firstDivergence = {
              node: k,
              op: node.op,
              tensor: g.tensors[t].name,
              rel: d.rel,
              maxAbs: d.maxAbs,
            };
            break;
          }
        }
      } finally {
        probe.dispose();
      }
    }
    if (values.json) io.out(JSON.stringify(summary));
    else {
      io.out(`model     ${summary.model}`);
      io.out(
        `backend   ${flags.backend}${
          summary.adapter ? ` on ${summary.adapter} (${flags.precision})` : ""
        }; ops on GPU ${summary.gpuOps}`,
      );
      for (const o of outputs) {
        if (o.lsb !== undefined) {
          io.out(
            `${o.ok ? "ok  " : "FAIL"}  ${o.name}: max ${o.lsb} LSB (tolerance ${lsbTolerance}), ` +
              `dequantized max abs ${o.dequantized!.toExponential(2)}, top-1 ${
                o.top1 ? "agrees" : "differs"
              }`,
          );
          continue;
        }
        io.out(
          `${o.ok ? "ok  " : "FAIL"}  ${o.name}: max abs ${o.maxAbs.toExponential(2)}, rel ${
            o.rel.toExponential(2)
          } (tolerance ${tolerance})`,
        );
      }
      const f = summary.firstDivergence;
      if (f) {
        io.out(
          `first divergence: node ${f.node} ${f.op} -> "${f.tensor}" rel ${f.rel.toExponential(2)}`,
        );
      }
    }
    return outputs.every((o) => o.ok) ? 0 : 1;
  } finally {
    session.dispose();
  }
}

/** The integer reference's outputs of a model, through a reference session. */
async function referenceOutputs(
  model: Awaited<ReturnType<typeof loadModel>>,
  options: { inputShapes?: Record<string, number[]>; inputs: HostTensor[] },
): Promise<HostTensor[]> {
  const ref = await createSession(model, {
    backend: "reference",
    inputShapes: options.inputShapes,
  });
  try {
    return await ref.run(options.inputs);
  } finally {
    ref.dispose();
  }
}

/** The `compare` command. */
export const compareCommand: Command = {
  name: "compare",
  summary: "run GPU vs the CPU reference and report the error per output",
  help: HELP,
  run: compareMain,
};
