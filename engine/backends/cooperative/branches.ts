/**
 * µLayer's branch distribution: find parallel branches between a fork tensor and the
 * CONCATENATION that joins them (GoogLeNet's inception modules), and assign whole branches to the
 * GPU or the CPU so that both finish together. Pure functions.
 *
 * @module
 */
import type { ExecGraph } from "../../../core/exec_graph.ts";
import { nodeReads, producerIndex, useCounts } from "../../../core/topology.ts";
import type { SyncCost } from "./predictor.ts";

/** A fork, its branches and the node that joins them. */
export interface BranchModule {
  /** The tensor every branch reads. */
  fork: number;
  /** Position of the joining CONCATENATION. */
  join: number;
  /** Node positions of each branch, in execution order, one list per join input (may be empty). */
  branches: number[][];
  /** First and last node positions of the module (the join included); its nodes are contiguous. */
  range: [number, number];
}

const MAX_BRANCH = 64;

/**
 * Finds modules: a CONCATENATION whose inputs each come from a chain of single-activation-input
 * nodes (intermediates read once) starting at one shared fork tensor, with at least two non-empty
 * branches, and whose nodes are contiguous in execution order.
 *
 * @example
 * ```ts
 * import { findBranchModules } from "./branches.ts";
 * import { buildExecGraph } from "../../../core/exec_graph.ts";
 * import { kernelFor } from "../../../kernels/registry.ts";
 * import { buildNetwork } from "../../../models/catalog.ts";
 * const g = buildExecGraph(buildNetwork("googlenet_tiny").subgraphs[0], kernelFor);
 * const m = findBranchModules(g);
 * if (m.length !== 9 || m[0].branches.map((b) => b.length).join() !== "1,2,2,2") throw new Error("wrong");
 * ```
 *
 * @param graph The exec graph.
 * @returns The modules, in node order.
 */
export function findBranchModules(graph: ExecGraph): BranchModule[] {
  const uses = useCounts(graph);
  const producer = producerIndex(graph);
  const isConst = (t: number) => graph.tensors[t].value !== undefined;
  const modules: BranchModule[] = [];
  graph.nodes.forEach((join, j) => {
    if (join.op !== "CONCATENATION") return;
    const branches: number[][] = [];
    const forks = new Set<number>();
    for (const t of join.inputs) {
      if (t < 0 || isConst(t)) return;
      const nodes: number[] = [];
      let cur = t;
      for (;;) {
        const p = producer.get(cur);
        if (p === undefined || (uses[cur] ?? 0) > 1) break;
        const node = graph.nodes[p];
        const acts = nodeReads(node).filter((x) => !isConst(x));
        if (acts.length !== 1 || nodes.length >= MAX_BRANCH) return;
        nodes.unshift(p);
        cur = acts[0];
      }
      forks.add(cur);
      branches.push(nodes);
    }
    if (forks.size !== 1 || branches.filter((b) => b.length > 0).length < 2) return;
    const all = branches.flat();
    const lo = Math.min(...all);
    if (j - lo + 1 !== all.length + 1) return;
    modules.push({ fork: [...forks][0], join: j, branches, range: [lo, j] });
  });
  return modules;
}

/** Predicted cost of one branch. */
export interface BranchCost {
  /** Milliseconds on the GPU. */
  gpu: number;
  /** Milliseconds on the CPU. */
  cpu: number;
  /** Bytes of the branch's output (read back when it runs on the GPU next to CPU branches). */
  outBytes: number;
}

/** An assignment of branches to processors. */
export interface BranchAssignment {
  /** Per branch: `true` on the GPU. */
  onGpu: boolean[];
  /** Predicted GPU side (compute, round trip, transfers). */
  gpuMs: number;
  /** Predicted CPU side (compute and the part of the round trip it cannot hide). */
  cpuMs: number;
  /** Predicted time of the distributed module: the larger side. */
  ms: number;
}

/**
 * Time of a mixed assignment, fork already on the host: the GPU side uploads the fork, runs its
 * branches and reads their outputs back while the CPU runs the others.
 *
 * @example
 * ```ts
 * import { distributedMs } from "./branches.ts";
 * const sync = { fixedMs: 1, msPerByte: 0, exposedMs: 0 };
 * const a = distributedMs([{ gpu: 2, cpu: 4, outBytes: 0 }, { gpu: 2, cpu: 4, outBytes: 0 }], [true, false], { sync, forkBytes: 0 });
 * if (a.ms !== 4 || a.gpuMs !== 3) throw new Error("wrong");
 * ```
 *
 * @param costs Per-branch costs.
 * @param onGpu Per branch: on the GPU.
 * @param options Sync cost and bytes of the fork tensor.
 * @returns The assignment with its predicted sides.
 */
export function distributedMs(
  costs: readonly BranchCost[],
  onGpu: readonly boolean[],
  options: { sync: SyncCost; forkBytes: number },
): BranchAssignment {
  const { sync } = options;
  let g = 0, c = 0, out = 0;
  costs.forEach((b, i) => {
    if (onGpu[i]) {
      g += b.gpu;
      out += b.outBytes;
    } else c += b.cpu;
  });
  const any = onGpu.some((x) => x);
  const gpuMs = any ? g + sync.fixedMs + (options.forkBytes + out) * sync.msPerByte : 0;
  const cpuMs = onGpu.every((x) => x) ? 0 : c + (any ? sync.exposedMs : 0);
  return { onGpu: [...onGpu], gpuMs, cpuMs, ms: Math.max(gpuMs, cpuMs) };
}

/**
 * The best mixed assignment (at least one branch on each processor) by exhaustive search (up to
 * 2^12 assignments; beyond, largest-first greedy).
 *
 * @example
 * ```ts
 * import { assignBranches } from "./branches.ts";
 * const sync = { fixedMs: 0.1, msPerByte: 0, exposedMs: 0 };
 * const costs = [{ gpu: 1, cpu: 3, outBytes: 0 }, { gpu: 2, cpu: 6, outBytes: 0 }, { gpu: 1, cpu: 3, outBytes: 0 }];
 * const a = assignBranches(costs, { sync, forkBytes: 0 });
 * if (a.onGpu.join() !== "true,true,false") throw new Error("wrong");
 * ```
 *
 * @param costs Per-branch costs (at least two).
 * @param options Sync cost and bytes of the fork tensor.
 * @returns The assignment.
 */
export function assignBranches(
  costs: readonly BranchCost[],
  options: { sync: SyncCost; forkBytes: number },
): BranchAssignment {
  const n = costs.length;
  let best: BranchAssignment | undefined;
  const consider = (onGpu: boolean[]) => {
    if (onGpu.every((x) => x) || onGpu.every((x) => !x)) return;
    const a = distributedMs(costs, onGpu, options);
    if (!best || a.ms < best.ms - 1e-12) best = a;
  };
  if (n <= 12) {
    for (let mask = 1; mask < (1 << n) - 1; mask++) {
      consider(Array.from({ length: n }, (_, i) => (mask & (1 << i)) !== 0));
    }
  } else {
    const order = [...costs.keys()].sort((a, b) => costs[b].gpu - costs[a].gpu);
    const onGpu = new Array<boolean>(n).fill(true);
    for (const i of order.toReversed()) {
      const trial = [...onGpu];
      trial[i] = false;
      if (distributedMs(costs, trial, options).ms <= distributedMs(costs, onGpu, options).ms) {
        onGpu[i] = false;
      }
    }
    consider(onGpu);
  }
  return best ?? distributedMs(costs, costs.map((_, i) => i === 0), options);
}
