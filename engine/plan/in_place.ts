/**
 * In-place execution decided from a plan's lifetimes: an elementwise node (`traits.inPlace`) whose
 * input dies at that node may write its output over it when both have the same bytes and storage.
 * The two tensors then share one usage record (one slot of memory) from the input's first use to
 * the output's last. Pure.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { UsageRecord } from "../memory/mod.ts";

/** Records after in-place merging. */
export interface InPlaceResult {
  /** One record per slot. */
  records: UsageRecord[];
  /** The first tensor of each slot, aligned with `records`. */
  tensors: number[];
  /** Every tensor's slot index (the tensors of `tensors` and the outputs written over them). */
  slotOf: Map<number, number>;
  /** `[output, input]` pairs that share memory, in node order. */
  pairs: [number, number][];
}

/**
 * Merges the records of outputs written over dying inputs.
 *
 * @example
 * ```ts
 * import { mergeInPlace } from "./in_place.ts";
 * import type { ExecGraph } from "../../core/exec_graph.ts";
 * const relu = { op: "RELU", kernel: { traits: { inPlace: true } }, epilogue: [] };
 * const tensors = [0, 1, 2, 3].map(() => ({ shape: [1, 2, 2, 4] }));
 * const graph = {
 *   tensors,
 *   nodes: [
 *     { ...relu, inputs: [0], outputs: [1] },
 *     { ...relu, inputs: [1], outputs: [2] },
 *     { ...relu, inputs: [2], outputs: [3] },
 *   ],
 * } as unknown as ExecGraph;
 * const r = mergeInPlace(graph, {
 *   records: [{ size: 64, firstOp: 0, lastOp: 1 }, { size: 64, firstOp: 1, lastOp: 2 }],
 *   tensors: [1, 2],
 *   storage: () => "f32",
 * });
 * if (r.records.length !== 1 || r.records[0].lastOp !== 2) throw new Error("wrong");
 * ```
 *
 * @param graph The exec graph in execution order.
 * @param args Records and their tensors (one per intermediate), each tensor's storage, and which
 * nodes may run in place (default: every node).
 * @returns Merged records.
 */
export function mergeInPlace(
  graph: ExecGraph,
  args: {
    records: readonly UsageRecord[];
    tensors: readonly number[];
    storage: (t: number) => string | undefined;
    eligible?: (node: number) => boolean;
  },
): InPlaceResult {
  const index = new Map(args.tensors.map((t, i) => [t, i]));
  const slot = args.tensors.map((_, i) => i); // record -> slot root
  const root = (i: number): number => slot[i] === i ? i : (slot[i] = root(slot[i]));
  const span = args.records.map((r) => ({ ...r }));
  const pairs: [number, number][] = [];
  graph.nodes.forEach((node, k) => {
    if (!node.kernel.traits?.inPlace || !(args.eligible?.(k) ?? true)) return;
    const out = node.outputs[0];
    const o = index.get(out);
    if (o === undefined || node.outputs.length !== 1 || span[o].firstOp !== k) return;
    const extras = new Set(node.epilogue.flatMap((s) => s.extra.map((e) => e.tensor)));
    const inputs = node.inputs.filter((t) => t >= 0);
    for (const t of inputs) {
      const i = index.get(t);
      if (i === undefined || extras.has(t) || inputs.filter((u) => u === t).length > 1) continue;
      const r = root(i);
      if (span[r].lastOp !== k || span[r].size !== span[o].size) continue;
      if (args.storage(t) !== args.storage(out)) continue;
      if (graph.tensors[t].shape.join() !== graph.tensors[out].shape.join()) continue;
      slot[o] = r;
      span[r].lastOp = Math.max(span[r].lastOp, span[o].lastOp);
      pairs.push([out, t]);
      return;
    }
  });
  const roots = args.tensors.map((_, i) => i).filter((i) => root(i) === i);
  const position = new Map(roots.map((r, j) => [r, j]));
  const slotOf = new Map(args.tensors.map((t, i) => [t, position.get(root(i))!]));
  return {
    records: roots.map((r) => span[r]),
    tensors: roots.map((r) => args.tensors[r]),
    slotOf,
    pairs,
  };
}
