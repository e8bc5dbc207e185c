/**
 * Reordering a plan's graph: the node order that lowers the peak of live intermediate bytes
 * (`searchOrder` in `engine/memory/order.ts`), with tensor sizes taken from the plan's memory
 * layout. Pure.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import { searchOrder } from "../memory/order.ts";
import type { ExecutionPlan } from "./plan.ts";

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
 * @param options Time limit of the search (default 50 ms).
 * @returns The reordered graph.
 */
export function reorderGraph(
  plan: ExecutionPlan,
  options: { timeLimitMs?: number } = {},
): ExecGraph | undefined {
  const m = plan.memory;
  if (!m) return undefined;
  // Stateful ops (a variable read before it is assigned) have an order no tensor records.
  if (plan.graph.nodes.some((n) => n.kernel.traits?.stateful)) return undefined;
  const bytes = new Map(m.homes.map((h) => [h.tensor, h.bytes]));
  const g = plan.graph;
  const nodes = g.nodes.map((n) => ({
    inputs: [...n.inputs, ...n.epilogue.flatMap((s) => s.extra.map((e) => e.tensor))],
    outputs: n.outputs,
  }));
  const r = searchOrder(nodes, (t) => bytes.get(t) ?? 0, { timeLimitMs: options.timeLimitMs });
  if (r.method === "original") return undefined;
  return { ...g, nodes: r.order.map((k) => g.nodes[k]) };
}
