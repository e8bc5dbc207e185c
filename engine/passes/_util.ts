/**
 * Helpers shared by the graph passes: cloning, re-binding a rewritten node (graph queries live in
 * `core/topology.ts`).
 *
 * @module
 */
import { bindNode, type ExecGraph, type ExecNode } from "../../core/exec_graph.ts";
import type { NodeOptions } from "../../core/ir.ts";

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
    ...(g.subgraphs ? { subgraphs: g.subgraphs } : {}),
    ...(g.hostFolded ? { hostFolded: [...g.hostFolded] } : {}),
  };
}

/**
 * Re-binds a node after its raw options or inputs changed (`bindNode`: the kernel parses and infers
 * again).
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
  const { node: bound } = bindNode(g.tensors, {
    index: node.index,
    op: node.op,
    kernel: node.kernel,
    inputs: node.inputs,
    outputs: node.outputs,
    options,
    customOptions: node.raw.customOptions,
  });
  node.raw = bound.raw;
  node.options = bound.options;
}
