/**
 * The memory levers of a graph, side by side: the fixed-order lower bound, the best plan in the
 * model's order, the best with in-place execution, the best with reordering and in-place, the best
 * with concatenations in place (alone, then with every lever), and the lower bounds that hold with
 * those levers. Pure; what `cli plan` and the report print.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { Precision } from "../../core/kernel.ts";
import { liveAcrossLowerBound } from "../memory/order_bounds.ts";
import { coveredOffsetsLowerBound, offsetsLowerBound } from "../memory/lower_bounds.ts";
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
  /** Concatenations run in place. */
  concatNodes: number;
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
  /**
   * Lower bound for any order with in-place execution (`liveAcrossLowerBound`: each node's operands
   * and the tensors alive across it in every order).
   */
  anyOrderBound: number;
  /** The best in the model's order with concatenations in place. */
  concat: LeverResult;
  /**
   * The best with every lever available: concatenations in place, in-place execution and
   * reordering (the reordered plan without concatenations in place where that is lower).
   */
  all: LeverResult;
  /**
   * Lower bound in the model's order with any of the eligible concatenations in place (no
   * elementwise in-place): `coveredOffsetsLowerBound` with each input of an eligible concatenation
   * covered by its output.
   */
  concatBound: number;
  /**
   * Lower bound for any order with in-place execution and concatenations in place: the any-order
   * bound where the inputs of a placed concatenation count nothing once its output is produced and
   * counted (they may lie inside it).
   */
  anyOrderConcatBound: number;
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
  const best = (
    flags: { inPlace: boolean; reorder: boolean; concatInPlace?: boolean },
  ): LeverResult => {
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
          concatNodes: m.concat?.nodes.length ?? 0,
        };
      }
    }
    return out!;
  };
  const base = buildPlan(graph, { backend, precision: options.precision, strategy: "NAIVE" });
  const { nodes, size } = orderProblem(base);
  // The concatenations the planner may run in place (the same rule in any order: it reads shapes,
  // storage and placement, never the order).
  const eligible = new Set(
    buildPlan(graph, {
      backend,
      precision: options.precision,
      strategy: "GREEDY_BY_SIZE_OFFSETS",
      concatInPlace: true,
    }).memory!.concat?.nodes,
  );
  const recordOf = new Map(base.memory!.tensors.map((t, i) => [t, i]));
  const covers = [...eligible].flatMap((k) => {
    const outer = recordOf.get(graph.nodes[k].outputs[0]);
    return outer === undefined ? [] : graph.nodes[k].inputs.flatMap((t) => {
      const inner = recordOf.get(t);
      return inner === undefined ? [] : [{ inner, outer }];
    });
  });
  const inPlace = (v: number) => graph.nodes[v].kernel.traits?.inPlace === true;
  const reorderInPlace = best({ inPlace: true, reorder: true });
  const holders = new Map(
    [...eligible].flatMap((k) => graph.nodes[k].inputs.map((t) => [t, graph.nodes[k].outputs[0]])),
  );
  return {
    fixedOrderBound: offsetsLowerBound(base.memory!.records),
    best: best({ inPlace: false, reorder: false }),
    inPlace: best({ inPlace: true, reorder: false }),
    reorderInPlace,
    anyOrderBound: liveAcrossLowerBound(nodes, { size, inPlace }),
    concat: best({ inPlace: false, reorder: false, concatInPlace: true }),
    all: [best({ inPlace: true, reorder: true, concatInPlace: true }), reorderInPlace]
      .reduce((a, b) => b.bytes < a.bytes ? b : a),
    concatBound: coveredOffsetsLowerBound(base.memory!.records, covers),
    anyOrderConcatBound: liveAcrossLowerBound(nodes, { size, inPlace, holders }),
  };
}
