/**
 * Structural queries over a {@linkcode Graph}: which node produces each tensor, which nodes consume it,
 * and whether the nodes are in an order where every tensor is available before it is read.
 *
 * @module
 */

import { type Graph, numElements } from "./ir.ts";

/**
 * The node that produces each tensor.
 *
 * @example
 * ```ts
 * import { producers } from "./topology.ts";
 * const g = {
 *   name: "", inputs: [0], outputs: [1],
 *   tensors: [{ name: "x", dtype: "float32" as const, shape: [1] }, { name: "y", dtype: "float32" as const, shape: [1] }],
 *   nodes: [{ op: "RELU", version: 1, inputs: [0], outputs: [1], options: {} }],
 * };
 * if (producers(g)[1] !== 0 || producers(g)[0] !== -1) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns For each tensor index, the index of the first node that outputs it, or -1.
 */
export function producers(graph: Graph): number[] {
  const out = new Array<number>(graph.tensors.length).fill(-1);
  graph.nodes.forEach((node, n) => {
    for (const t of node.outputs) {
      if (t >= 0 && t < out.length && out[t] === -1) out[t] = n;
    }
  });
  return out;
}

/**
 * The nodes that read each tensor.
 *
 * @example
 * ```ts
 * import { consumers } from "./topology.ts";
 * const g = {
 *   name: "", inputs: [0], outputs: [1],
 *   tensors: [{ name: "x", dtype: "float32" as const, shape: [1] }, { name: "y", dtype: "float32" as const, shape: [1] }],
 *   nodes: [{ op: "ADD", version: 1, inputs: [0, 0], outputs: [1], options: {} }],
 * };
 * if (consumers(g)[0].join() !== "0") throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns For each tensor index, the indices of the nodes reading it (each node once, in order).
 */
export function consumers(graph: Graph): number[][] {
  const out: number[][] = graph.tensors.map(() => []);
  graph.nodes.forEach((node, n) => {
    for (const t of node.inputs) {
      if (t < 0 || t >= out.length) continue;
      const list = out[t];
      if (list[list.length - 1] !== n) list.push(n);
    }
  });
  return out;
}

/** A node that reads a tensor which no earlier node, graph input or constant provides. */
export interface TopologyIssue {
  /** Index of the reading node. */
  node: number;
  /** Index of the tensor it reads. */
  tensor: number;
  /** Index of the node that produces the tensor later, or -1 when none does. */
  producer: number;
}

/**
 * Lists the nodes that read a tensor before it is available: a tensor that is not a graph input, not
 * constant, not a variable, not empty (zero elements), and not produced by an earlier node. Such a
 * tensor is dangling (never produced) or part of a cycle (produced later). Each tensor is reported once,
 * at its first early read.
 *
 * @example
 * ```ts
 * import { topologyIssues } from "./topology.ts";
 * const t = (name: string) => ({ name, dtype: "float32" as const, shape: [1] });
 * const g = {
 *   name: "", inputs: [0], outputs: [2], tensors: [t("x"), t("y"), t("z")],
 *   nodes: [{ op: "ADD", version: 1, inputs: [0, 1], outputs: [2], options: {} }],
 * };
 * const issues = topologyIssues(g);
 * if (issues.length !== 1 || issues[0].tensor !== 1 || issues[0].producer !== -1) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns The issues in execution order (empty when the order is valid).
 */
export function topologyIssues(graph: Graph): TopologyIssue[] {
  const ready = graph.tensors.map((t) =>
    t.data !== undefined || t.isVariable === true ||
    (t.shape.every((d) => d >= 0) && numElements(t.shape) === 0)
  );
  for (const i of graph.inputs) if (i >= 0 && i < ready.length) ready[i] = true;
  const produced = producers(graph);
  const issues: TopologyIssue[] = [];
  for (let n = 0; n < graph.nodes.length; n++) {
    const node = graph.nodes[n];
    for (const t of node.inputs) {
      if (t < 0 || t >= ready.length || ready[t]) continue;
      issues.push({ node: n, tensor: t, producer: produced[t] });
      ready[t] = true;
    }
    for (const t of node.outputs) {
      if (t >= 0 && t < ready.length) ready[t] = true;
    }
  }
  return issues;
}

/**
 * Finds the first node that reads a tensor before it is available (see {@linkcode topologyIssues}).
 *
 * @example
 * ```ts
 * import { topologicalCheck } from "./topology.ts";
 * const t = (name: string) => ({ name, dtype: "float32" as const, shape: [1] });
 * const g = {
 *   name: "", inputs: [0], outputs: [2], tensors: [t("x"), t("y"), t("z")],
 *   nodes: [
 *     { op: "ADD", version: 1, inputs: [0, 1], outputs: [2], options: {} },
 *     { op: "RELU", version: 1, inputs: [0], outputs: [1], options: {} },
 *   ],
 * };
 * const issue = topologicalCheck(g);
 * if (issue?.node !== 0 || issue.tensor !== 1 || issue.producer !== 1) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns The first issue in execution order, or `undefined` when the order is valid.
 */
export function topologicalCheck(graph: Graph): TopologyIssue | undefined {
  return topologyIssues(graph)[0];
}
