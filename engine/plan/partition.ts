/**
 * Partition refinement: every GPU<->CPU hop costs a copy and a synchronisation, so a short run of
 * cheap GPU nodes stranded between CPU nodes is moved to the CPU, making partitions fewer and larger.
 *
 * @module
 */

/** One node as the partitioner sees it. */
export interface PartitionNode {
  /** Op name. */
  op: string;
  /** Where it can run. */
  backend: "gpu" | "cpu";
  /** Number of output elements (its cost on the CPU). */
  elements: number;
  /** Whether the op is one pass over memory (its kernel's `traits.cheap`). */
  cheap: boolean;
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
 *   { op: "CUSTOM_A", backend: "cpu", elements: 10, cheap: false },
 *   { op: "RESHAPE", backend: "gpu", elements: 10, cheap: true },
 *   { op: "CUSTOM_B", backend: "cpu", elements: 10, cheap: false },
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
      run.every((n) => n.cheap && n.elements <= maxElements)
    ) {
      for (let j = k; j < end; j++) moved.add(j);
    }
    k = end;
  }
  return moved;
}
