/**
 * The cooperative executor: runs a {@linkcode Plan}'s stages with the GPU and the CPU at once. Each
 * stage's GPU part is a small sub-graph on its own {@linkcode GpuExecutor} and its CPU part one on a
 * {@linkcode CpuExecutor}: the GPU part is submitted first, the CPU part computed on the calling
 * thread (and its workers) while the GPU works, then the GPU readback is awaited and the host joins
 * the parts. Also here: the measurements the predictor needs on the device in use (per-node
 * profiles of both processors, and the cost of one CPU<->GPU synchronisation).
 *
 * @module
 */
import type { HostTensor, Precision } from "../../../core/kernel.ts";
import type { GpuContext } from "../gpu/device.ts";
import type { ExecGraph, ExecNode } from "../../../core/exec_graph.ts";
import { nodeReads } from "../../../core/topology.ts";
import { GpuExecutor } from "../gpu/executor.ts";
import { CpuExecutor } from "../cpu/executor.ts";
import { runNodeOnHost } from "../reference/executor.ts";
import { UsageError } from "../../../core/errors.ts";
import { numElements } from "../../../core/ir.ts";
import type { Stage } from "./plan.ts";
import { layerFeatures } from "./features.ts";
import type { SyncCost, TrainingData } from "./predictor.ts";
import { median } from "../../../core/stats.ts";

/** Options of {@linkcode CooperativeExecutor.create}. */
export interface CooperativeOptions {
  /** CPU threads, the calling thread included (default all cores). */
  threads?: number;
  /** GPU storage precision (default `f32`). */
  precision?: Precision;
}

interface Part {
  nodes: number[];
  inputs: number[];
  outputs: number[];
}

interface StageRuntime {
  stage: Stage;
  gpu?: GpuExecutor;
  cpu?: CpuExecutor;
  gpuPart?: Part;
  cpuPart?: Part;
}

/**
 * The sub-graph of some nodes: inputs are the activations they read and do not produce, outputs
 * the tensors they produce that are in `needed`. Tensors are shared with the graph.
 *
 * @example
 * ```ts ignore
 * const sub = subGraph(graph, [3, 4], new Set([graph.nodes[4].outputs[0]]));
 * ```
 *
 * @param graph The exec graph.
 * @param nodes Node positions, in order.
 * @param needed Tensors read after these nodes.
 * @returns The sub-graph.
 */
export function subGraph(
  graph: ExecGraph,
  nodes: readonly number[],
  needed: ReadonlySet<number>,
): ExecGraph {
  const produced = new Set<number>();
  const inputs: number[] = [];
  for (const k of nodes) {
    for (const t of nodeReads(graph.nodes[k])) {
      if (!produced.has(t) && !graph.tensors[t].value && !inputs.includes(t)) inputs.push(t);
    }
    graph.nodes[k].outputs.forEach((t) => produced.add(t));
  }
  const outputs = nodes.flatMap((k) => graph.nodes[k].outputs.filter((t) => needed.has(t)));
  return { tensors: graph.tensors, nodes: nodes.map((k) => graph.nodes[k]), inputs, outputs };
}

/**
 * Joins float32 tensors along the last axis (the CONCATENATION of a split or a module) with
 * row copies; `undefined` when the node is not such a plain join.
 *
 * @example
 * ```ts ignore
 * const y = hostConcat(graph, node, (t) => values.get(t)!);
 * ```
 *
 * @param graph The exec graph.
 * @param node A CONCATENATION node.
 * @param value Host value of a tensor.
 * @returns The joined tensor, or `undefined`.
 */
export function hostConcat(
  graph: ExecGraph,
  node: ExecNode,
  value: (t: number) => HostTensor,
): HostTensor | undefined {
  const y = graph.tensors[node.outputs[0]];
  const o = node.options as { axis?: number; activation?: string };
  if (
    node.op !== "CONCATENATION" || node.epilogue.length > 0 || o.activation !== "NONE" ||
    o.axis !== y.shape.length - 1 || y.dtype !== "float32"
  ) return undefined;
  const parts = node.inputs.map(value);
  if (parts.some((p) => !(p.data instanceof Float32Array))) return undefined;
  const C = y.shape.at(-1)!;
  const rows = numElements(y.shape) / Math.max(C, 1);
  const out = new Float32Array(numElements(y.shape));
  let off = 0;
  for (const p of parts) {
    const c = p.shape.at(-1)!;
    const src = p.data as Float32Array;
    for (let r = 0; r < rows; r++) out.set(src.subarray(r * c, r * c + c), r * C + off);
    off += c;
  }
  return { dtype: "float32", shape: [...y.shape], data: out };
}

/** Runs a plan's stages on the GPU and the CPU at once. */
export class CooperativeExecutor {
  /** The graph the stages index. */
  readonly graph: ExecGraph;
  /** Milliseconds of each stage in the last run. */
  lastStageMs: number[] = [];
  #stages: StageRuntime[];
  #disposed = false;

  private constructor(graph: ExecGraph, stages: StageRuntime[]) {
    this.graph = graph;
    this.#stages = stages;
  }

  /**
   * Builds one GPU and one CPU executor per stage part (sub-graphs of the plan's graph).
   *
   * @example
   * ```ts ignore
   * const plan = planFromChoices(graph, { split: new Map([[0, 0.5]]) });
   * const exec = await CooperativeExecutor.create(gpu, plan, { threads: 2 });
   * const [y] = await exec.run([x]);
   * exec.dispose();
   * ```
   *
   * @param ctx The GPU device.
   * @param plan The graph and its stages.
   * @param options Threads and precision.
   * @returns The executor.
   */
  static async create(
    ctx: GpuContext,
    plan: { graph: ExecGraph; stages: readonly Stage[] },
    options: CooperativeOptions = {},
  ): Promise<CooperativeExecutor> {
    const { graph, stages } = plan;
    // Every tensor a stage (or the caller) reads, to know which part outputs to keep.
    const readAt = stages.map((s) =>
      new Set([...s.gpu, ...s.cpu, ...s.host].flatMap((k) => nodeReads(graph.nodes[k])))
    );
    const seen = new Set<number>();
    for (const s of stages) {
      for (const k of [...s.gpu, ...s.cpu, ...s.host]) {
        if (seen.has(k)) throw new UsageError(`Node ${k} is in two stages`);
        seen.add(k);
      }
    }
    if (seen.size !== graph.nodes.length) {
      throw new UsageError(`The stages cover ${seen.size} of ${graph.nodes.length} nodes`);
    }
    const runtimes: StageRuntime[] = [];
    try {
      for (const [i, stage] of stages.entries()) {
        const needed = new Set<number>(graph.outputs);
        for (let j = i + 1; j < stages.length; j++) readAt[j].forEach((t) => needed.add(t));
        stage.host.forEach((k) => nodeReads(graph.nodes[k]).forEach((t) => needed.add(t)));
        const rt: StageRuntime = { stage };
        runtimes.push(rt);
        const made = (nodes: number[]) => {
          const sub = subGraph(graph, nodes, needed);
          return { sub, part: { nodes, inputs: sub.inputs, outputs: sub.outputs } };
        };
        if (stage.gpu.length > 0 && stage.cpu.length > 0) {
          const gpuOut = new Set(stage.gpu.flatMap((k) => graph.nodes[k].outputs));
          const cross = stage.cpu.flatMap((k) => nodeReads(graph.nodes[k])).find((t) =>
            gpuOut.has(t)
          );
          const cpuOut = new Set(stage.cpu.flatMap((k) => graph.nodes[k].outputs));
          const back = stage.gpu.flatMap((k) => nodeReads(graph.nodes[k])).find((t) =>
            cpuOut.has(t)
          );
          if (cross !== undefined || back !== undefined) {
            throw new UsageError(
              `Stage ${i}: tensor ${cross ?? back} crosses between the GPU and CPU parts`,
            );
          }
        }
        if (stage.gpu.length > 0) {
          const { sub, part } = made(stage.gpu);
          rt.gpuPart = part;
          rt.gpu = await GpuExecutor.fromGraph(ctx, sub, {
            precision: options.precision ?? "f32",
            refinePartition: false,
          });
        }
        if (stage.cpu.length > 0) {
          const { sub, part } = made(stage.cpu);
          rt.cpuPart = part;
          rt.cpu = await CpuExecutor.create(sub, { threads: options.threads });
        }
      }
    } catch (e) {
      for (const r of runtimes) {
        r.gpu?.dispose();
        r.cpu?.dispose();
      }
      throw e;
    }
    return new CooperativeExecutor(graph, runtimes);
  }

  /** Number of stages. */
  get stageCount(): number {
    return this.#stages.length;
  }

  /**
   * Runs the plan once: per stage, submit the GPU part, compute the CPU part meanwhile, await the
   * GPU readback, join on the host.
   *
   * @example
   * ```ts ignore
   * const [y] = await exec.run([x]);
   * ```
   *
   * @param inputs One host tensor per graph input.
   * @returns The graph's outputs.
   */
  async run(inputs: HostTensor[]): Promise<HostTensor[]> {
    if (this.#disposed) throw new UsageError("This executor was disposed; create a new one");
    const g = this.graph;
    if (inputs.length !== g.inputs.length) {
      throw new UsageError(`The graph takes ${g.inputs.length} inputs, got ${inputs.length}`);
    }
    const values = new Map<number, HostTensor>();
    g.inputs.forEach((t, i) => values.set(t, inputs[i]));
    const value = (t: number): HostTensor => {
      const v = values.get(t) ?? g.tensors[t].value;
      if (!v) throw new UsageError(`Tensor ${t} "${g.tensors[t].name}" was never computed`);
      return v;
    };
    const times: number[] = [];
    for (const rt of this.#stages) {
      const t0 = performance.now();
      // The GPU part submits before its first await; the CPU part runs while the GPU works.
      const pending = rt.gpu?.run(rt.gpuPart!.inputs.map(value));
      let cpuOut: HostTensor[] | undefined;
      try {
        cpuOut = rt.cpu?.runSync(rt.cpuPart!.inputs.map(value));
      } catch (e) {
        await pending?.catch(() => undefined);
        throw e;
      }
      const gpuOut = pending ? await pending : undefined;
      gpuOut?.forEach((v, i) => values.set(rt.gpuPart!.outputs[i], v));
      cpuOut?.forEach((v, i) => values.set(rt.cpuPart!.outputs[i], v));
      for (const k of rt.stage.host) {
        const node = g.nodes[k];
        const fast = hostConcat(g, node, value);
        const outs = fast ? [fast] : runNodeOnHost(g, node, value);
        node.outputs.forEach((t, i) => values.set(t, outs[i]));
      }
      times.push(performance.now() - t0);
    }
    this.lastStageMs = times;
    return g.outputs.map(value);
  }

  /**
   * Frees every GPU buffer and stops every CPU worker pool. Idempotent.
   *
   * @example
   * ```ts ignore
   * exec.dispose();
   * ```
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const r of this.#stages) {
      r.gpu?.dispose();
      r.cpu?.dispose();
    }
  }
}

/**
 * Measures one CPU<->GPU synchronisation on a device: the round trip (upload, submit, readback)
 * of 16 bytes (`fixedMs`), the extra time per byte from a larger round trip (`msPerByte`), and how
 * much of the round trip stays exposed when the CPU busy-works for `fixedMs` between the submit
 * and the await (`exposedMs`; 0 when the wait overlaps CPU work completely).
 *
 * @example
 * ```ts ignore
 * const sync = await measureSync(gpu, { reps: 5 });
 * console.log(sync.fixedMs, sync.msPerByte * 1e6, "ms per MB");
 * ```
 *
 * @param ctx The GPU device.
 * @param options Repetitions (default 7) and bytes of the large round trip (default 4 MiB).
 * @returns The sync cost.
 */
export async function measureSync(
  ctx: GpuContext,
  options: { reps?: number; bytes?: number } = {},
): Promise<SyncCost> {
  const reps = options.reps ?? 7;
  const big = Math.max(1024, Math.ceil((options.bytes ?? 4 << 20) / 16) * 16);
  const device = ctx.device;
  const buf = device.createBuffer({
    size: big,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
  });
  const staging = device.createBuffer({
    size: big,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const data = new Uint8Array(big).fill(1);
  const trip = (n: number, busyMs = 0): Promise<number> => {
    const t0 = performance.now();
    device.queue.writeBuffer(buf, 0, data, 0, n);
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(buf, 0, staging, 0, n);
    device.queue.submit([enc.finish()]);
    const mapped = staging.mapAsync(GPUMapMode.READ, 0, n);
    while (performance.now() - t0 < busyMs) { /* the CPU's share of a stage */ }
    return mapped.then(() => {
      staging.getMappedRange(0, n).slice(0, 16);
      staging.unmap();
      return performance.now() - t0;
    });
  };
  try {
    await trip(16);
    await trip(big);
    const small: number[] = [], large: number[] = [], busy: number[] = [];
    for (let i = 0; i < reps; i++) small.push(await trip(16));
    for (let i = 0; i < reps; i++) large.push(await trip(big));
    const fixedMs = median(small);
    for (let i = 0; i < reps; i++) busy.push(await trip(16, fixedMs));
    const msPerByte = Math.max(0, (median(large) - fixedMs) / (2 * big));
    const exposedMs = Math.min(fixedMs, Math.max(0, median(busy) - fixedMs));
    return { fixedMs, msPerByte, exposedMs };
  } finally {
    buf.destroy();
    staging.destroy();
  }
}

/** What {@linkcode profileNetwork} measured. */
export interface NetworkProfile {
  /** Per-node samples for the predictor. */
  training: TrainingData;
  /** Per node position: median GPU ms (timestamp queries; NaN where none). */
  gpuMs: number[];
  /** Per node position: median CPU ms. */
  cpuMs: number[];
  /** Median end-to-end GPU run (upload, one submission, readback). */
  gpuRunMs: number;
  /** Median end-to-end CPU run. */
  cpuRunMs: number;
}

/**
 * Profiles a whole graph on both processors: GPU per-node timestamp times (`profile: true`) and
 * CPU per-node wall times (`CpuExecutor.profile`), medians of `reps` runs after one warm-up, plus
 * end-to-end medians. The samples train the predictor.
 *
 * @example
 * ```ts ignore
 * const prof = await profileNetwork(gpu, graph, inputs, { threads: 2, reps: 3 });
 * const predictor = fitPredictor(prof.training);
 * ```
 *
 * @param ctx The GPU device.
 * @param graph The exec graph.
 * @param inputs One host tensor per graph input.
 * @param options Threads, repetitions (default 3), precision, and which nodes to sample (default
 *   every node).
 * @returns The profile.
 */
export async function profileNetwork(
  ctx: GpuContext,
  graph: ExecGraph,
  inputs: HostTensor[],
  options: { threads?: number; reps?: number; precision?: Precision } = {},
): Promise<NetworkProfile> {
  const reps = options.reps ?? 3;
  const n = graph.nodes.length;
  const gpuT: number[][] = Array.from({ length: n }, () => []);
  const cpuT: number[][] = Array.from({ length: n }, () => []);
  const gpuRun: number[] = [], cpuRun: number[] = [];
  const prof = await GpuExecutor.fromGraph(ctx, graph, {
    precision: options.precision ?? "f32",
    profile: true,
  });
  const plain = await GpuExecutor.fromGraph(ctx, graph, { precision: options.precision ?? "f32" });
  try {
    await prof.run(inputs);
    await plain.run(inputs);
    for (let r = 0; r < reps; r++) {
      await prof.run(inputs);
      for (const t of prof.timings ?? []) gpuT[t.node].push(t.ms);
      const t0 = performance.now();
      await plain.run(inputs);
      gpuRun.push(performance.now() - t0);
    }
  } finally {
    prof.dispose();
    plain.dispose();
  }
  const cpu = await CpuExecutor.create(graph, { threads: options.threads });
  try {
    cpu.runSync(inputs);
    for (let r = 0; r < reps; r++) {
      for (const t of cpu.profile(inputs)) cpuT[t.node].push(t.ms);
      const t0 = performance.now();
      cpu.runSync(inputs);
      cpuRun.push(performance.now() - t0);
    }
  } finally {
    cpu.dispose();
  }
  const gpuMs = gpuT.map(median), cpuMs = cpuT.map(median);
  const training: TrainingData = { gpu: [], cpu: [] };
  for (let k = 0; k < n; k++) {
    const f = layerFeatures(graph, k);
    if (Number.isFinite(gpuMs[k])) training.gpu.push({ features: f, ms: gpuMs[k] });
    if (Number.isFinite(cpuMs[k])) training.cpu.push({ features: f, ms: cpuMs[k] });
  }
  return { training, gpuMs, cpuMs, gpuRunMs: median(gpuRun), cpuRunMs: median(cpuRun) };
}
