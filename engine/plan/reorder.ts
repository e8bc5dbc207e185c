/**
 * Reordering a plan's graph: the node order that lowers the peak of live intermediate bytes
 * (`searchOrder` in `engine/memory/order.ts`), with tensor sizes taken from the plan's memory
 * layout. Pure.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import { nodeReads } from "../../core/topology.ts";
import { type OrderNode, searchOrder } from "../memory/order.ts";
import type { ExecutionPlan } from "./plan.ts";

/**
 * The order-search problem of a plan: each node's reads (inputs and epilogue operands) and writes,
 * and each intermediate's bytes from the plan's memory layout (0 for tensors that own memory).
 *
 * @example
 * ```ts ignore
 * const { nodes, size } = orderProblem(buildPlan(graph));
 * console.log(anyOrderLowerBound(nodes, size));
 * ```
 *
 * @param plan A plan.
 * @returns The DAG and the sizes.
 */
export function orderProblem(
  plan: ExecutionPlan,
): { nodes: OrderNode[]; size: (t: number) => number } {
  const bytes = new Map(plan.memory?.homes.map((h) => [h.tensor, h.bytes]));
  return {
    nodes: plan.graph.nodes.map((n) => ({ inputs: nodeReads(n), outputs: n.outputs })),
    size: (t) => bytes.get(t) ?? 0,
  };
}

/**
 * The plan's graph with its nodes in a lower-peak order, or `undefined` when the search finds
 * nothing better than the current order (or when the plan has no memory layout).
 *
 * @example
 * ```ts ignore
 * const graph = reorderGraph(buildPlan(exec));
 * if (graph) console.log(buildPlan(graph).memory!.bytes);
 * ```
 *
 * @param plan A plan.
 * @param options An extra wall-clock limit of the search (default none: the search's work budget
 * alone bounds it, so the same plan gives the same order everywhere).
 * @returns The reordered graph.
 */
export function reorderGraph(
  plan: ExecutionPlan,
  options: { timeLimitMs?: number } = {},
): ExecGraph | undefined {
  if (!plan.memory) return undefined;
  // Stateful ops (a variable read before it is assigned) have an order no tensor records.
  if (plan.graph.nodes.some((n) => n.kernel.traits?.stateful)) return undefined;
  const g = plan.graph;
  const { nodes, size } = orderProblem(plan);
  const r = searchOrder(nodes, size, { timeLimitMs: options.timeLimitMs });
  if (r.method === "original") return undefined;
  return { ...g, nodes: r.order.map((k) => g.nodes[k]) };
}
