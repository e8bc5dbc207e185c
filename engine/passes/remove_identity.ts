/**
 * Removes no-op nodes: RESHAPE / SQUEEZE / EXPAND_DIMS whose output shape equals the input shape,
 * single-input CONCATENATION / PACK without activation, and CAST to the same dtype. Readers of the
 * output are rewired to the input; a node whose output is a graph output is kept.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { PassResult } from "./types.ts";
import { cloneGraph } from "./_util.ts";

function isIdentity(g: ExecGraph, k: number): boolean {
  const n = g.nodes[k];
  const ins = n.inputs.filter((t) => t >= 0);
  if (n.outputs.length !== 1 || ins.length === 0 || n.epilogue.length) return false;
  const x = g.tensors[ins[0]];
  const y = g.tensors[n.outputs[0]];
  const same = x.dtype === y.dtype && x.shape.join() === y.shape.join();
  if (!same) return false;
  if (["RESHAPE", "SQUEEZE", "EXPAND_DIMS", "CAST"].includes(n.op)) return true;
  if (n.op === "CONCATENATION" && ins.length === 1) {
    return (n.raw.options.fusedActivationFunction ?? "NONE") === "NONE";
  }
  return false;
}

/**
 * Removes identity nodes and rewires their readers.
 *
 * @example
 * ```ts ignore
 * const { graph } = removeIdentity(g);
 * ```
 *
 * @param graph The graph.
 * @returns The new graph and a report.
 */
export function removeIdentity(graph: ExecGraph): PassResult {
  const g = cloneGraph(graph);
  const alias = new Map<number, number>();
  const removed = new Set<number>();
  const details: string[] = [];
  const resolve = (t: number): number => alias.get(t) ?? t;
  g.nodes.forEach((n, k) => {
    n.inputs = n.inputs.map((t) => (t < 0 ? t : resolve(t)));
    n.epilogue = n.epilogue.map((st) => ({
      ...st,
      extra: st.extra.map((e) => ({ ...e, tensor: resolve(e.tensor) })),
    }));
    if (isIdentity(g, k) && !g.outputs.includes(n.outputs[0])) {
      alias.set(n.outputs[0], n.inputs.find((t) => t >= 0)!);
      removed.add(k);
      details.push(`${n.op}#${n.index}`);
    }
  });
  g.nodes = g.nodes.filter((_, k) => !removed.has(k));
  return { graph: g, report: { pass: "remove-identity", applied: removed.size, details } };
}
