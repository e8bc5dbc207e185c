/**
 * The partitioner: turns predictions into a whole-network plan. The network is cut into units (a
 * layer, or a branch module found by `branches.ts`); each unit runs on the GPU, on the CPU, split by
 * channels (layers) or distributed by branches (modules). A dynamic program over the units in order
 * picks the modes with the least predicted time, charging every CPU<->GPU synchronisation where the
 * executor pays it (a GPU stage costs one round trip; data crossing to the host costs its bytes).
 * {@linkcode stagesOf} then lowers the decisions to the stages the cooperative executor runs. Pure.
 *
 * @module
 */
import type { ExecGraph } from "../../../core/exec_graph.ts";
import {
  assignBranches,
  type BranchCost,
  type BranchModule,
  findBranchModules,
} from "./branches.ts";
import { type LayerFeatures, layerFeatures, partFeatures } from "./features.ts";
import { predictMs, type Predictor, splitRatios, type SyncCost } from "./predictor.ts";
import { type SplitInfo, splitLayers } from "./split.ts";

/** How one unit runs. */
export type UnitMode =
  | { kind: "gpu" }
  | { kind: "cpu" }
  | { kind: "split"; ratio: number }
  | { kind: "branches"; onGpu: boolean[] };

/** A layer or a branch module, with its predicted costs. */
export interface Unit {
  /** Node positions of the unit (contiguous, in order). */
  nodes: number[];
  /** The branch module, for module units. */
  module?: BranchModule;
  /** Features of a single-layer unit. */
  features?: LayerFeatures;
  /** Predicted GPU milliseconds of the whole unit. */
  gpuMs: number;
  /** Predicted CPU milliseconds of the whole unit. */
  cpuMs: number;
  /** Bytes of the unit's activation input. */
  inBytes: number;
  /** Bytes of the unit's output. */
  outBytes: number;
  /** Predicted costs of each branch, for module units. */
  branches?: BranchCost[];
  /** Predicted CPU milliseconds of the module's join, for module units. */
  joinCpuMs?: number;
}

/** One unit's decision with its predicted time. */
export interface UnitDecision {
  /** The unit. */
  unit: Unit;
  /** The chosen mode. */
  mode: UnitMode;
}

/** A stage of the cooperative executor: GPU and CPU parts run at once, then host nodes. */
export interface Stage {
  /** Node positions run on the GPU (one submission). */
  gpu: number[];
  /** Node positions run on the CPU at the same time. */
  cpu: number[];
  /** Node positions run on the host after both (the joining CONCATENATION). */
  host: number[];
}

/** A whole-network plan. */
export interface Plan {
  /** The graph the stages index (splits applied). */
  graph: ExecGraph;
  /** Stages in order. */
  stages: Stage[];
  /** The decisions per unit. */
  decisions: UnitDecision[];
  /** Predicted milliseconds of the plan (sync included). */
  predictedMs: number;
  /** Predicted milliseconds of the GPU-only plan under the same model. */
  predictedGpuOnlyMs: number;
  /** Where splits went in `graph`. */
  splits: SplitInfo[];
}

function bytes(graph: ExecGraph, t: number): number {
  return graph.tensors[t].shape.reduce((a, b) => a * b, 1) * 4;
}

/**
 * Cuts a graph into units: each branch module from `findBranchModules` is one unit, every other
 * node its own.
 *
 * @example
 * ```ts ignore
 * const units = unitsOf(graph, predictor);
 * ```
 *
 * @param graph The exec graph.
 * @param pred The predictor (fills in the predicted costs).
 * @param options `modules: false` keeps every node a unit of its own; a set keeps only the modules
 *   whose join is in it.
 * @returns Units in order.
 */
export function unitsOf(
  graph: ExecGraph,
  pred: Predictor,
  options: { modules?: boolean | ReadonlySet<number> } = {},
): Unit[] {
  const keep = options.modules ?? true;
  const modules = keep === false
    ? []
    : findBranchModules(graph).filter((m) => keep === true || keep.has(m.join));
  const units: Unit[] = [];
  const features = graph.nodes.map((_, k) => layerFeatures(graph, k));
  const g = (k: number) => predictMs(pred, "gpu", features[k]);
  const c = (k: number) => predictMs(pred, "cpu", features[k]);
  let k = 0;
  while (k < graph.nodes.length) {
    const m = modules.find((x) => x.range[0] === k);
    if (m) {
      const nodes = Array.from({ length: m.range[1] - m.range[0] + 1 }, (_, i) => k + i);
      units.push({
        nodes,
        module: m,
        gpuMs: nodes.reduce((a, n) => a + g(n), 0),
        cpuMs: nodes.reduce((a, n) => a + c(n), 0),
        inBytes: bytes(graph, m.fork),
        outBytes: features[m.join].outputBytes,
        branches: m.branches.map((b, i) => ({
          gpu: b.reduce((a, n) => a + g(n), 0),
          cpu: b.reduce((a, n) => a + c(n), 0),
          outBytes: bytes(graph, graph.nodes[m.join].inputs[i]),
        })),
        joinCpuMs: c(m.join),
      });
      k = m.range[1] + 1;
      continue;
    }
    units.push({
      nodes: [k],
      features: features[k],
      gpuMs: g(k),
      cpuMs: c(k),
      inBytes: features[k].inputBytes,
      outBytes: features[k].outputBytes,
    });
    k++;
  }
  return units;
}

type State = "gpu" | "host";

interface Option {
  mode: UnitMode;
  /** Cost from each entry state. */
  cost: Record<State, number>;
  to: State;
}

/** The modes a unit can take, with their costs from each entry state. */
function optionsOf(u: Unit, pred: Predictor, sync: SyncCost, allowed: Set<string>): Option[] {
  const up = (b: number) => b * sync.msPerByte;
  const opts: Option[] = [{
    mode: { kind: "gpu" },
    cost: { gpu: u.gpuMs, host: u.gpuMs + sync.fixedMs + up(u.inBytes) },
    to: "gpu",
  }];
  if (allowed.has("cpu")) {
    opts.push({
      mode: { kind: "cpu" },
      cost: { gpu: u.cpuMs + up(u.inBytes), host: u.cpuMs },
      to: "host",
    });
  }
  const f = u.features;
  if (f?.split && allowed.has("split")) {
    let best: { ratio: number; ms: number } | undefined;
    for (const p of splitRatios(f)) {
      const gpuSide = predictMs(pred, "gpu", partFeatures(f, p)) + sync.fixedMs +
        up(f.inputBytes + f.outputBytes * p);
      const cpuSide = predictMs(pred, "cpu", partFeatures(f, 1 - p)) + sync.exposedMs;
      const ms = Math.max(gpuSide, cpuSide);
      if (!best || ms < best.ms) best = { ratio: p, ms };
    }
    if (best) {
      opts.push({
        mode: { kind: "split", ratio: best.ratio },
        cost: { gpu: best.ms + up(f.inputBytes), host: best.ms },
        to: "host",
      });
    }
  }
  if (u.branches && allowed.has("branches")) {
    const a = assignBranches(u.branches, { sync, forkBytes: u.inBytes });
    const ms = a.ms + (u.joinCpuMs ?? 0);
    opts.push({
      mode: { kind: "branches", onGpu: a.onGpu },
      cost: { gpu: ms + up(u.inBytes), host: ms },
      to: "host",
    });
  }
  return opts;
}

/**
 * Picks every unit's mode by dynamic programming over (unit, where the data is: GPU or host),
 * starting from the host (inputs) and ending with the outputs on the host.
 *
 * @example
 * ```ts ignore
 * const decisions = chooseModes(graph, units, { predictor, sync });
 * ```
 *
 * @param graph The exec graph the units index.
 * @param units Units in order.
 * @param options Predictor, sync cost, allowed modes (default all), and at most `maxCooperative`
 *   stages with CPU work (default 16: each costs a CPU worker pool); beyond, the segments that gain
 *   least go back to the GPU.
 * @returns One decision per unit and the predicted time.
 */
export function chooseModes(
  graph: ExecGraph,
  units: readonly Unit[],
  options: {
    predictor: Predictor;
    sync: SyncCost;
    allow?: ("cpu" | "split" | "branches")[];
    maxCooperative?: number;
  },
): { decisions: UnitDecision[]; predictedMs: number; gpuOnlyMs: number } {
  const { predictor: pred, sync } = options;
  const allowed = new Set<string>(options.allow ?? ["cpu", "split", "branches"]);
  const opts = units.map((u) => optionsOf(u, pred, sync, allowed));
  const solve = (forced: Set<number>) => {
    // best[i][state]: least cost of units [0, i) ending in state.
    const best: Record<State, { cost: number; prev?: State; opt?: number }>[] = [{
      gpu: { cost: Infinity },
      host: { cost: 0 },
    }];
    units.forEach((_, i) => {
      const next: Record<State, { cost: number; prev?: State; opt?: number }> = {
        gpu: { cost: Infinity },
        host: { cost: Infinity },
      };
      opts[i].forEach((o, oi) => {
        if (forced.has(i) && oi !== 0) return;
        for (const s of ["gpu", "host"] as State[]) {
          const c = best[i][s].cost + o.cost[s];
          if (c < next[o.to].cost) next[o.to] = { cost: c, prev: s, opt: oi };
        }
      });
      best.push(next);
    });
    const n = units.length;
    const outBytes = graph.outputs.reduce((a, t) => a + bytes(graph, t), 0);
    const endGpu = best[n].gpu.cost + outBytes * sync.msPerByte;
    let state: State = endGpu <= best[n].host.cost ? "gpu" : "host";
    const total = Math.min(endGpu, best[n].host.cost);
    const chosen: number[] = new Array(n);
    for (let i = n; i > 0; i--) {
      const cell = best[i][state];
      chosen[i - 1] = cell.opt!;
      state = cell.prev!;
    }
    return { chosen, total };
  };
  const allGpu = solve(new Set(units.map((_, i) => i)));
  // Stages with CPU work: a run of CPU units is one, each split or distributed module another.
  const segments = (chosen: number[]): number[][] => {
    const out: number[][] = [];
    let open = false;
    chosen.forEach((o, i) => {
      const kind = opts[i][o].mode.kind;
      if (kind === "gpu") open = false;
      else if (kind === "cpu" && open) out.at(-1)!.push(i);
      else {
        out.push([i]);
        open = kind === "cpu";
      }
    });
    return out;
  };
  const forced = new Set<number>();
  let r = solve(forced);
  const max = options.maxCooperative ?? 16;
  for (let seg = segments(r.chosen); seg.length > max; seg = segments(r.chosen)) {
    // Send back to the GPU the segment that gains least over running on the GPU.
    const gain = (i: number) => opts[i][0].cost.gpu - opts[i][r.chosen[i]].cost.gpu;
    const worst = seg.reduce((a, b) =>
      b.reduce((x, i) => x + gain(i), 0) < a.reduce((x, i) => x + gain(i), 0) ? b : a
    );
    worst.forEach((i) => forced.add(i));
    r = solve(forced);
  }
  return {
    decisions: units.map((unit, i) => ({ unit, mode: opts[i][r.chosen[i]].mode })),
    predictedMs: r.total,
    gpuOnlyMs: allGpu.total,
  };
}

/**
 * Lowers decisions to stages: splits are applied to the graph (`splitLayers`); consecutive GPU
 * units share one GPU stage (one submission), consecutive CPU units one CPU stage; a split layer or
 * a distributed module is a stage of its own whose GPU and CPU parts run at once, joined on the
 * host.
 *
 * @example
 * ```ts ignore
 * const plan = stagesOf(graph, decisions);
 * console.log(plan.stages.length);
 * ```
 *
 * @param graph The exec graph the decisions index.
 * @param decisions One per unit, in order.
 * @returns The split graph and its stages.
 */
export function stagesOf(
  graph: ExecGraph,
  decisions: readonly UnitDecision[],
): { graph: ExecGraph; stages: Stage[]; splits: SplitInfo[] } {
  const requests = decisions.flatMap((d) =>
    d.mode.kind === "split" ? [{ node: d.unit.nodes[0], ratio: d.mode.ratio }] : []
  );
  const r = splitLayers(graph, requests);
  const splitAt = new Map(r.splits.map((s) => [s.node, s]));
  // New position of every unsplit node.
  const pos: number[] = [];
  let shift = 0;
  graph.nodes.forEach((_, k) => {
    pos[k] = k + shift;
    const s = splitAt.get(k);
    if (s) shift += s.first.length + s.second.length;
  });
  const stages: Stage[] = [];
  let open: "gpu" | "cpu" | undefined;
  const push = (kind: "gpu" | "cpu", nodes: number[]) => {
    if (open === kind) stages.at(-1)![kind].push(...nodes);
    else {stages.push({
        gpu: kind === "gpu" ? nodes : [],
        cpu: kind === "cpu" ? nodes : [],
        host: [],
      });}
    open = kind;
  };
  for (const d of decisions) {
    const nodes = d.unit.nodes.map((k) => pos[k]);
    const m = d.mode;
    if (m.kind === "gpu" || m.kind === "cpu") push(m.kind, nodes);
    else if (m.kind === "split") {
      const s = splitAt.get(d.unit.nodes[0]);
      if (!s) push("gpu", nodes);
      else {
        stages.push({ gpu: s.first, cpu: s.second, host: [s.concat] });
        open = undefined;
      }
    } else {
      const mod = d.unit.module!;
      const gpu = mod.branches.flatMap((b, i) => (m.onGpu[i] ? b.map((k) => pos[k]) : []));
      const cpu = mod.branches.flatMap((b, i) => (m.onGpu[i] ? [] : b.map((k) => pos[k])));
      stages.push({ gpu, cpu, host: [pos[mod.join]] });
      open = undefined;
    }
  }
  return { graph: r.graph, stages, splits: r.splits };
}

/**
 * Plans a network: units, modes by {@linkcode chooseModes}, stages by {@linkcode stagesOf}.
 *
 * @example
 * ```ts
 * import { planNetwork } from "./plan.ts";
 * import { buildExecGraph } from "../../../core/exec_graph.ts";
 * import { kernelFor } from "../../../kernels/registry.ts";
 * import { buildNetwork } from "../../../models/catalog.ts";
 * const g = buildExecGraph(buildNetwork("googlenet_tiny").subgraphs[0], kernelFor);
 * const m = { a: 1e-6, b: 0, c: 0.001, n: 9 };
 * const predictor = { gpu: { all: m }, cpu: { all: { ...m, a: 2e-6 } } };
 * const slow = planNetwork(g, { predictor, sync: { fixedMs: 10, msPerByte: 0, exposedMs: 10 } });
 * const fast = planNetwork(g, { predictor, sync: { fixedMs: 0.01, msPerByte: 0, exposedMs: 0 } });
 * if (slow.stages.length !== 1 || fast.stages.length < 2) throw new Error("wrong");
 * ```
 *
 * @param graph The exec graph.
 * @param options Predictor, sync cost, allowed modes, cap on cooperative units, whether to look
 *   for branch modules.
 * @returns The plan.
 */
export function planNetwork(
  graph: ExecGraph,
  options: {
    predictor: Predictor;
    sync: SyncCost;
    allow?: ("cpu" | "split" | "branches")[];
    maxCooperative?: number;
    modules?: boolean;
  },
): Plan {
  const units = unitsOf(graph, options.predictor, { modules: options.modules });
  const c = chooseModes(graph, units, options);
  const s = stagesOf(graph, c.decisions);
  return {
    graph: s.graph,
    stages: s.stages,
    decisions: c.decisions,
    predictedMs: c.predictedMs,
    predictedGpuOnlyMs: c.gpuOnlyMs,
    splits: s.splits,
  };
}

/**
 * A plan from explicit per-node choices (tests, sweeps): `split` entries by node position, branch
 * assignments by module join position; everything else on the GPU.
 *
 * @example
 * ```ts ignore
 * const plan = planFromChoices(graph, { split: new Map([[0, 0.5]]) });
 * ```
 *
 * @param graph The exec graph.
 * @param choices Splits, CPU nodes and branch assignments.
 * @returns Stages (predictions are 0).
 */
export function planFromChoices(
  graph: ExecGraph,
  choices: {
    split?: Map<number, number>;
    cpu?: Set<number>;
    branches?: Map<number, boolean[]>;
  },
): Plan {
  const zero: Predictor = {
    gpu: { all: { a: 0, b: 0, c: 0, n: 0 } },
    cpu: { all: { a: 0, b: 0, c: 0, n: 0 } },
  };
  const units = unitsOf(graph, zero, { modules: new Set(choices.branches?.keys() ?? []) });
  const decisions: UnitDecision[] = units.map((unit) => {
    const k = unit.nodes[0];
    if (unit.module) {
      return { unit, mode: { kind: "branches", onGpu: choices.branches!.get(unit.module.join)! } };
    }
    const ratio = choices.split?.get(k);
    if (ratio !== undefined) return { unit, mode: { kind: "split", ratio } };
    return { unit, mode: { kind: choices.cpu?.has(k) ? "cpu" : "gpu" } };
  });
  const s = stagesOf(graph, decisions);
  return {
    graph: s.graph,
    stages: s.stages,
    decisions,
    predictedMs: 0,
    predictedGpuOnlyMs: 0,
    splits: s.splits,
  };
}
