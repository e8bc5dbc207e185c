/**
 * `gpulite compare MODEL`: runs the GPU backend and the float64 reference on the same seeded random
 * inputs, prints each output's error, and when they disagree names the first op whose output
 * diverges.
 *
 * @module
 */
import type { Command, Io } from "./command.ts";
import { createSession, loadModel, sessionInternals } from "../engine/session.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import { compareTensors } from "../conformance/compare.ts";
import { randomInputs, SESSION_FLAGS, sessionFlags } from "./_session_args.ts";
import { UsageError } from "../core/errors.ts";
import { EXIT_CODES_HELP, parseCommandArgs } from "./_args.ts";
import type { GpuExecutor } from "../engine/backends/gpu/executor.ts";

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
  --json            print one JSON object
  -h, --help        this help

  --backend B       gpu (default), cpu or cooperative: the backend compared with the reference
  --threads N       CPU threads (cpu and cooperative)

The first diverging op is searched on the gpu backend (its intermediates are read back).

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
  });
  try {
    const inputs = randomInputs(session.inputs, flags.seed);
    const got = await session.run(inputs);
    const ref = new ReferenceExecutor(sessionInternals(session).graph).run(inputs, { keep: true });
    const outputs = got.map((g, i) => {
      const d = compareTensors(g, ref[i]);
      return {
        name: session.outputs[i].name,
        maxAbs: d.maxAbs,
        rel: d.rel,
        ok: d.rel <= tolerance,
      };
    });
    const placement = session.placement ?? [];
    const summary: CompareSummary = {
      model: positionals[0],
      adapter: session.gpu?.summary ?? "",
      precision: flags.precision,
      tolerance,
      gpuOps: `${placement.filter((p) => p.backend === "gpu").length}/${placement.length}`,
      outputs,
    };
    if (outputs.some((o) => !o.ok) && flags.backend === "gpu") {
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

/** The `compare` command. */
export const compareCommand: Command = {
  name: "compare",
  summary: "run GPU vs the CPU reference and report the error per output",
  help: HELP,
  run: compareMain,
};
