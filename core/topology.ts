/**
 * Structural queries over a graph (the model IR's {@linkcode Graph} or an exec graph): which tensors
 * a node reads (epilogue operands included), which node produces each tensor, which nodes consume
 * it, how many times it is read, and whether the nodes are in an order where every tensor is
 * available before it is read. Every pass, planner and backend asks these here.
 *
 * @module
 */

import { type Graph, numElements } from "./ir.ts";

/** A node as the queries see it: tensor indices, and fused epilogue operands when it has them. */
export interface TopologyNode {
  /** Input tensor indices (`-1` for omitted optional inputs). */
  readonly inputs: readonly number[];
  /** Output tensor indices. */
  readonly outputs: readonly number[];
  /** Fused elementwise steps whose extra operands the node also reads. */
  readonly epilogue?: readonly { readonly extra: readonly { readonly tensor: number }[] }[];
}

/** A graph as the queries see it: tensors (counted), nodes in order, graph outputs. */
export interface TopologyGraph {
  /** Tensors (only their number matters here). */
  readonly tensors: readonly unknown[];
  /** Nodes in execution order. */
  readonly nodes: readonly TopologyNode[];
  /** Graph output tensor indices. */
  readonly outputs: readonly number[];
}

/**
 * The tensors a node reads: its inputs and its epilogue operands, omitted inputs left out.
 *
 * @example
 * ```ts
 * import { nodeReads } from "./topology.ts";
 * const node = { inputs: [0, -1], outputs: [2], epilogue: [{ extra: [{ tensor: 1 }] }] };
 * if (nodeReads(node).join() !== "0,1") throw new Error("wrong");
 * ```
 *
 * @param node The node.
 * @returns Tensor indices, in order (a tensor read twice appears twice).
 */
export function nodeReads(node: Pick<TopologyNode, "inputs" | "epilogue">): number[] {
  const out = node.inputs.filter((t) => t >= 0);
  for (const st of node.epilogue ?? []) for (const e of st.extra) out.push(e.tensor);
  return out;
}

/**
 * How many times each tensor is read: node inputs, epilogue operands and graph outputs.
 *
 * @example
 * ```ts
 * import { useCounts } from "./topology.ts";
 * const g = { tensors: [0, 1], nodes: [{ inputs: [0, 0], outputs: [1] }], outputs: [1] };
 * if (useCounts(g)[0] !== 2 || useCounts(g)[1] !== 1) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns Map from tensor index to use count (tensors never read are absent).
 */
export function useCounts(graph: TopologyGraph): Record<number, number> {
  const uses: Record<number, number> = {};
  const use = (t: number) => {
    if (t >= 0) uses[t] = (uses[t] ?? 0) + 1;
  };
  for (const n of graph.nodes) nodeReads(n).forEach(use);
  graph.outputs.forEach(use);
  return uses;
}

/**
 * The node producing each tensor, as a map (the last producer when several write one tensor).
 *
 * @example
 * ```ts
 * import { producerIndex } from "./topology.ts";
 * const g = { tensors: [0, 1], nodes: [{ inputs: [0], outputs: [1] }], outputs: [1] };
 * if (producerIndex(g).get(1) !== 0 || producerIndex(g).has(0)) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns Map from tensor index to node position.
 */
export function producerIndex(graph: Pick<TopologyGraph, "nodes">): Map<number, number> {
  const m = new Map<number, number>();
  graph.nodes.forEach((n, k) => n.outputs.forEach((t) => m.set(t, k)));
  return m;
}

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
export function producers(graph: Pick<TopologyGraph, "tensors" | "nodes">): number[] {
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
 * @returns For each tensor index, the indices of the nodes reading it (inputs or epilogue operands;
 *   each node once, in order).
 */
export function consumers(graph: Pick<TopologyGraph, "tensors" | "nodes">): number[][] {
  const out: number[][] = graph.tensors.map(() => []);
  graph.nodes.forEach((node, n) => {
    for (const t of nodeReads(node)) {
      if (t >= out.length) continue;
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
