/**
 * `gpulite plan MODEL [--json] [--precision f32|f16] [--alignment N]`: every memory strategy on a
 * model's intermediate tensors, with no GPU needed. The usage records come from `plan_records.ts`
 * (the exec graph after passes, placed as a GPU session would place it, or the file's graph as a
 * fallback), the report and its table from `plan_report.ts`; `plan_markdown.ts` puts several reports
 * in one Markdown table.
 *
 * @module
 */
import { EXIT_USAGE, exitCodeOf, oneLine, parseCommandArgs, parseInputShapes } from "./_args.ts";
import type { Model } from "../core/ir.ts";
import { readModelFile } from "../format/tflite/reader.ts";
import { modelUsageRecords } from "./plan_records.ts";
import { formatPlanReport, planReport } from "./plan_report.ts";

import { orderInputShapes } from "../engine/options.ts";
import { modelEntry } from "../core/model_graph.ts";
import type { Command, Io } from "./command.ts";

const HELP = `Usage: gpulite plan MODEL [--json] [--precision f32|f16] [--alignment N]
                    [--input-shape NAME=1x64x64x3]

Plans the memory of a .tflite model's intermediate tensors with every strategy (no GPU needed) and
prints, per strategy: total bytes, ratio to the lower bound of its form (shared objects or offsets),
ratio to naive (one buffer per tensor), number of objects and planning time; plus the lower bounds
and the tensor count.

The main graph is built and rewritten by the graph passes as a GPU session would; nodes whose kernel
has a GPU half run on the GPU, the others on the CPU (as the executor places them, before kernels
refuse parameters). Sizes are PHWC4 bytes: 16 per vec4 in f32, 8 in f16. A model with an op the
engine lacks falls back to the file's graph as it stands (no passes, every node on the GPU).

Options:
  --json            Print one JSON object instead of a table
  --precision P     f32 (default) or f16
  --alignment N     Offset alignment of offsets plans in bytes (default 16, what sessions use)
  --input-shape NAME=1x64x64x3   shape of a dynamic input (name or position; repeatable); without
                    it a dynamic model plans the file's graph with -1 read as 1
  -h, --help        Show this help`;

/**
 * The `plan` command.
 *
 * @example
 * ```ts
 * import { planCommand } from "./plan.ts";
 * const out: string[] = [];
 * const code = await planCommand.run(["--help"], { out: (l) => out.push(l), err: (l) => out.push(l) });
 * if (code !== 0 || !out[0].startsWith("Usage: gpulite plan")) throw new Error("wrong");
 * ```
 */
export const planCommand: Command = {
  name: "plan",
  summary: "Plan intermediate memory with every strategy: bytes, lower bounds, ratios",
  help: HELP,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs("gpulite plan", {
      args,
      options: {
        json: { type: "boolean" },
        precision: { type: "string", default: "f32" },
        alignment: { type: "string", default: "16" },
        "input-shape": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length !== 1) {
      io.err(
        `error: plan takes one MODEL path (got ${positionals.length}); see gpulite plan --help`,
      );
      return 2;
    }
    const precision = values.precision;
    if (precision !== "f32" && precision !== "f16") {
      io.err(`error: --precision must be f32 or f16, got ${JSON.stringify(precision)}`);
      return 2;
    }
    const alignment = Number(values.alignment);
    if (!Number.isInteger(alignment) || alignment < 1) {
      io.err(
        `error: --alignment must be a positive integer, got ${JSON.stringify(values.alignment)}`,
      );
      return 2;
    }
    const path = positionals[0];
    if (!(await Deno.stat(path).catch(() => undefined))?.isFile) {
      io.err(`error: MODEL ${path}: no such file`);
      return EXIT_USAGE;
    }
    let model: Model;
    try {
      model = await readModelFile(path, { allowDangling: true });
    } catch (e) {
      io.err(`error: ${oneLine(e)}`);
      return exitCodeOf(e);
    }
    let inputShapes: (number[] | undefined)[] | undefined;
    try {
      const shapes = values["input-shape"];
      if (shapes && shapes.length > 0) {
        const main = model.subgraphs[0];
        const names = modelEntry(model, undefined).inputNames;
        inputShapes = orderInputShapes(
          parseInputShapes(shapes),
          main.inputs.map((t, k) => ({
            name: main.tensors[t].name,
            dtype: main.tensors[t].dtype,
            aliases: names[k] === undefined ? [] : [names[k]!],
          })),
        );
      }
    } catch (e) {
      io.err(`error: ${oneLine(e)}`);
      return exitCodeOf(e);
    }
    const records = modelUsageRecords(model, { precision, inputShapes });
    const report = planReport(records, { model: path, alignment, precision });
    io.out(values.json ? JSON.stringify(report) : formatPlanReport(report));
    return 0;
  },
};
