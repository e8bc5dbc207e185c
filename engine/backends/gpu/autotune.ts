/**
 * Measured kernel choices. For every node whose kernel offers candidates (`gpu.tune`: CONV_2D's
 * tiles), each candidate is planned for the node alone, run on the device and timed with timestamp
 * queries; the fastest is kept under the node's tune key (op, shapes, parameters, precision), per
 * adapter, in memory for the process and, when asked, in a JSON file. Plans then read the choices
 * through `BuildPlanOptions.tuned`; nodes without one keep their kernel's heuristic.
 *
 * @module
 */
import type { ExecGraph, ExecNode, ExecTensor } from "../../../core/exec_graph.ts";
import type { HostTensor, Precision } from "../../../core/kernel.ts";
import { nodePlanArgs } from "../../plan/placement.ts";
import { allocTensor } from "../../../kernels/_shared/tensor.ts";
import type { GpuContext } from "./device.ts";
import { GpuExecutor } from "./executor.ts";
import { limitsOf } from "./pipelines.ts";

/** Options of {@linkcode autotune}. */
export interface AutotuneOptions {
  /** Storage precision of the run (default `f32`). */
  precision?: Precision;
  /** Kernel variants by op name, as the session asks for them. */
  variants?: Readonly<Record<string, string>>;
  /**
   * A JSON file of choices by adapter and tune key: read first (missing or unreadable: empty),
   * written back with the new choices (failures to write are ignored).
   */
  cacheFile?: string;
  /** Timed runs per candidate, the fastest kept (default 3). */
  runs?: number;
}

/** What {@linkcode autotune} found. */
export interface AutotuneReport {
  /** The choice per tune key, for `BuildPlanOptions.tuned`. */
  tuned: Record<string, unknown>;
  /** Keys timed in this call. */
  timed: number;
  /** Keys found in the memory or file cache. */
  cached: number;
  /** Candidates run. */
  candidates: number;
  /** Why nothing was timed, when nothing could be (no timestamp queries). */
  skipped?: string;
  /** Wall milliseconds of the call. */
  ms: number;
}

/** Choices by adapter name, then tune key: what this process has measured or read. */
const MEMORY = new Map<string, Map<string, unknown>>();

/** The node alone in a graph: its inputs (constants keep their values), its outputs, no epilogue. */
function nodeAlone(graph: ExecGraph, node: ExecNode): ExecGraph {
  const tensors: ExecTensor[] = [];
  const inputs: number[] = [];
  const map = (t: number, isInput: boolean): number => {
    if (t < 0) return -1;
    const src = graph.tensors[t];
    tensors.push({ ...src });
    if (isInput && src.value === undefined) inputs.push(tensors.length - 1);
    return tensors.length - 1;
  };
  const nodeInputs = node.inputs.map((t) => map(t, true));
  const outputs = node.outputs.map((t) => map(t, false));
  return {
    tensors,
    inputs,
    outputs,
    nodes: [{ ...node, index: 0, inputs: nodeInputs, outputs, epilogue: [], fused: [] }],
  };
}

function readCache(file: string | undefined, adapter: string): Record<string, unknown> {
  if (!file) return {};
  try {
    const all = JSON.parse(Deno.readTextFileSync(file));
    const mine = all?.[adapter];
    return typeof mine === "object" && mine !== null ? mine : {};
  } catch {
    return {};
  }
}

function writeCache(file: string, adapter: string, choices: Map<string, unknown>): void {
  try {
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(Deno.readTextFileSync(file));
    } catch {
      // A missing or unreadable file starts empty.
    }
    all[adapter] = Object.fromEntries(choices);
    Deno.writeTextFileSync(file, JSON.stringify(all, null, 1));
  } catch {
    // No write permission or no file system: the choices stay in memory.
  }
}

async function timeCandidate(
  ctx: GpuContext,
  graph: ExecGraph,
  args: { precision: Precision; tuned: Record<string, unknown>; runs: number },
): Promise<number> {
  const exec = await GpuExecutor.fromGraph(ctx, graph, {
    precision: args.precision,
    tuned: args.tuned,
    profile: true,
  });
  try {
    const inputs: HostTensor[] = graph.inputs.map((t) =>
      allocTensor(graph.tensors[t].dtype, graph.tensors[t].shape)
    );
    await exec.run(inputs);
    let best = Infinity;
    for (let r = 0; r < args.runs; r++) {
      await exec.run(inputs);
      const ms = (exec.timings ?? []).reduce((a, t) => a + t.ms, 0);
      if (ms > 0) best = Math.min(best, ms);
    }
    return best;
  } finally {
    exec.dispose();
  }
}

/**
 * Times the candidates of every tunable node of a graph on a device and returns the fastest per
 * tune key, reusing choices this process or the cache file already holds for the adapter. Nodes
 * that share a key are timed once. Without `timestamp-query` nothing is timed (the report says so).
 *
 * @example
 * ```ts ignore
 * import { autotune } from "./autotune.ts";
 * const { tuned } = await autotune(gpu, graph, { precision: "f32", cacheFile: "tiles.json" });
 * const exec = await GpuExecutor.fromGraph(gpu, graph, { tuned });
 * ```
 *
 * @param ctx The device.
 * @param graph The exec graph (after passes).
 * @param options Precision, variants, cache file, runs per candidate.
 * @returns The choices and what it took.
 */
export async function autotune(
  ctx: GpuContext,
  graph: ExecGraph,
  options: AutotuneOptions = {},
): Promise<AutotuneReport> {
  const t0 = performance.now();
  const precision = options.precision ?? "f32";
  const runs = Math.max(1, options.runs ?? 3);
  const limits = limitsOf(ctx.device);
  let memory = MEMORY.get(ctx.adapterName);
  if (!memory) {
    memory = new Map(Object.entries(readCache(options.cacheFile, ctx.adapterName)));
    MEMORY.set(ctx.adapterName, memory);
  }
  const report: AutotuneReport = { tuned: {}, timed: 0, cached: 0, candidates: 0, ms: 0 };
  const canTime = ctx.features.includes("timestamp-query");
  if (!canTime) report.skipped = "the adapter has no timestamp-query";
  let added = false;
  for (const node of graph.nodes) {
    const tune = node.kernel.gpu?.tune;
    if (!tune || node.quant) continue;
    const args = nodePlanArgs(graph, node, { precision, limits, variants: options.variants });
    if (node.kernel.gpu?.unsupported?.(args)) continue;
    const space = tune(args);
    if (!space || space.key in report.tuned) continue;
    if (memory.has(space.key)) {
      report.tuned[space.key] = memory.get(space.key);
      report.cached++;
      continue;
    }
    if (!canTime || space.candidates.length < 2) continue;
    const alone = nodeAlone(graph, node);
    let best: { ms: number; choice: unknown } | undefined;
    for (const choice of space.candidates) {
      report.candidates++;
      let ms: number;
      try {
        ms = await timeCandidate(ctx, alone, {
          precision,
          tuned: { [space.key]: choice },
          runs,
        });
      } catch {
        continue; // A candidate the device refuses (a pipeline over its limits) is skipped.
      }
      if (!best || ms < best.ms) best = { ms, choice };
    }
    if (!best || !Number.isFinite(best.ms)) continue;
    report.tuned[space.key] = best.choice;
    memory.set(space.key, best.choice);
    report.timed++;
    added = true;
  }
  if (added && options.cacheFile) writeCache(options.cacheFile, ctx.adapterName, memory);
  report.ms = performance.now() - t0;
  return report;
}
