/**
 * Partition refinement: every GPU<->CPU hop costs a copy and a synchronisation, so a short run of
 * cheap GPU nodes stranded between CPU nodes is moved to the CPU, making partitions fewer and larger.
 *
 * @module
 */

/** Ops whose cost is a pass over memory (cheap to run on the CPU reference). */
export const CHEAP_OPS: ReadonlySet<string> = new Set([
  "ADD",
  "SUB",
  "MUL",
  "DIV",
  "MAXIMUM",
  "MINIMUM",
  "RELU",
  "RELU6",
  "LOGISTIC",
  "TANH",
  "RESHAPE",
  "SQUEEZE",
  "EXPAND_DIMS",
  "CONCATENATION",
  "PAD",
  "TRANSPOSE",
  "SLICE",
  "STRIDED_SLICE",
  "GATHER",
  "CAST",
  "DEQUANTIZE",
  "QUANTIZE",
  "PACK",
  "UNPACK",
  "SPLIT",
]);

/** One node as the partitioner sees it. */
export interface PartitionNode {
  /** Op name. */
  op: string;
  /** Where it can run. */
  backend: "gpu" | "cpu";
  /** Number of output elements (its cost on the CPU). */
  elements: number;
}

/**
 * Nodes to move from the GPU to the CPU: maximal GPU runs of at most `maxRun` cheap nodes with at
 * most `maxElements` output elements each, that have a CPU node (or the graph's edge) on both sides
 * and at least one CPU neighbour.
 *
 * @example
 * ```ts
 * import { refinePartition } from "./partition.ts";
 * const moved = refinePartition([
 *   { op: "CUSTOM_A", backend: "cpu", elements: 10 },
 *   { op: "RESHAPE", backend: "gpu", elements: 10 },
 *   { op: "CUSTOM_B", backend: "cpu", elements: 10 },
 * ]);
 * if (!moved.has(1)) throw new Error("wrong");
 * ```
 *
 * @param nodes Nodes in execution order.
 * @param options Thresholds.
 * @returns Positions of nodes to run on the CPU instead.
 */
export function refinePartition(
  nodes: readonly PartitionNode[],
  options: { maxRun?: number; maxElements?: number } = {},
): Set<number> {
  const maxRun = options.maxRun ?? 3;
  const maxElements = options.maxElements ?? 1 << 16;
  const moved = new Set<number>();
  let k = 0;
  while (k < nodes.length) {
    if (nodes[k].backend !== "gpu") {
      k++;
      continue;
    }
    let end = k;
    while (end < nodes.length && nodes[end].backend === "gpu") end++;
    const run = nodes.slice(k, end);
    const before = k === 0 ? "edge" : nodes[k - 1].backend;
    const after = end === nodes.length ? "edge" : nodes[end].backend;
    const stranded = (before === "cpu" || after === "cpu") && before !== "gpu" && after !== "gpu";
    if (
      stranded && run.length <= maxRun &&
      run.every((n) => CHEAP_OPS.has(n.op) && n.elements <= maxElements)
    ) {
      for (let j = k; j < end; j++) moved.add(j);
    }
    k = end;
  }
  return moved;
}
