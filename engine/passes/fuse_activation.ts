/**
 * Activation fusion: a RELU / RELU6 / RELU_N1_TO_1 / TANH node whose input comes from an op with a
 * `fusedActivationFunction` option set to NONE (and read by nothing else) is folded into that option.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { PassResult } from "./types.ts";
import { cloneGraph, reparse } from "./_util.ts";
import { producerIndex, useCounts } from "../../core/topology.ts";

const FUSABLE: Readonly<Record<string, string>> = {
  RELU: "RELU",
  RELU6: "RELU6",
  RELU_N1_TO_1: "RELU_N1_TO_1",
  TANH: "TANH",
};

/**
 * Folds standalone activations into the producing op's fused activation.
 *
 * @example
 * ```ts ignore
 * const { graph } = fuseActivations(g);
 * ```
 *
 * @param graph The graph.
 * @returns The new graph and a report.
 */
export function fuseActivations(graph: ExecGraph): PassResult {
  const g = cloneGraph(graph);
  const uses = useCounts(g);
  const prod = producerIndex(g);
  const removed = new Set<number>();
  const details: string[] = [];
  g.nodes.forEach((node, k) => {
    const act = FUSABLE[node.op];
    if (!act) return;
    const src = node.inputs[0];
    const p = prod.get(src);
    if (p === undefined || removed.has(p) || uses[src] !== 1 || g.outputs.includes(src)) return;
    const producer = g.nodes[p];
    if (producer.raw.options.fusedActivationFunction !== "NONE" || producer.epilogue.length) return;
    if (producer.quant) return;
    if (producer.outputs.length !== 1) return;
    try {
      const np = { ...producer, inputs: [...producer.inputs] };
      reparse(g, np, { ...producer.raw.options, fusedActivationFunction: act });
      np.outputs = [node.outputs[0]];
      np.fused = [...producer.fused, ...node.fused];
      g.nodes[p] = np;
      removed.add(k);
      details.push(`${node.op}#${node.index}->${producer.op}#${producer.index}`);
    } catch {
      // The producer's kernel refused the activation: leave both nodes.
    }
  });
  g.nodes = g.nodes.filter((_, k) => !removed.has(k));
  return { graph: g, report: { pass: "fuse-activations", applied: removed.size, details } };
}
