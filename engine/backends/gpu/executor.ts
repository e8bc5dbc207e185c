/**
 * The GPU executor: realises an {@linkcode ExecutionPlan} on a WebGPU device. GPU steps run as WGSL
 * compute dispatches, one command encoder and one submission per step, with one readback per step
 * that the host needs; CPU steps run the node's reference. Tensors live where the plan's memory
 * layout puts them (`allocate.ts`); programs are compiled once per distinct source (`prepare.ts`).
 *
 * @module
 */
import type { HostTensor, Precision } from "../../../core/kernel.ts";
import { GpuError, UsageError } from "../../../core/errors.ts";
import { packPhwc4, unpackPhwc4 } from "../../../kernels/_gpu/phwc4.ts";
import type { ExecGraph } from "../../../core/exec_graph.ts";
import {
  buildPlan,
  type BuildPlanOptions,
  type ExecutionPlan,
  type PlanStep,
} from "../../plan/plan.ts";
import { limitsOf } from "./pipelines.ts";
import type { NodePlacement } from "../../plan/placement.ts";
import type { Executor, MemoryReport, NodeTiming } from "../executor.ts";
import { runNodeOnHost } from "../../../kernels/run_node.ts";
import type { GpuContext } from "./device.ts";
import { allocateTensors, GpuBuffers } from "./allocate.ts";
import { encodeDispatches, type PreparedDispatch, prepareDispatches } from "./prepare.ts";
import type { GpuTensorHome } from "./program.ts";

export type { MemoryReport as GpuMemoryReport, NodePlacement, NodeTiming };

/** Options of {@linkcode GpuExecutor.create}. */
export interface GpuExecutorOptions {
  /**
   * Precision of weights and other kernel constants in f16 runs (default `f32`: activations are
   * stored in f16, weights keep full precision, which keeps deep networks within 1e-2 of float32).
   */
  weightPrecision?: Precision;
  /** Measure per-node GPU time with timestamp queries (when the adapter has them). */
  profile?: boolean;
  /** Fill output buffers with NaN before every run, so unwritten elements show (conformance). */
  poisonOutputs?: boolean;
}

interface QueryState {
  set: GPUQuerySet;
  resolve: GPUBuffer;
  read: GPUBuffer;
  nodes: number[];
}

type GpuStep = Extract<PlanStep, { kind: "gpu" }>;

const NAN_BYTE = 0xff;

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Runs an execution plan on a WebGPU device, with CPU steps on the reference. */
export class GpuExecutor implements Executor {
  /** The plan. */
  readonly plan: ExecutionPlan;
  /** Device memory created. */
  readonly memory: MemoryReport;
  /** Number of distinct pipelines compiled. */
  readonly pipelineCount: number;
  /** Per-node GPU times of the last run, when profiling. */
  timings: NodeTiming[] | undefined;
  /** Every tensor value the host saw in the last run (inputs, CPU results, read-back tensors). */
  lastValues: Map<number, HostTensor> | undefined;

  #ctx: GpuContext;
  #dispatches: PreparedDispatch[][];
  #homes: Map<number, GpuTensorHome>;
  #buffers: GpuBuffers;
  #staging = new Map<string, GPUBuffer>();
  #poison: boolean;
  #disposed = false;
  #lost: string | undefined;
  #query: QueryState | undefined;

  private constructor(init: {
    ctx: GpuContext;
    plan: ExecutionPlan;
    dispatches: PreparedDispatch[][];
    homes: Map<number, GpuTensorHome>;
    buffers: GpuBuffers;
    memory: MemoryReport;
    pipelineCount: number;
    poison: boolean;
    query: QueryState | undefined;
  }) {
    this.plan = init.plan;
    this.memory = init.memory;
    this.pipelineCount = init.pipelineCount;
    this.timings = undefined;
    this.lastValues = undefined;
    this.#ctx = init.ctx;
    this.#dispatches = init.dispatches;
    this.#homes = init.homes;
    this.#buffers = init.buffers;
    this.#poison = init.poison;
    this.#query = init.query;
    init.ctx.device.lost.then((info) => {
      this.#lost = info.message || info.reason || "unknown reason";
    });
  }

  /**
   * Allocates, uploads and compiles everything a GPU plan needs.
   *
   * @example
   * ```ts ignore
   * const exec = await GpuExecutor.create(gpu, buildPlan(graph, { limits: limitsOf(gpu.device) }));
   * const [out] = await exec.run([input]);
   * exec.dispose();
   * ```
   *
   * @param ctx A device from `acquireDevice`.
   * @param plan A plan for the `gpu` backend, built for this device's limits.
   * @param options Weight precision, profiling, output poisoning.
   * @returns A ready executor.
   */
  static async create(
    ctx: GpuContext,
    plan: ExecutionPlan,
    options: GpuExecutorOptions = {},
  ): Promise<GpuExecutor> {
    const device = ctx.device;
    if (plan.backend !== "gpu") {
      throw new UsageError(`GpuExecutor needs a gpu plan, got one for ${plan.backend}`);
    }
    if (plan.precision === "f16" && !device.features.has("shader-f16")) {
      throw new GpuError(`The adapter ${ctx.adapterName} lacks shader-f16; use precision f32`);
    }
    const weightPrecision: Precision = plan.precision === "f32"
      ? "f32"
      : options.weightPrecision ?? "f32";
    const buffers = new GpuBuffers(device);
    try {
      const { homes, report } = allocateTensors(device, plan, buffers);
      const prepared = await prepareDispatches({ device, plan, homes, buffers, weightPrecision });
      let query: QueryState | undefined;
      const gpuNodes = plan.programs.flatMap((p, k) => p ? [k] : []);
      if (options.profile && device.features.has("timestamp-query") && gpuNodes.length > 0) {
        const count = gpuNodes.length * 2;
        query = {
          set: device.createQuerySet({ type: "timestamp", count }),
          resolve: buffers.create(
            count * 8,
            "timestamps",
            GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
          ),
          read: buffers.create(
            count * 8,
            "timestamp readback",
            GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
          ),
          nodes: gpuNodes,
        };
      }
      await device.queue.onSubmittedWorkDone();
      if (buffers.outOfMemory) throw new GpuError(`Session creation ran ${buffers.outOfMemory}`);
      const memory = plan.memory!;
      return new GpuExecutor({
        ctx,
        plan,
        dispatches: prepared.dispatches,
        homes,
        buffers,
        memory: {
          intermediateBytes: report.intermediateBytes,
          naiveBytes: memory.naiveBytes,
          intermediateBuffers: report.intermediateBuffers,
          ioBytes: report.ioBytes,
          constantBytes: report.constantBytes + prepared.constantBytes,
          scratchBytes: prepared.scratchBytes,
          strategy: memory.strategy,
          form: memory.form,
        },
        pipelineCount: prepared.pipelineCount,
        poison: options.poisonOutputs ?? false,
        query,
      });
    } catch (e) {
      buffers.dispose();
      throw e;
    }
  }

  /**
   * Plans a graph for this device (see `buildPlan`) and creates the executor: the short way for
   * callers that hold an exec graph rather than a plan.
   *
   * @example
   * ```ts ignore
   * const exec = await GpuExecutor.fromGraph(gpu, graph, { precision: "f16", strategy: "NAIVE" });
   * ```
   *
   * @param ctx A device from `acquireDevice`.
   * @param graph The exec graph (after passes).
   * @param options Plan options (precision, strategy, forced CPU nodes, downloads) and executor
   * options.
   * @returns A ready executor.
   */
  static fromGraph(
    ctx: GpuContext,
    graph: ExecGraph,
    options: Omit<BuildPlanOptions, "backend" | "limits"> & GpuExecutorOptions = {},
  ): Promise<GpuExecutor> {
    const plan = buildPlan(graph, { ...options, backend: "gpu", limits: limitsOf(ctx.device) });
    return GpuExecutor.create(ctx, plan, options);
  }

  /** Where each node runs and why. */
  get placement(): readonly NodePlacement[] {
    return this.plan.placement;
  }

  /** Precision of float storage. */
  get precision(): Precision {
    return this.plan.precision;
  }

  #check(): void {
    if (this.#disposed) throw new UsageError("This session was disposed; create a new one");
    if (this.#lost) {
      throw new GpuError(`The GPU device was lost (${this.#lost}); create a new session`);
    }
  }

  /**
   * Runs the plan once.
   *
   * @example
   * ```ts ignore
   * const [scores] = await exec.run([{ dtype: "float32", shape: [1, 224, 224, 3], data }]);
   * ```
   *
   * @param inputs One host tensor per graph input, in order.
   * @returns One host tensor per graph output, in order.
   */
  async run(inputs: HostTensor[]): Promise<HostTensor[]> {
    this.#check();
    const g = this.plan.graph;
    const device = this.#ctx.device;
    const host = new Map<number, HostTensor>();
    g.inputs.forEach((t, i) => host.set(t, inputs[i]));
    const hostValue = (t: number): HostTensor => {
      const v = host.get(t) ?? g.tensors[t].value;
      if (!v) {
        throw new GpuError(
          `Tensor ${t} "${g.tensors[t].name}" is needed on the host but was never computed`,
        );
      }
      return v;
    };
    if (this.#poison) {
      for (const t of g.outputs) {
        const h = this.#homes.get(t);
        if (h && h.bytes > 0) {
          device.queue.writeBuffer(h.buffer, h.offset, new Uint8Array(h.bytes).fill(NAN_BYTE));
        }
      }
    }
    const steps = this.plan.steps;
    const lastGpu = steps.findLast((s) => s.kind === "gpu");
    for (const st of steps) {
      if (st.kind === "cpu") {
        const node = g.nodes[st.node];
        const outs = runNodeOnHost(g, node, hostValue);
        node.outputs.forEach((t, i) => host.set(t, outs[i]));
        continue;
      }
      this.#upload(st, hostValue);
      const encoder = device.createCommandEncoder();
      this.#encode(encoder, st);
      const staging: [number, GPUBuffer][] = st.downloads.map((t) => [
        t,
        this.#copyToStaging(encoder, t, `${t}`),
      ]);
      const q = this.#query;
      if (q && st === lastGpu) {
        encoder.resolveQuerySet(q.set, 0, q.nodes.length * 2, q.resolve, 0);
        encoder.copyBufferToBuffer(q.resolve, 0, q.read, 0, q.nodes.length * 16);
      }
      device.queue.submit([encoder.finish()]);
      await Promise.all(staging.map(([, sb]) => sb.mapAsync(GPUMapMode.READ)));
      for (const [t, sb] of staging) host.set(t, this.#readStaging(t, sb));
      if (this.#lost) throw new GpuError(`The GPU device was lost during the run (${this.#lost})`);
    }
    if (this.#query) this.timings = await this.#readTimings(this.#query);
    this.lastValues = host;
    return g.outputs.map((t) => hostValue(t));
  }

  /**
   * Runs the plan on several inputs with up to `depth` inferences in flight: each inference is
   * uploaded, recorded and submitted without waiting for the previous one's readback, so the
   * per-readback latency of the platform (about 10 ms on Deno's WebGPU) is paid once per group
   * instead of once per inference. Queue order keeps inferences from overwriting each other's
   * inputs; each in-flight inference reads back into its own staging buffers. Plans with CPU steps,
   * and profiling runs, run one after another.
   *
   * @example
   * ```ts ignore
   * const results = await exec.runMany([[a], [b], [c]]);
   * ```
   *
   * @param batches One input list per inference.
   * @param options `depth`: inferences in flight (default 8).
   * @returns One output list per inference, in order.
   */
  async runMany(
    batches: HostTensor[][],
    options: { depth?: number } = {},
  ): Promise<HostTensor[][]> {
    const steps = this.plan.steps;
    const out: HostTensor[][] = [];
    if (steps.length !== 1 || steps[0].kind !== "gpu" || this.#query || this.#poison) {
      for (const b of batches) out.push(await this.run(b));
      return out;
    }
    this.#check();
    const st = steps[0];
    const g = this.plan.graph;
    const device = this.#ctx.device;
    const depth = Math.max(1, options.depth ?? 8);
    for (let start = 0; start < batches.length; start += depth) {
      const group = batches.slice(start, start + depth);
      const pending: { t: number; sb: GPUBuffer; run: number }[] = [];
      group.forEach((inputs, j) => {
        const host = new Map<number, HostTensor>();
        g.inputs.forEach((t, i) => host.set(t, inputs[i]));
        this.#upload(st, (t) => {
          const v = host.get(t) ?? g.tensors[t].value;
          if (!v) throw new GpuError(`Tensor ${t} "${g.tensors[t].name}" has no value to upload`);
          return v;
        });
        const encoder = device.createCommandEncoder();
        this.#encode(encoder, st);
        for (const t of st.downloads) {
          pending.push({ t, sb: this.#copyToStaging(encoder, t, `${j}:${t}`), run: j });
        }
        device.queue.submit([encoder.finish()]);
      });
      await Promise.all(pending.map((p) => p.sb.mapAsync(GPUMapMode.READ)));
      const results = group.map(() => new Map<number, HostTensor>());
      for (const p of pending) results[p.run].set(p.t, this.#readStaging(p.t, p.sb));
      if (this.#lost) throw new GpuError(`The GPU device was lost during the run (${this.#lost})`);
      group.forEach((inputs, j) => {
        out.push(g.outputs.map((t) => {
          const v = results[j].get(t) ?? g.tensors[t].value ?? inputs[g.inputs.indexOf(t)];
          if (!v) throw new GpuError(`Output tensor ${t} "${g.tensors[t].name}" was not read back`);
          return v;
        }));
      });
    }
    return out;
  }

  #upload(st: GpuStep, value: (t: number) => HostTensor): void {
    for (const t of st.uploads) {
      const h = this.#homes.get(t)!;
      const bytes = packPhwc4(value(t), h.kind);
      if (bytes.byteLength > 0) this.#ctx.device.queue.writeBuffer(h.buffer, h.offset, bytes);
    }
  }

  #encode(encoder: GPUCommandEncoder, st: GpuStep): void {
    const q = this.#query;
    if (q) {
      for (const k of st.nodes) {
        const qi = q.nodes.indexOf(k);
        const pass = encoder.beginComputePass({
          timestampWrites: {
            querySet: q.set,
            beginningOfPassWriteIndex: qi * 2,
            endOfPassWriteIndex: qi * 2 + 1,
          },
        });
        encodeDispatches(pass, this.#dispatches[k]);
        pass.end();
      }
    } else {
      const pass = encoder.beginComputePass();
      for (const k of st.nodes) encodeDispatches(pass, this.#dispatches[k]);
      pass.end();
    }
  }

  async #readTimings(q: QueryState): Promise<NodeTiming[]> {
    await q.read.mapAsync(GPUMapMode.READ);
    const ts = new BigInt64Array(q.read.getMappedRange().slice(0));
    q.read.unmap();
    const g = this.plan.graph;
    return q.nodes.map((k, i) => ({
      node: k,
      op: g.nodes[k].op,
      ms: Number(ts[i * 2 + 1] - ts[i * 2]) / 1e6,
    }));
  }

  /** Records a copy of tensor `t` into its staging buffer (made once per key) and returns it. */
  #copyToStaging(encoder: GPUCommandEncoder, t: number, key: string): GPUBuffer {
    const h = this.#homes.get(t)!;
    let sb = this.#staging.get(key);
    if (!sb) {
      sb = this.#buffers.create(
        align(h.bytes, 16),
        `staging ${key}`,
        GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      );
      this.#staging.set(key, sb);
    }
    encoder.copyBufferToBuffer(h.buffer, h.offset, sb, 0, h.bytes);
    return sb;
  }

  #readStaging(t: number, sb: GPUBuffer): HostTensor {
    const h = this.#homes.get(t)!;
    const bytes = new Uint8Array(sb.getMappedRange(0, align(h.bytes, 16)).slice(0, h.bytes));
    sb.unmap();
    return unpackPhwc4(bytes, this.plan.graph.tensors[t], h.kind);
  }

  /** Frees every GPU buffer the executor created. Calling `run` afterwards throws. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#buffers.dispose();
    this.#query?.set.destroy();
  }
}
