/**
 * The cooperative backend as a session creates it: the µLayer runtime end to end. The graph is
 * profiled on both processors (seeded inputs, per-node GPU timestamps and CPU wall times), the
 * latency predictor is fitted to those samples, one CPU<->GPU synchronisation is measured, the
 * partitioner picks each layer's mode (GPU, CPU, output-channel split, branch distribution) and the
 * executor runs the resulting stages.
 *
 * @module
 */
import type { ExecGraph } from "../../../core/exec_graph.ts";
import type { HostTensor, Precision, TensorData } from "../../../core/kernel.ts";
import { numElements } from "../../../core/ir.ts";
import { seededRandom } from "../../../core/random.ts";
import type { NodePlacement } from "../../plan/placement.ts";
import type { GpuContext } from "../gpu/device.ts";
import { CooperativeExecutor, measureSync, profileNetwork } from "./cooperative.ts";
import { type Plan, planNetwork } from "./plan.ts";
import { fitPredictor } from "./predictor.ts";

/** Options of {@linkcode createCooperative}. */
export interface CreateCooperativeOptions {
  /** CPU threads, the calling thread included (default all cores). */
  threads?: number;
  /** GPU storage precision (default `f32`). */
  precision?: Precision;
  /** Profiling repetitions per processor (default 3). */
  reps?: number;
}

const ARRAYS: Record<string, (n: number) => TensorData> = {
  float32: (n) => new Float32Array(n),
  int32: (n) => new Int32Array(n),
  uint8: (n) => new Uint8Array(n),
  int8: (n) => new Int8Array(n),
};

function seededInputs(graph: ExecGraph): HostTensor[] {
  const r = seededRandom(1);
  return graph.inputs.map((t) => {
    const spec = graph.tensors[t];
    const data = (ARRAYS[spec.dtype] ?? ARRAYS.float32)(numElements(spec.shape));
    for (let i = 0; i < data.length; i++) {
      (data as Float32Array)[i] = spec.dtype === "float32" ? r() * 2 - 1 : Math.floor(r() * 8);
    }
    return { dtype: spec.dtype, shape: [...spec.shape], data };
  });
}

/**
 * Where each node of the graph the cooperative plan runs goes: GPU, CPU, or split (both).
 *
 * @example
 * ```ts
 * import { cooperativePlacement } from "./create.ts";
 * const p = cooperativePlacement({
 *   graph: { nodes: [{ op: "CONV_2D" }, { op: "CONCATENATION" }] },
 *   stages: [{ gpu: [0], cpu: [], host: [1] }],
 * });
 * if (p[0].backend !== "gpu" || p[1].backend !== "cpu") throw new Error("wrong");
 * ```
 *
 * @param plan The plan's graph and stages.
 * @returns One placement per node of the plan's graph.
 */
export function cooperativePlacement(
  plan: { graph: { nodes: readonly { op: string }[] }; stages: Plan["stages"] },
): NodePlacement[] {
  const where = new Map<number, { backend: "gpu" | "cpu"; reason?: string }>();
  for (const s of plan.stages) {
    const both = s.gpu.length > 0 && s.cpu.length > 0;
    const why = both ? "runs on the CPU beside the GPU part of its stage" : undefined;
    for (const k of s.gpu) where.set(k, { backend: "gpu" });
    for (const k of s.cpu) {
      where.set(k, { backend: "cpu", reason: why ?? "the predictor chose the CPU" });
    }
    for (const k of s.host) where.set(k, { backend: "cpu", reason: "joins the stage's parts" });
  }
  return plan.graph.nodes.map((n, k) => ({
    node: k,
    op: n.op,
    backend: where.get(k)?.backend ?? "gpu",
    reason: where.get(k)?.reason,
    dispatches: 0,
  }));
}

/**
 * Profiles, predicts, partitions and builds the cooperative executor of a graph.
 *
 * @example
 * ```ts ignore
 * const { executor, plan } = await createCooperative(gpu, graph, { threads: 2 });
 * const [y] = await executor.run([x]);
 * ```
 *
 * @param ctx The GPU device.
 * @param graph The exec graph (after passes).
 * @param options Threads, precision, profiling repetitions.
 * @returns The executor, the µLayer plan and each node's placement.
 */
export async function createCooperative(
  ctx: GpuContext,
  graph: ExecGraph,
  options: CreateCooperativeOptions = {},
): Promise<{ executor: CooperativeExecutor; plan: Plan; placement: NodePlacement[] }> {
  const prof = await profileNetwork(ctx, graph, seededInputs(graph), {
    threads: options.threads,
    reps: options.reps ?? 3,
    precision: options.precision,
  });
  const predictor = fitPredictor(prof.training);
  const sync = await measureSync(ctx, { reps: 5 });
  const plan = planNetwork(graph, { predictor, sync });
  const executor = await CooperativeExecutor.create(ctx, plan, {
    threads: options.threads,
    precision: options.precision,
  });
  return { executor, plan, placement: cooperativePlacement(plan) };
}
