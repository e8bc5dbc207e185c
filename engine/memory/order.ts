/**
 * Execution-order search: on branching graphs, the order in which independent branches run decides
 * which tensors are alive together. These functions pick a topological order of a DAG that
 * minimises the peak of live intermediate bytes: exactly (dynamic programming over the sets of
 * executed nodes, memoised) when the graph has few enough such sets, else by a beam search; both
 * under a time limit, never worse than the given order.
 *
 * The cost model: while node `v` runs, the live bytes are those of every tensor produced earlier and
 * still to be read by a node not yet run, plus `v`'s outputs. Tensors with no size (graph inputs,
 * constants, outputs that own their memory) cost nothing.
 *
 * @module
 */

/** A node of the DAG: the tensors it reads and writes. */
export interface OrderNode {
  /** Tensor ids read (duplicates and negative ids ignored). */
  inputs: readonly number[];
  /** Tensor ids written. */
  outputs: readonly number[];
}

/** Options of {@linkcode searchOrder}. */
export interface SearchOrderOptions {
  /**
   * Work budget, in array elements touched (each step of either search costs about the node
   * count; default 2 million, tens of milliseconds). The search is deterministic: the same graph
   * gives the same order on any machine and under any load. Half goes to the exact search; the
   * beam gets the rest and narrows itself to finish within it.
   */
  maxWork?: number;
  /** An extra wall-clock limit in milliseconds (default none: results then depend on the machine). */
  timeLimitMs?: number;
  /** Most memoised states of the exact search before it gives way to the beam (default 100000). */
  maxStates?: number;
  /** States kept per step by the beam search (default 32). */
  beamWidth?: number;
}

/** What {@linkcode searchOrder} found. */
export interface OrderResult {
  /** Node indices in execution order. */
  order: number[];
  /** Peak live bytes of that order. */
  peak: number;
  /** Peak live bytes of the given order. */
  originalPeak: number;
  /** `exact` when the dynamic program finished, `beam` otherwise, `original` when nothing beat it. */
  method: "exact" | "beam" | "original";
}

interface Dag {
  n: number;
  size: (t: number) => number;
  /** Successor nodes of each node (through the tensors it writes). */
  succs: number[][];
  /** Number of distinct predecessors of each node. */
  predCount: number[];
  outBytes: number[];
  /** Bytes of outputs nobody reads (freed right after the node). */
  deadBytes: number[];
  /** For each node, the dense ids of the produced tensors it reads. */
  reads: number[][];
  /** Readers of each dense tensor id, and its bytes. */
  readers: Int32Array;
  bytes: Float64Array;
}

function dagOf(nodes: readonly OrderNode[], size: (t: number) => number): Dag {
  const producedBy = new Map<number, number>();
  nodes.forEach((nd, v) => nd.outputs.forEach((t) => producedBy.set(t, v)));
  const dense = new Map<number, number>();
  const reads = nodes.map((nd) => {
    const r: number[] = [];
    for (const t of new Set(nd.inputs)) {
      if (t < 0 || !producedBy.has(t)) continue;
      if (!dense.has(t)) dense.set(t, dense.size);
      r.push(dense.get(t)!);
    }
    return r;
  });
  const readers = new Int32Array(dense.size);
  const bytes = new Float64Array(dense.size);
  for (const [t, d] of dense) bytes[d] = size(t);
  for (const r of reads) for (const d of r) readers[d]++;
  const succs: number[][] = nodes.map(() => []);
  const predCount = nodes.map(() => 0);
  nodes.forEach((nd, v) => {
    const ps = new Set<number>();
    for (const t of nd.inputs) if (t >= 0 && producedBy.has(t)) ps.add(producedBy.get(t)!);
    for (const u of ps) succs[u].push(v);
    predCount[v] = ps.size;
  });
  const outBytes = nodes.map((nd) => nd.outputs.reduce((a, t) => a + size(t), 0));
  const deadBytes = nodes.map((nd) =>
    nd.outputs.reduce((a, t) => a + (dense.has(t) ? 0 : size(t)), 0)
  );
  return { n: nodes.length, size, succs, predCount, outBytes, deadBytes, reads, readers, bytes };
}

/**
 * Peak live bytes of an order (see the module's cost model).
 *
 * @example
 * ```ts
 * import { orderPeak } from "./order.ts";
 * // a -> (b, c) -> d: b and c both read a's output 1.
 * const nodes = [
 *   { inputs: [0], outputs: [1] },
 *   { inputs: [1], outputs: [2] },
 *   { inputs: [1], outputs: [3] },
 *   { inputs: [2, 3], outputs: [4] },
 * ];
 * const size = (t: number) => [0, 10, 5, 5, 0][t];
 * if (orderPeak(nodes, [0, 1, 2, 3], size) !== 20) throw new Error("wrong");
 * ```
 *
 * @param nodes The DAG.
 * @param order A topological order of its node indices.
 * @param size Bytes of a tensor (0 for tensors that own their memory).
 * @returns The peak.
 */
export function orderPeak(
  nodes: readonly OrderNode[],
  order: readonly number[],
  size: (t: number) => number,
): number {
  const dag = dagOf(nodes, size);
  const left = dag.readers.slice();
  let live = 0, peak = 0;
  for (const v of order) {
    live += dag.outBytes[v];
    peak = Math.max(peak, live);
    live -= dag.deadBytes[v];
    for (const d of dag.reads[v]) if (--left[d] === 0) live -= dag.bytes[d];
  }
  return peak;
}

/** Search state: executed set, live bytes, peak so far, the order so far. */
interface State {
  done: Uint32Array;
  predLeft: Int32Array;
  left: Int32Array;
  ready: number[];
  live: number;
  peak: number;
  order: number[];
}

function start(dag: Dag): State {
  return {
    done: new Uint32Array(Math.ceil(dag.n / 32) || 1),
    predLeft: Int32Array.from(dag.predCount),
    left: dag.readers.slice(),
    ready: dag.predCount.flatMap((c, v) => c === 0 ? [v] : []),
    live: 0,
    peak: 0,
    order: [],
  };
}

function step(dag: Dag, s: State, v: number): State {
  const done = s.done.slice();
  done[v >>> 5] |= 1 << (v & 31);
  let live = s.live + dag.outBytes[v];
  const peak = Math.max(s.peak, live);
  live -= dag.deadBytes[v];
  const left = s.left.slice();
  for (const d of dag.reads[v]) if (--left[d] === 0) live -= dag.bytes[d];
  const predLeft = s.predLeft.slice();
  const ready = s.ready.filter((u) => u !== v);
  for (const w of dag.succs[v]) if (--predLeft[w] === 0) ready.push(w);
  return { done, predLeft, left, ready, live, peak, order: [...s.order, v] };
}

function keyOf(s: State): string {
  let k = "";
  for (const w of s.done) k += w.toString(36) + ",";
  return k;
}

function better(a: State, b: State | undefined): boolean {
  return !b || a.peak < b.peak || (a.peak === b.peak && a.live < b.live);
}

/** One search: breadth-first over the number of executed nodes, best state per executed set. */
function search(
  dag: Dag,
  options: { deadline: number; width: number; maxStates: number; maxWork: number },
): State | undefined {
  let layer: State[] = [start(dag)];
  let seen = 1;
  let work = 0;
  for (let depth = 0; depth < dag.n; depth++) {
    const next = new Map<string, State>();
    for (const s of layer) {
      for (const v of s.ready) {
        const t = step(dag, s, v);
        const k = keyOf(t);
        if (better(t, next.get(k))) next.set(k, t);
      }
      work += s.ready.length * (dag.n + 1);
      if (work > options.maxWork || performance.now() > options.deadline) return undefined;
    }
    seen += next.size;
    if (seen > options.maxStates) return undefined;
    layer = [...next.values()];
    if (layer.length > options.width) {
      layer = layer.sort((a, b) => a.peak - b.peak || a.live - b.live).slice(0, options.width);
    }
  }
  return layer.sort((a, b) => a.peak - b.peak)[0];
}

/**
 * The widest beam (up to `wanted`) whose whole search fits the work budget: `n` steps deep, each
 * state expanding its ready nodes (counted at their widest, from the given order) at `n` elements
 * a step.
 */
function beamWidthFor(dag: Dag, wanted: number, work: number): number {
  const pred = dag.predCount.slice();
  let ready = pred.filter((c) => c === 0).length;
  let widest = Math.max(1, ready);
  for (let v = 0; v < dag.n; v++) {
    ready--;
    for (const w of dag.succs[v]) if (--pred[w] === 0) ready++;
    widest = Math.max(widest, ready);
  }
  const perState = dag.n * widest * (dag.n + 1);
  return Math.max(1, Math.min(wanted, Math.floor(work / perState)));
}

/**
 * A topological order of a DAG with the lowest peak of live bytes the search finds in its time:
 * never worse than the given order `0..n-1` (returned as is when nothing beats it).
 *
 * @example Two branches: run the one with the big intermediate first
 * ```ts
 * import { searchOrder } from "./order.ts";
 * // 0 -> 1 (keeps 50 bytes until the join) ; 0 -> 2 (100 bytes) -> 3 (1 byte) ; 1, 3 -> 4.
 * // The file's order holds branch 1's 50 bytes while branch 2 peaks at 100.
 * const nodes = [
 *   { inputs: [0], outputs: [1] },
 *   { inputs: [1], outputs: [2] },
 *   { inputs: [1], outputs: [3] },
 *   { inputs: [3], outputs: [4] },
 *   { inputs: [2, 4], outputs: [5] },
 * ];
 * const size = (t: number) => [0, 1, 50, 100, 1, 0][t];
 * const r = searchOrder(nodes, size);
 * if (r.originalPeak !== 151 || r.peak !== 102 || r.order[1] !== 2) throw new Error("wrong");
 * ```
 *
 * @param nodes The DAG, in a valid topological order.
 * @param size Bytes of a tensor (0 for tensors that own their memory).
 * @param options Time limit, state cap, beam width.
 * @returns The order, its peak and the given order's.
 */
export function searchOrder(
  nodes: readonly OrderNode[],
  size: (t: number) => number,
  options: SearchOrderOptions = {},
): OrderResult {
  const identity = nodes.map((_, i) => i);
  const originalPeak = orderPeak(nodes, identity, size);
  const dag = dagOf(nodes, size);
  const budget = options.timeLimitMs ?? Infinity;
  const work = options.maxWork ?? 2_000_000;
  const t0 = performance.now();
  let method: OrderResult["method"] = "exact";
  let best = search(dag, {
    deadline: t0 + budget / 2,
    width: Infinity,
    maxStates: options.maxStates ?? 100_000,
    maxWork: work / 2,
  });
  if (!best) {
    method = "beam";
    best = search(dag, {
      deadline: t0 + budget,
      width: beamWidthFor(dag, options.beamWidth ?? 32, work / 2),
      maxStates: Infinity,
      maxWork: work,
    });
  }
  if (!best || best.peak >= originalPeak) {
    return { order: identity, peak: originalPeak, originalPeak, method: "original" };
  }
  return { order: best.order, peak: best.peak, originalPeak, method };
}

/**
 * A lower bound on the peak of live bytes that holds for every execution order and every choice of
 * in-place execution: while node `v` runs, its inputs and outputs must all be in memory, in
 * distinct bytes except that an in-place node may write its output over one input. So the peak is
 * at least, for every node, the bytes of its distinct inputs plus its outputs, less (for in-place
 * nodes) the largest overlap of the output with one input.
 *
 * @example
 * ```ts
 * import { anyOrderLowerBound } from "./order.ts";
 * const nodes = [{ inputs: [0], outputs: [1] }, { inputs: [1], outputs: [2] }];
 * const size = (t: number) => [0, 8, 8][t];
 * if (anyOrderLowerBound(nodes, size) !== 16) throw new Error("wrong");
 * if (anyOrderLowerBound(nodes, size, () => true) !== 8) throw new Error("wrong");
 * ```
 *
 * @param nodes The DAG.
 * @param size Bytes of a tensor (0 for tensors that own their memory).
 * @param inPlace Whether node `v` may run in place (default: none).
 * @returns Bytes.
 */
export function anyOrderLowerBound(
  nodes: readonly OrderNode[],
  size: (t: number) => number,
  inPlace: (v: number) => boolean = () => false,
): number {
  let bound = 0;
  nodes.forEach((nd, v) => {
    const ins = [...new Set(nd.inputs.filter((t) => t >= 0))].map(size);
    const outs = nd.outputs.map(size);
    let need = ins.reduce((a, b) => a + b, 0) + outs.reduce((a, b) => a + b, 0);
    if (inPlace(v) && outs.length === 1) {
      need -= Math.max(0, ...ins.map((b) => Math.min(b, outs[0])));
    }
    bound = Math.max(bound, need);
  });
  return bound;
}
