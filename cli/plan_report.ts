/**
 * The report of `gpulite plan`: every memory strategy (each form of `GREEDY_BEST`) run on a model's
 * usage records, each plan validated, with its cost, ratios to the lower bound of its form and to
 * naive, number of objects and planning time; and its text form for people.
 *
 * @module
 */

import type { Precision } from "../core/kernel.ts";
import {
  type MemoryPlan,
  objectsLowerBound,
  offsetsLowerBound,
  planCost,
  type PlanForm,
  STRATEGIES,
  validatePlan,
} from "../engine/memory/mod.ts";
import type { ModelRecords } from "./plan_records.ts";
import type { MemoryLevers } from "../engine/plan/levers.ts";

/**
 * One strategy's result in a {@linkcode PlanReport}.
 *
 * @example
 * ```ts
 * import type { StrategyResult } from "./plan_report.ts";
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
 * import type { PlanReport } from "./plan_report.ts";
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
  /** Where the records came from (see `ModelRecords`). */
  source: ModelRecords["source"];
  /** Why the fallback was taken. */
  fallbackReason?: string;
  /** Nodes assumed on the GPU. */
  gpuNodes: number;
  /** Nodes assumed on the CPU. */
  cpuNodes: number;
  /**
   * Lower bounds in bytes: of each form in the model's order (`objects`, `offsets`), and (exec
   * graphs only) of offsets plans in the model's order with concatenations in place
   * (`concatInPlace`), in any order with in-place execution (`anyOrder`), and in any order with
   * in-place execution and concatenations in place (`anyOrderConcatInPlace`).
   */
  lowerBound: {
    objects: number;
    offsets: number;
    concatInPlace?: number;
    anyOrder?: number;
    anyOrderConcatInPlace?: number;
  };
  /**
   * Memory levers (exec graphs only): the fixed-order offsets bound, the best offsets plan in the
   * model's order, with in-place execution, with reordering and in-place, with concatenations in
   * place (`concat`; with every lever: `all`), and the bounds that hold for them.
   */
  levers?: MemoryLevers;
  /** One row per strategy and form (`GREEDY_BEST` twice: objects, offsets). */
  strategies: StrategyResult[];
}

/**
 * Options of {@linkcode planReport}.
 *
 * @example
 * ```ts
 * import type { PlanReportOptions } from "./plan_report.ts";
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
 * import { planReport } from "./plan_report.ts";
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
  const l = records.levers;
  const lowerBound: PlanReport["lowerBound"] = {
    objects: objectsLowerBound(rs),
    offsets: offsetsLowerBound(rs),
    ...(l
      ? {
        concatInPlace: l.concatBound,
        anyOrder: l.anyOrderBound,
        anyOrderConcatInPlace: l.anyOrderConcatBound,
      }
      : {}),
  };
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
        ratioToLowerBound: ratio(
          bytes,
          plan.form === "objects" ? lowerBound.objects : lowerBound.offsets,
        ),
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
  if (records.levers) report.levers = records.levers;
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
 * import { mib } from "./plan_report.ts";
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
 * import { formatPlanReport, planReport } from "./plan_report.ts";
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
  ];
  const l = report.levers;
  if (l) {
    lines.push(
      `levers (MiB, offsets): fixed-order bound ${mib(l.fixedOrderBound)}, best ${
        mib(l.best.bytes)
      }, in-place ${mib(l.inPlace.bytes)} (${l.inPlace.inPlacePairs} pairs), reordered + in-place ${
        mib(l.reorderInPlace.bytes)
      }${l.reorderInPlace.reordered ? "" : " (order kept)"}, concat in place ${
        mib(l.concat.bytes)
      } (${l.concat.concatNodes} nodes), all levers ${mib(l.all.bytes)}; bounds: concat in place ${
        mib(l.concatBound)
      }, any order ${mib(l.anyOrderBound)}, any order + concat in place ${
        mib(l.anyOrderConcatBound)
      }`,
    );
  }
  lines.push("");
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
