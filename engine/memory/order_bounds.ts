/**
 * A lower bound on the peak of live bytes that holds for every execution order of a DAG, with
 * in-place execution and with tensors placed inside others (concatenation inputs inside the
 * concatenation's output). Pure.
 *
 * @module
 */
import type { OrderNode } from "./order.ts";

/** Options of {@linkcode liveAcrossLowerBound}. */
export interface LiveAcrossOptions {
  /** Bytes of a tensor (0 for tensors that own their memory). */
  size: (t: number) => number;
  /** Whether node `v` may write its output over one input that dies there (default: none). */
  inPlace?: (v: number) => boolean;
  /**
   * Tensors that may lie inside another tensor's memory, by tensor: the tensor holding it (an input
   * of a concatenation in place, held by the concatenation's output).
   */
  holders?: ReadonlyMap<number, number>;
}

/** Bit sets of node indices, one per node. */
function closure(n: number, edges: readonly (readonly number[])[], order: readonly number[]) {
  const words = Math.ceil(n / 32) || 1;
  const sets = Array.from({ length: n }, () => new Uint32Array(words));
  for (const v of order) {
    for (const u of edges[v]) {
      const s = sets[v], t = sets[u];
      for (let w = 0; w < words; w++) s[w] |= t[w];
      s[u >>> 5] |= 1 << (u & 31);
    }
  }
  return sets;
}

const has = (set: Uint32Array, v: number) => (set[v >>> 5] & (1 << (v & 31))) !== 0;

/**
 * Lower bound on the peak of live bytes over every execution order, every in-place choice and
 * every choice of which held tensors sit inside their holders. While node `v` runs, memory holds
 * its operands (distinct inputs and outputs; an in-place node may write its output over one input)
 * and every tensor that is alive across `v` in any order: produced by an ancestor of `v` and read
 * by a descendant of `v` (every topological order runs the one before `v` and the other after). No
 * two of those share bytes through in-place execution (an overwritten input has died). A tensor
 * whose holder is counted at `v` and already produced (by `v` or an ancestor) is left out: it may
 * lie inside the holder's bytes. The bound is the largest such total over the nodes; it is at
 * least the operand-only bound of `anyOrderLowerBound`.
 *
 * @example A residual kept across a branch that cannot be reordered away
 * ```ts
 * import { liveAcrossLowerBound } from "./order_bounds.ts";
 * import { anyOrderLowerBound } from "./order.ts";
 * // 0 -> 1 -> 2 -> 3, and 0 also feeds 3 (a skip connection): tensor 1 lives across nodes 1, 2.
 * const nodes = [
 *   { inputs: [0], outputs: [1] },
 *   { inputs: [1], outputs: [2] },
 *   { inputs: [2], outputs: [3] },
 *   { inputs: [1, 3], outputs: [4] },
 * ];
 * const size = (t: number) => [0, 10, 20, 20, 0][t];
 * if (anyOrderLowerBound(nodes, size) !== 40) throw new Error("wrong");
 * if (liveAcrossLowerBound(nodes, { size }) !== 50) throw new Error("wrong");
 * ```
 *
 * @param nodes The DAG, in a valid topological order.
 * @param options Tensor sizes, in-place nodes, held tensors.
 * @returns Bytes.
 */
export function liveAcrossLowerBound(
  nodes: readonly OrderNode[],
  options: LiveAcrossOptions,
): number {
  const { size } = options;
  const inPlace = options.inPlace ?? (() => false);
  const holders = options.holders ?? new Map<number, number>();
  const n = nodes.length;
  const producer = new Map<number, number>();
  nodes.forEach((nd, v) => nd.outputs.forEach((t) => producer.set(t, v)));
  const readers = new Map<number, number[]>();
  const preds: number[][] = nodes.map(() => []);
  const succs: number[][] = nodes.map(() => []);
  nodes.forEach((nd, v) => {
    for (const t of new Set(nd.inputs)) {
      if (t < 0) continue;
      if (!readers.has(t)) readers.set(t, []);
      readers.get(t)!.push(v);
      const p = producer.get(t);
      if (p !== undefined && p !== v) {
        preds[v].push(p);
        succs[p].push(v);
      }
    }
  });
  const forward = nodes.map((_, v) => v);
  const ancestors = closure(n, preds, forward);
  const descendants = closure(n, succs, forward.slice().reverse());
  // Produced tensors with bytes that someone reads: the only ones that can live across a node.
  const carried = [...producer].filter(([t]) => size(t) > 0 && readers.has(t));
  let bound = 0;
  nodes.forEach((nd, v) => {
    const ins = new Set(nd.inputs.filter((t) => t >= 0 && size(t) > 0));
    const outs = nd.outputs.filter((t) => size(t) > 0);
    const counted = new Set([...ins, ...outs]);
    for (const [t, p] of carried) {
      if (counted.has(t) || !has(ancestors[v], p)) continue;
      if (readers.get(t)!.some((r) => has(descendants[v], r))) counted.add(t);
    }
    // Held tensors inside a holder already produced and counted (directly or through its holder).
    const produced = (t: number) => {
      const p = producer.get(t);
      return p !== undefined && (p === v || has(ancestors[v], p));
    };
    const covered = (t: number): boolean => {
      const h = holders.get(t);
      return h !== undefined && produced(h) && (counted.has(h) || covered(h));
    };
    const kept = [...counted].filter((t) => !covered(t));
    let need = kept.reduce((a, t) => a + size(t), 0);
    if (inPlace(v) && outs.length === 1 && kept.includes(outs[0])) {
      const overlap = [...ins].filter((t) => kept.includes(t)).map((t) =>
        Math.min(size(t), size(outs[0]))
      );
      need -= Math.max(0, ...overlap);
    }
    bound = Math.max(bound, need);
  });
  return bound;
}
