/**
 * The memory levers of a graph, side by side: the fixed-order lower bound, the best plan in the
 * model's order, the best with in-place execution, the best with reordering and in-place, and the
 * lower bound that holds for any order and in-place choice. Pure; what `cli plan` and the report
 * print.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { Precision } from "../../core/kernel.ts";
import { anyOrderLowerBound } from "../memory/order.ts";
import { offsetsLowerBound } from "../memory/lower_bounds.ts";
import { buildPlan, type PlanBackend } from "./plan.ts";
import { orderProblem } from "./reorder.ts";

/** One lever's result. */
export interface LeverResult {
  /** Bytes of intermediates. */
  bytes: number;
  /** The offsets strategy that gave them. */
  strategy: string;
  /** In-place pairs used. */
  inPlacePairs: number;
  /** Whether the node order differs from the model's. */
  reordered: boolean;
}

/** Every lever of one graph. */
export interface MemoryLevers {
  /** Lower bound of any offsets plan in the model's order without in-place (today's bound). */
  fixedOrderBound: number;
  /** The best offsets plan in the model's order. */
  best: LeverResult;
  /** The best with in-place execution. */
  inPlace: LeverResult;
  /** The best with reordering and in-place execution. */
  reorderInPlace: LeverResult;
  /** Lower bound for any order with in-place execution (see `anyOrderLowerBound`). */
  anyOrderBound: number;
}

const OFFSETS_STRATEGIES = ["GPULITE_OFFSETS", "GREEDY_BY_SIZE_OFFSETS"];

/**
 * Plans a graph with each lever and reports the smallest arena of each.
 *
 * @example
 * ```ts ignore
 * const levers = memoryLevers(graph, { precision: "f32" });
 * console.log(levers.fixedOrderBound, levers.reorderInPlace.bytes, levers.anyOrderBound);
 * ```
 *
 * @param graph The exec graph (after passes).
 * @param options Backend (default `gpu`) and precision.
 * @returns The levers.
 */
export function memoryLevers(
  graph: ExecGraph,
  options: { backend?: PlanBackend; precision?: Precision } = {},
): MemoryLevers {
  const backend = options.backend ?? "gpu";
  const best = (flags: { inPlace: boolean; reorder: boolean }): LeverResult => {
    let out: LeverResult | undefined;
    for (const strategy of OFFSETS_STRATEGIES) {
      const plan = buildPlan(graph, { ...flags, backend, precision: options.precision, strategy });
      const m = plan.memory!;
      if (!out || m.bytes < out.bytes) {
        out = {
          bytes: m.bytes,
          strategy: m.strategy,
          inPlacePairs: m.inPlace.length,
          reordered: plan.graph.nodes.some((n, k) => n !== graph.nodes[k]),
        };
      }
    }
    return out!;
  };
  const base = buildPlan(graph, { backend, precision: options.precision, strategy: "NAIVE" });
  const { nodes, size } = orderProblem(base);
  return {
    fixedOrderBound: offsetsLowerBound(base.memory!.records),
    best: best({ inPlace: false, reorder: false }),
    inPlace: best({ inPlace: true, reorder: false }),
    reorderInPlace: best({ inPlace: true, reorder: true }),
    anyOrderBound: anyOrderLowerBound(
      nodes,
      size,
      (v) => graph.nodes[v].kernel.traits?.inPlace === true,
    ),
  };
}
