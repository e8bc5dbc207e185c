/**
 * `gpulite plan MODEL [--json] [--precision f32|f16] [--alignment N]`: every memory strategy on a
 * model's intermediate tensors, with no GPU needed. The model's main graph is built and rewritten by
 * the graph passes as a GPU session would; a node whose kernel has a GPU half (and whose tensors the
 * GPU can hold) is assumed to run on the GPU, the rest on the CPU, with the executor's partition
 * refinement; sizes are PHWC4 bytes at the precision. A model with an op the engine lacks falls back
 * to the file's graph as it stands (no passes, the file's shapes with dynamic dimensions as 1, every
 * node on the GPU), and says so.
 *
 * @module
 */

import { EXIT_USAGE, exitCodeOf, oneLine, parseCommandArgs } from "./_args.ts";
import type { Graph, Model } from "../core/ir.ts";
import { readModelFile } from "../format/tflite/reader.ts";
import { buildExecGraph, type KernelLookup } from "../core/exec_graph.ts";
import { applyPasses } from "../engine/passes/mod.ts";
import { buildPlan } from "../engine/plan/plan.ts";
import { kernelFor } from "../kernels/registry.ts";
import type { Precision } from "../core/kernel.ts";
import { OpError, UnsupportedError } from "../core/errors.ts";
import {
  gpuTensorBytes,
  gpuUsageRecords,
  hostTensorBytes,
  type LifetimeTensor,
} from "../engine/plan/lifetimes.ts";
import {
  type MemoryPlan,
  objectsLowerBound,
  offsetsLowerBound,
  planCost,
  type PlanForm,
  STRATEGIES,
  type UsageRecord,
  validatePlan,
} from "../engine/memory/mod.ts";
import type { Command, Io } from "./command.ts";

/**
 * The intermediate tensors of a model as the GPU executor would plan them.
 *
 * @example
 * ```ts
 * import type { ModelRecords } from "./plan.ts";
 *
 * const r: ModelRecords = {
 *   records: [{ size: 64, firstOp: 0, lastOp: 1 }],
 *   tensors: [1],
 *   source: "exec-graph",
 *   gpuNodes: 2,
 *   cpuNodes: 0,
 * };
 * ```
 */
export interface ModelRecords {
  /** Usage records over node positions. */
  records: UsageRecord[];
  /** The tensor each record describes. */
  tensors: number[];
  /** `exec-graph`: built and rewritten as a session would; `file-graph`: the fallback. */
  source: "exec-graph" | "file-graph";
  /** Why the fallback was taken. */
  fallbackReason?: string;
  /** Nodes assumed on the GPU. */
  gpuNodes: number;
  /** Nodes assumed on the CPU. */
  cpuNodes: number;
}

/**
 * Options of {@linkcode modelUsageRecords}.
 *
 * @example
 * ```ts
 * import type { ModelRecordsOptions } from "./plan.ts";
 *
 * const options: ModelRecordsOptions = { precision: "f16" };
 * ```
 */
export interface ModelRecordsOptions {
  /** Storage precision of floats (default `f32`). */
  precision?: Precision;
  /** Kernel lookup (default `kernelFor` of `kernels/registry.ts`). */
  lookup?: KernelLookup;
}

function fromExecGraph(model: Model, precision: Precision, lookup: KernelLookup): ModelRecords {
  const graph = applyPasses(buildExecGraph(model.subgraphs[0], lookup), {}).graph;
  const plan = buildPlan(graph, { precision, strategy: "NAIVE" });
  const gpuNodes = plan.placement.filter((p) => p.backend === "gpu").length;
  return {
    records: plan.memory!.records,
    tensors: plan.memory!.tensors,
    source: "exec-graph",
    gpuNodes,
    cpuNodes: graph.nodes.length - gpuNodes,
  };
}

function fromFileGraph(graph: Graph, precision: Precision, reason: string): ModelRecords {
  const tensors: LifetimeTensor[] = graph.tensors.map((t) => ({
    dtype: t.dtype,
    shape: t.shape.map((d) => (d < 0 ? 1 : d)),
    value: t.data && t.data.byteLength > 0 ? t.data : undefined,
  }));
  const usage = gpuUsageRecords({ ...graph, tensors }, {
    precision,
    onGpu: () => true,
    // What the GPU cannot hold (rank > 4, 8-bit types) is counted as plain bytes in vec4 units.
    tensorBytes: (t) => {
      try {
        return gpuTensorBytes(t, precision);
      } catch {
        return Math.ceil(hostTensorBytes(t) / 16) * 16;
      }
    },
  });
  return {
    records: usage.records,
    tensors: usage.tensors,
    source: "file-graph",
    fallbackReason: reason,
    gpuNodes: graph.nodes.length,
    cpuNodes: 0,
  };
}

/**
 * Usage records of a model's intermediate tensors on the GPU (main graph only). Builds the exec graph
 * and applies the passes as a GPU session does; nodes whose kernel has a GPU half run on the GPU.
 * When the engine cannot build the graph (an op it lacks, options it refuses), falls back to the
 * file's graph (see the module's description) and gives the reason.
 *
 * @param model The model.
 * @param options Precision, kernel lookup.
 * @returns The records and where they came from.
 *
 * @example
 * ```ts
 * import { modelUsageRecords } from "./plan.ts";
 * import { GraphBuilder } from "../format/tflite/mod.ts";
 * import { strictEqual } from "node:assert";
 *
 * const g = new GraphBuilder();
 * const x = g.input("x", "float32", [1, 4, 4, 4]);
 * const [y] = g.op("RELU", [x], [{ dtype: "float32", shape: [1, 4, 4, 4] }]);
 * const [z] = g.op("ABS", [y], [{ dtype: "float32", shape: [1, 4, 4, 4] }]);
 * g.output(z);
 * const r = modelUsageRecords(g.build());
 * strictEqual(r.records.length, 1);
 * strictEqual(r.records[0].size, 4 * 4 * 16);
 * ```
 */
export function modelUsageRecords(model: Model, options: ModelRecordsOptions = {}): ModelRecords {
  const precision = options.precision ?? "f32";
  const main = model.subgraphs[0];
  if (!main) throw new RangeError("The model has no subgraph");
  try {
    return fromExecGraph(model, precision, options.lookup ?? kernelFor);
  } catch (e) {
    if (!(e instanceof UnsupportedError || e instanceof OpError)) throw e;
    return fromFileGraph(main, precision, e.message.split("\n")[0]);
  }
}

/**
 * One strategy's result in a {@linkcode PlanReport}.
 *
 * @example
 * ```ts
 * import type { StrategyResult } from "./plan.ts";
 *
 * const row: StrategyResult = {
 *   name: "NAIVE", form: "objects", bytes: 4096, objects: 4, ms: 0.01,
 *   ratioToLowerBound: 2, ratioToNaive: 1,
 * };
 * ```
 */
export interface StrategyResult {
  /** Strategy name. */
  name: string;
  /** Form of its plan. */
  form: PlanForm;
  /** Cost of the plan: sum of object sizes, or arena size. */
  bytes: number;
  /** Number of objects (buffers); 1 (the arena) for offsets plans. */
  objects: number;
  /** Planning time in milliseconds (the fastest of three runs). */
  ms: number;
  /** `bytes` over the lower bound of the plan's form (1 is optimal). */
  ratioToLowerBound: number;
  /** `bytes` over the naive cost (one buffer per tensor). */
  ratioToNaive: number;
}

/**
 * What `plan --json` prints.
 *
 * @example
 * ```ts
 * import type { PlanReport } from "./plan.ts";
 *
 * const report: PlanReport = {
 *   model: "m.tflite", tensors: 0, naiveBytes: 0, precision: "f32", alignment: 16,
 *   source: "exec-graph", gpuNodes: 0, cpuNodes: 0,
 *   lowerBound: { objects: 0, offsets: 0 }, strategies: [],
 * };
 * ```
 */
export interface PlanReport {
  /** Model path as given. */
  model: string;
  /** Number of intermediate tensors. */
  tensors: number;
  /** Bytes with one buffer per tensor. */
  naiveBytes: number;
  /** Storage precision of floats. */
  precision: Precision;
  /** Offset alignment of offsets plans, in bytes. */
  alignment: number;
  /** Where the records came from (see {@linkcode ModelRecords}). */
  source: ModelRecords["source"];
  /** Why the fallback was taken. */
  fallbackReason?: string;
  /** Nodes assumed on the GPU. */
  gpuNodes: number;
  /** Nodes assumed on the CPU. */
  cpuNodes: number;
  /** Lower bounds of each form, in bytes. */
  lowerBound: { objects: number; offsets: number };
  /** One row per strategy and form (`GREEDY_BEST` twice: objects, offsets). */
  strategies: StrategyResult[];
}

/**
 * Options of {@linkcode planReport}.
 *
 * @example
 * ```ts
 * import type { PlanReportOptions } from "./plan.ts";
 *
 * const options: PlanReportOptions = { model: "m.tflite", alignment: 256 };
 * ```
 */
export interface PlanReportOptions {
  /** Model name or path for the report. */
  model: string;
  /** Offset alignment in bytes (default 16, what sessions use). */
  alignment?: number;
  /** Precision, for the report (default `f32`). */
  precision?: Precision;
}

const TIMING_RUNS = 3;

function objectCount(plan: MemoryPlan): number {
  return plan.form === "objects" ? plan.objectSizes.length : 1;
}

/**
 * Runs every strategy (each form of `GREEDY_BEST`) on the records, validates each plan, and reports
 * cost, ratios and planning time.
 *
 * @param records Usage records, with where they came from.
 * @param options Model name, alignment, precision.
 * @returns The report.
 * @throws {Error} When a strategy returns an invalid plan (a planner bug).
 *
 * @example
 * ```ts
 * import { planReport } from "./plan.ts";
 * import { strictEqual } from "node:assert";
 *
 * const report = planReport({
 *   records: [
 *     { size: 64, firstOp: 0, lastOp: 1 },
 *     { size: 64, firstOp: 1, lastOp: 2 },
 *     { size: 64, firstOp: 2, lastOp: 3 },
 *   ],
 *   tensors: [1, 2, 3], source: "exec-graph", gpuNodes: 4, cpuNodes: 0,
 * }, { model: "chain" });
 * strictEqual(report.lowerBound.offsets, 128);
 * strictEqual(report.strategies.find((s) => s.name === "NAIVE")!.bytes, 192);
 * ```
 */
export function planReport(records: ModelRecords, options: PlanReportOptions): PlanReport {
  const alignment = options.alignment ?? 16;
  const rs = records.records;
  const naiveBytes = rs.reduce((a, r) => a + r.size, 0);
  const lowerBound = { objects: objectsLowerBound(rs), offsets: offsetsLowerBound(rs) };
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  const strategies: StrategyResult[] = [];
  for (const strategy of STRATEGIES) {
    const forms: PlanForm[] = strategy.form === "both" ? ["objects", "offsets"] : [strategy.form];
    for (const form of forms) {
      // The fastest of three runs: the first pays for compilation.
      let plan: MemoryPlan | undefined;
      let ms = Infinity;
      for (let run = 0; run < TIMING_RUNS; run++) {
        const start = performance.now();
        plan = strategy.plan(rs, { alignment, form });
        ms = Math.min(ms, performance.now() - start);
      }
      if (!plan) continue;
      const problems = validatePlan(rs, plan, { alignment });
      if (problems.length > 0) {
        throw new Error(`Strategy ${strategy.name} made an invalid plan: ${problems[0]}`);
      }
      const bytes = planCost(plan);
      strategies.push({
        name: strategy.name,
        form: plan.form,
        bytes,
        objects: objectCount(plan),
        ms: Math.round(ms * 1000) / 1000,
        ratioToLowerBound: ratio(bytes, lowerBound[plan.form]),
        ratioToNaive: ratio(bytes, naiveBytes),
      });
    }
  }
  const report: PlanReport = {
    model: options.model,
    tensors: rs.length,
    naiveBytes,
    precision: options.precision ?? "f32",
    alignment,
    source: records.source,
    gpuNodes: records.gpuNodes,
    cpuNodes: records.cpuNodes,
    lowerBound,
    strategies,
  };
  if (records.fallbackReason) report.fallbackReason = records.fallbackReason;
  return report;
}

/**
 * Formats bytes as MiB with three decimals.
 *
 * @param bytes Bytes.
 * @returns E.g. `"1.500"`.
 *
 * @example
 * ```ts
 * import { mib } from "./plan.ts";
 * if (mib(3 * 2 ** 19) !== "1.500") throw new Error("wrong");
 * ```
 */
export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(3);
}

/**
 * Formats a report for people: a header, the lower bounds and one row per strategy.
 *
 * @param report The report.
 * @returns Lines of text.
 *
 * @example
 * ```ts
 * import { formatPlanReport, planReport } from "./plan.ts";
 *
 * const report = planReport({
 *   records: [{ size: 64, firstOp: 0, lastOp: 0 }], tensors: [1], source: "exec-graph",
 *   gpuNodes: 1, cpuNodes: 0,
 * }, { model: "one" });
 * if (!formatPlanReport(report).includes("GPULITE_OFFSETS")) throw new Error("wrong");
 * ```
 */
export function formatPlanReport(report: PlanReport): string {
  const where = report.source === "exec-graph"
    ? `exec graph after passes; ${report.gpuNodes} nodes on the GPU, ${report.cpuNodes} on the CPU`
    : `fallback: the file's graph as it stands, every node on the GPU (${report.fallbackReason})`;
  const lines = [
    `${report.model}: ${report.tensors} intermediate tensors, PHWC4 ${report.precision}, ` +
    `alignment ${report.alignment}`,
    where,
    `lower bounds: objects ${report.lowerBound.objects} B (${
      mib(report.lowerBound.objects)
    } MiB), offsets ${report.lowerBound.offsets} B (${mib(report.lowerBound.offsets)} MiB); ` +
    `naive ${report.naiveBytes} B (${mib(report.naiveBytes)} MiB)`,
    "",
  ];
  const header = ["strategy", "form", "bytes", "MiB", "x bound", "x naive", "objects", "ms"];
  const rows = report.strategies.map((s) => [
    s.name,
    s.form,
    String(s.bytes),
    mib(s.bytes),
    s.ratioToLowerBound.toFixed(3),
    s.ratioToNaive.toFixed(3),
    String(s.objects),
    s.ms.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) {
    lines.push(
      row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
        .trimEnd(),
    );
  }
  return lines.join("\n");
}

const HELP = `Usage: gpulite plan MODEL [--json] [--precision f32|f16] [--alignment N]

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
    const records = modelUsageRecords(model, { precision });
    const report = planReport(records, { model: path, alignment, precision });
    io.out(values.json ? JSON.stringify(report) : formatPlanReport(report));
    return 0;
  },
};

/** The columns of {@linkcode plansMarkdown}: strategy and form, objects strategies first. */
const TABLE_COLUMNS: readonly { name: string; form: PlanForm }[] = [
  ...STRATEGIES.flatMap((s) =>
    s.form === "objects" || s.form === "both" ? [{ name: s.name, form: "objects" as const }] : []
  ),
  ...STRATEGIES.flatMap((s) =>
    s.form === "offsets" || s.form === "both" ? [{ name: s.name, form: "offsets" as const }] : []
  ),
];

/** Strategies of gpulite's own, compared with TFLite's in {@linkcode plansMarkdown}. */
const OWN: Readonly<Record<PlanForm, string>> = {
  objects: "GPULITE_OBJECTS",
  offsets: "GPULITE_OFFSETS",
};

/**
 * A Markdown table of several reports: one row per network, one column per strategy and form (MiB,
 * and the ratio to the lower bound of the form); the smallest of each form in bold; then where
 * gpulite's strategies beat every TFLite strategy of their form.
 *
 * @param reports Reports from {@linkcode planReport} (or `plan --json`).
 * @param options `command`: the command line that made them, quoted above the table; `notes`:
 * paragraphs to add after it.
 * @returns Markdown text.
 *
 * @example
 * ```ts
 * import { planReport, plansMarkdown } from "./plan.ts";
 *
 * const report = planReport({
 *   records: [{ size: 64, firstOp: 0, lastOp: 1 }, { size: 64, firstOp: 1, lastOp: 2 }],
 *   tensors: [1, 2], source: "exec-graph", gpuNodes: 3, cpuNodes: 0,
 * }, { model: "nets/tiny.tflite" });
 * const md = plansMarkdown([report], { command: "deno task cli plan nets/tiny.tflite --json" });
 * if (!md.includes("| tiny | nets |")) throw new Error("wrong");
 * ```
 */
export function plansMarkdown(
  reports: readonly PlanReport[],
  options: { command: string; notes?: string[] },
): string {
  const name = (r: PlanReport) => r.model.split("/").at(-1)!.replace(/\.tflite$/, "");
  const find = (r: PlanReport, c: { name: string; form: PlanForm }) =>
    r.strategies.find((s) => s.name === c.name && s.form === c.form);
  const header = [
    "network",
    "folder",
    "tensors",
    "bound objects",
    "bound offsets",
    ...TABLE_COLUMNS.map((c) => (c.name === "GREEDY_BEST" ? `GREEDY_BEST (${c.form})` : c.name)),
  ];
  const lines = [
    "| " + header.join(" | ") + " |",
    "|" + header.map((_, i) => (i < 2 ? " --- |" : " ---: |")).join(""),
  ];
  const beats: string[] = [];
  for (const r of reports) {
    const best: Record<PlanForm, number> = { objects: Infinity, offsets: Infinity };
    for (const s of r.strategies) best[s.form] = Math.min(best[s.form], s.bytes);
    const cells = TABLE_COLUMNS.map((c) => {
      const s = find(r, c);
      if (!s) return "";
      const text = `${mib(s.bytes)} (${s.ratioToLowerBound.toFixed(2)})`;
      return s.bytes === best[c.form] ? `**${text}**` : text;
    });
    const source = r.source === "file-graph" ? " (file graph)" : "";
    const folder = r.model.split("/").at(-2) ?? ".";
    lines.push(
      `| ${name(r)}${source} | ${folder} | ${r.tensors} | ${mib(r.lowerBound.objects)} | ${
        mib(r.lowerBound.offsets)
      } | ${cells.join(" | ")} |`,
    );
    for (const form of ["objects", "offsets"] as const) {
      const own = r.strategies.find((s) => s.name === OWN[form] && s.form === form);
      const tflite = r.strategies.filter((s) => s.form === form && !s.name.startsWith("GPULITE"));
      if (!own || tflite.length === 0) continue;
      const rival = tflite.reduce((a, b) => (b.bytes < a.bytes ? b : a));
      if (own.bytes < rival.bytes) {
        beats.push(
          `- ${name(r)}: ${OWN[form]} ${mib(own.bytes)} MiB vs ${rival.name} ${
            mib(rival.bytes)
          } MiB (${((1 - own.bytes / rival.bytes) * 100).toFixed(1)}% less)`,
        );
      }
    }
  }
  const first = reports[0];
  return [
    "# Memory plans of intermediate tensors",
    "",
    `MiB of intermediate tensors (PHWC4 ${first?.precision ?? "f32"}, offsets aligned to ${
      first?.alignment ?? 16
    } bytes), and in brackets the ratio to the lower bound of the strategy's form (shared objects ` +
    "or offsets); the smallest of each form in **bold**. Made by:",
    "",
    "```sh",
    options.command,
    "```",
    "",
    ...(options.notes ?? []).flatMap((n) => [n, ""]),
    ...lines,
    "",
    "Where gpulite's strategies beat every TFLite strategy of their form:",
    "",
    ...(beats.length > 0 ? beats : ["- nowhere: TFLite's best ties them on every network"]),
    "",
  ].join("\n");
}
