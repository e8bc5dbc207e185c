/**
 * One variant of a session: the model bound for one set of input shapes (and values of inputs
 * that decide shapes), passed through the graph passes, planned and realised by a backend, with
 * where its creation spent its milliseconds. A session keeps one variant per input set it has met.
 *
 * @module
 */
import type { Model } from "../core/ir.ts";
import type { ExecGraph } from "../core/exec_graph.ts";
import { buildModelGraph } from "../core/model_graph.ts";
import type { HostTensor } from "../core/kernel.ts";
import { checkTensorSizes } from "../core/validate.ts";
import { kernelFor } from "../kernels/registry.ts";
import { applyPasses, dequantizeGraph, type PassReport } from "./passes/mod.ts";
import type { ExecutionPlan } from "./plan/plan.ts";
import { type Backend, BACKENDS, type Executor, type SetupReport } from "./backends/mod.ts";
import type { GpuContext } from "./backends/gpu/device.ts";
import type { SessionOptions } from "./session_types.ts";

/** A graph bound for one input set, after the passes. */
export interface Bound {
  /** The exec graph after passes. */
  graph: ExecGraph;
  /** What the passes did. */
  passes: PassReport[];
  /** Milliseconds binding and the passes took. */
  ms: number;
}

/** A bound graph with its plan and executor. */
export interface Variant {
  /** The exec graph after passes. */
  graph: ExecGraph;
  /** The plan (`undefined` for the cooperative backend, which plans itself). */
  plan: ExecutionPlan | undefined;
  /** The backend's executor. */
  executor: Executor;
  /** What the passes did. */
  passes: PassReport[];
  /** Where creating this variant spent its milliseconds. */
  setup: SetupReport;
}

/**
 * Binds a model's entry subgraph for input shapes and values, checks tensor sizes and runs the
 * passes a backend wants (GPU backends first dequantize 8-bit models, the TFLite GPU delegate's way:
 * weights dequantized once, activations in float, the model's own dtypes at its inputs and outputs).
 *
 * @example
 * ```ts ignore
 * const { graph, passes } = bindForBackend(model, { subgraph: 0, backend: "gpu", shapes: [], values: [], options: {} });
 * ```
 *
 * @param model The model.
 * @param args Entry subgraph, backend, input shapes and values, the session's options.
 * @returns The bound graph and the passes' reports.
 */
export function bindForBackend(model: Model, args: {
  subgraph: number;
  backend: Backend;
  shapes: readonly (number[] | undefined)[];
  values: readonly (HostTensor | undefined)[];
  options: SessionOptions;
}): Bound {
  const { backend, options } = args;
  const t0 = performance.now();
  let graph = buildModelGraph(model, kernelFor, {
    subgraph: args.subgraph,
    inputShapes: args.shapes,
    inputValues: args.values,
  });
  checkTensorSizes(graph, { maxTensorBytes: options.maxTensorBytes });
  let passes: PassReport[] = [];
  if (BACKENDS[backend].gpu) {
    const d = dequantizeGraph(graph);
    graph = d.graph;
    if (d.report.applied > 0) passes.push(d.report);
  }
  if (options.passes !== false) {
    const r = applyPasses(graph, {
      only: Array.isArray(options.passes) ? options.passes : undefined,
      fuseEpilogues: backend !== "reference",
      depthwisePointwise: backend === "gpu" && options.variants?.DEPTHWISE_CONV_2D === "fused",
    });
    graph = r.graph;
    passes = [...passes, ...r.reports];
  }
  return { graph, passes, ms: performance.now() - t0 };
}

/**
 * Plans a bound graph and creates the backend's executor, recording where the time went: `bind`,
 * `device` (when given), `plan`, the executor's own phases, and `other`.
 *
 * @example
 * ```ts ignore
 * const variant = await realiseVariant(bound, { backend: "cpu", options: {} });
 * console.log(variant.setup.phases);
 * ```
 *
 * @param bound The bound graph.
 * @param args Backend, device, the session's options, and the milliseconds acquiring the device took.
 * @returns The variant.
 */
export async function realiseVariant(bound: Bound, args: {
  backend: Backend;
  gpu?: GpuContext;
  options: SessionOptions;
  deviceMs?: number;
}): Promise<Variant> {
  const { options } = args;
  const t0 = performance.now();
  const { plan, executor, planMs } = await BACKENDS[args.backend].create({
    graph: bound.graph,
    gpu: args.gpu,
    plan: {
      precision: options.precision ?? "f32",
      strategy: options.strategy,
      cpuNodes: options.cpuNodes,
      download: options.inspect,
      inPlace: options.inPlace,
      reorder: options.reorder,
      concatInPlace: options.concatInPlace,
      variants: options.variants,
    },
    weightPrecision: options.weightPrecision,
    profile: options.profile,
    timeline: options.timeline,
    threads: options.threads,
    autotune: options.autotune,
  });
  const backendMs = performance.now() - t0;
  const own = executor.setup;
  const ownMs = Object.values(own?.phases ?? {}).reduce((a, b) => a + b, 0);
  const phases: Record<string, number> = { bind: bound.ms };
  if (args.deviceMs !== undefined) phases.device = args.deviceMs;
  if (planMs !== undefined) phases.plan = planMs;
  Object.assign(phases, own?.phases);
  phases.other = Math.max(0, backendMs - (planMs ?? 0) - ownMs);
  const setup: SetupReport = { phases };
  if (own?.pipelines) setup.pipelines = own.pipelines;
  return { graph: bound.graph, plan, executor, passes: bound.passes, setup };
}
