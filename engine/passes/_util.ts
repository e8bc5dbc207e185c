/**
 * Helpers shared by the graph passes: use counts, cloning, re-parsing a rewritten node.
 *
 * @module
 */
import type { ExecGraph, ExecNode } from "../../core/exec_graph.ts";
import type { NodeOptions } from "../../core/ir.ts";
import type { OpInput } from "../../core/kernel.ts";

/**
 * How many times each tensor is read (node inputs, epilogue operands, graph outputs).
 *
 * @example
 * ```ts
 * import { useCounts } from "./_util.ts";
 * const g = { tensors: [], nodes: [], inputs: [], outputs: [0] };
 * if (useCounts(g)[0] !== 1) throw new Error("wrong");
 * ```
 *
 * @param g The graph.
 * @returns Map from tensor index to use count.
 */
export function useCounts(g: ExecGraph): Record<number, number> {
  const uses: Record<number, number> = {};
  const use = (t: number) => {
    if (t >= 0) uses[t] = (uses[t] ?? 0) + 1;
  };
  for (const n of g.nodes) {
    n.inputs.forEach(use);
    for (const st of n.epilogue) for (const e of st.extra) use(e.tensor);
  }
  g.outputs.forEach(use);
  return uses;
}

/**
 * Index of the node producing each tensor.
 *
 * @example
 * ```ts
 * import { producerIndex } from "./_util.ts";
 * if (producerIndex({ tensors: [], nodes: [], inputs: [], outputs: [] }).size !== 0) throw new Error("wrong");
 * ```
 *
 * @param g The graph.
 * @returns Map from tensor index to node position.
 */
export function producerIndex(g: ExecGraph): Map<number, number> {
  const m = new Map<number, number>();
  g.nodes.forEach((n, k) => n.outputs.forEach((t) => m.set(t, k)));
  return m;
}

/**
 * A copy of a graph whose arrays can be changed without touching the original.
 *
 * @example
 * ```ts
 * import { cloneGraph } from "./_util.ts";
 * const g = { tensors: [], nodes: [], inputs: [], outputs: [] };
 * if (cloneGraph(g) === g) throw new Error("wrong");
 * ```
 *
 * @param g The graph.
 * @returns The copy (tensors and nodes shallow-copied).
 */
export function cloneGraph(g: ExecGraph): ExecGraph {
  return {
    tensors: g.tensors.map((t) => ({ ...t })),
    nodes: g.nodes.map((n) => ({ ...n, inputs: [...n.inputs], epilogue: [...n.epilogue] })),
    inputs: [...g.inputs],
    outputs: [...g.outputs],
  };
}

/**
 * Re-parses a node after its raw options or inputs changed (the kernel validates again).
 *
 * @example
 * ```ts ignore
 * reparse(g, node, { ...node.raw.options, padding: "SAME" });
 * ```
 *
 * @param g The graph holding the node's tensors.
 * @param node The node (changed in place).
 * @param options New raw options.
 */
export function reparse(g: ExecGraph, node: ExecNode, options: NodeOptions): void {
  const inputs: (OpInput | undefined)[] = node.inputs.map((t) =>
    t < 0 ? undefined : {
      dtype: g.tensors[t].dtype,
      shape: g.tensors[t].shape,
      quantization: g.tensors[t].quantization,
      value: g.tensors[t].value,
    }
  );
  node.raw = { ...node.raw, options };
  node.options = node.kernel.parse({ options, customOptions: node.raw.customOptions, inputs });
}
