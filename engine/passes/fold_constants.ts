/**
 * Constant folding: a node whose inputs are all constants (e.g. DEQUANTIZE of float16 weights) is
 * evaluated once at load on the reference kernel; its outputs become constants.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import { runNodeOnHost } from "../../kernels/run_node.ts";
import type { PassResult } from "./types.ts";
import { cloneGraph } from "./_util.ts";

/**
 * Folds every node whose inputs are all constants into constant outputs.
 *
 * @example
 * ```ts ignore
 * const { graph, report } = foldConstants(g);
 * console.log(report.applied);
 * ```
 *
 * @param graph The graph.
 * @returns The new graph and what was folded.
 */
export function foldConstants(graph: ExecGraph): PassResult {
  const g = cloneGraph(graph);
  const keep = [];
  const folded: string[] = [];
  for (const node of g.nodes) {
    const ins = node.inputs.filter((t) => t >= 0);
    const allConst = ins.length > 0 && ins.every((t) => g.tensors[t].value !== undefined) &&
      node.epilogue.length === 0;
    if (!allConst) {
      keep.push(node);
      continue;
    }
    const outs = runNodeOnHost(g, node, (t) => g.tensors[t].value!);
    node.outputs.forEach((t, k) => {
      g.tensors[t] = { ...g.tensors[t], value: outs[k] };
    });
    folded.push(`${node.op}#${node.index}`);
  }
  g.nodes = keep;
  return {
    graph: g,
    report: { pass: "fold-constants", applied: folded.length, details: folded.slice(0, 20) },
  };
}
