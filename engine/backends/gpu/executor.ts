/**
 * The GPU executor: realises an {@linkcode ExecutionPlan} on a WebGPU device. GPU steps run as WGSL
 * compute dispatches in one compute pass, one command encoder and one submission per step, with one
 * readback buffer (one `mapAsync`) per step that the host needs; CPU steps run the node's reference.
 * Tensors live where the plan's memory layout puts them (`allocate.ts`); programs are compiled once
 * per distinct source (`prepare.ts`); inputs and outputs change layout on the GPU (`transfers.ts`).
 * With `timeline`, each run records where its milliseconds went (`timeline.ts`).
 *
 * @module
 */
import type { HostTensor, Precision } from "../../../core/kernel.ts";
import { GpuError, UsageError } from "../../../core/errors.ts";
import { packPhwc4 } from "../../../kernels/_gpu/phwc4.ts";
import type { ExecGraph } from "../../../core/exec_graph.ts";
import {
  buildPlan,
  type BuildPlanOptions,
  type ExecutionPlan,
  type PlanStep,
} from "../../plan/plan.ts";
import { limitsOf } from "./pipelines.ts";
import type { NodePlacement } from "../../plan/placement.ts";
import type {
  Executor,
  ExecutorRunOptions,
  MemoryReport,
  NodeTiming,
  SetupReport,
} from "../executor.ts";
import { runNodeOnHost } from "../../../kernels/run_node.ts";
import type { GpuContext } from "./device.ts";
import { allocateTensors, GpuBuffers } from "./allocate.ts";
import { type PreparedDispatch, prepareDispatches } from "./prepare.ts";
import type { GpuTensorHome } from "./program.ts";
import {
  copyDownloads,
  prepareTransfers,
  readDownloads,
  type StepTransfers,
  type UploadRoute,
  uploadRoute,
  writeUpload,
} from "./transfers.ts";
import { gpuMsOf, nodeMsOf, PhaseClock, type RunTimeline } from "./timeline.ts";
import {
  createTimestampQueries,
  type RecordOptions,
  recordStep,
  type TimestampQueries,
} from "./encode.ts";

export type { MemoryReport as GpuMemoryReport, NodePlacement, NodeTiming, RunTimeline };

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
  /**
   * Record where each run's time goes ({@linkcode GpuExecutor.lastTimeline}), with the GPU's own
   * time from timestamp queries around each submission when the adapter has `timestamp-query`.
   */
  timeline?: boolean;
  /** Convert inputs and outputs between NHWC and PHWC4 on the host, not the GPU (to compare). */
  hostLayout?: boolean;
  /**
   * Dispatches in the first submission of a step; each later one holds twice the previous (default
   * {@linkcode FIRST_CHUNK}; `0`: one submission per step). The GPU starts on the first while the
   * rest is recorded, so recording and submitting overlap the GPU's work.
   */
  firstChunk?: number;
  /**
   * One compute pass per node instead of one per submission (default `false`; to measure what a
   * pass boundary costs or saves on an adapter).
   */
  passPerNode?: boolean;
}

/** Dispatches in a step's first submission by default (see `GpuExecutorOptions.firstChunk`). */
export const FIRST_CHUNK = 6;

const NAN_BYTE = 0xff;

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
  /** Where the last run's time went, when created with `timeline`. */
  lastTimeline: RunTimeline | undefined;
  /** Where creating the executor spent its time: allocation, programs (compile, weights), settling. */
  readonly setup: SetupReport;

  #ctx: GpuContext;
  #dispatches: PreparedDispatch[][];
  #homes: Map<number, GpuTensorHome>;
  #buffers: GpuBuffers;
  #transfers: (StepTransfers | undefined)[];
  /** Each GPU step's node dispatches, in order, and its unpacking dispatches. */
  #stepDispatches: (PreparedDispatch[] | undefined)[];
  #stepUnpacks: (PreparedDispatch[] | undefined)[];
  #readback = new Map<string, GPUBuffer | undefined>();
  /** Readback buffers a `zeroCopy` run left mapped (their ranges are the outputs it handed out). */
  #leftMapped: GPUBuffer[] = [];
  #timeline: boolean;
  #poison: boolean;
  /** NaN bytes written over outputs before each run, when poisoning (made once). */
  #nan: Uint8Array<ArrayBuffer> | undefined;
  #disposed = false;
  #lost: string | undefined;
  #query: TimestampQueries | undefined;
  /** How each run splits a step into submissions and passes. */
  #record: RecordOptions;

  private constructor(init: {
    ctx: GpuContext;
    plan: ExecutionPlan;
    dispatches: PreparedDispatch[][];
    homes: Map<number, GpuTensorHome>;
    buffers: GpuBuffers;
    transfers: (StepTransfers | undefined)[];
    memory: MemoryReport;
    pipelineCount: number;
    poison: boolean;
    timeline: boolean;
    query: TimestampQueries | undefined;
    setup: SetupReport;
    record: RecordOptions;
  }) {
    this.plan = init.plan;
    this.setup = init.setup;
    this.memory = init.memory;
    this.pipelineCount = init.pipelineCount;
    this.timings = undefined;
    this.lastValues = undefined;
    this.lastTimeline = undefined;
    this.#ctx = init.ctx;
    this.#transfers = init.transfers;
    this.#timeline = init.timeline;
    this.#stepDispatches = init.plan.steps.map((st) =>
      st.kind === "gpu" ? st.nodes.flatMap((k) => init.dispatches[k]) : undefined
    );
    this.#stepUnpacks = init.transfers.map((tr) =>
      tr?.downloads.flatMap((d) => d.unpack ? [d.unpack] : [])
    );
    this.#record = init.record;
    this.#dispatches = init.dispatches;
    this.#homes = init.homes;
    this.#buffers = init.buffers;
    this.#poison = init.poison;
    this.#query = init.query;
    // A weak reference: a device shared by many sessions must not keep disposed executors alive.
    const self = new WeakRef(this);
    init.ctx.device.lost.then((info) => {
      const ex = self.deref();
      if (ex) ex.#markLost(info.message || info.reason || "unknown reason");
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
   * @param options Weight precision, profiling, output poisoning, timeline, host-side layout.
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
    const t0 = performance.now();
    try {
      const { homes, report } = allocateTensors(device, plan, buffers);
      const t1 = performance.now();
      const [prepared, transfers] = await Promise.all([
        prepareDispatches({ device, plan, homes, buffers, weightPrecision }),
        prepareTransfers({ device, plan, homes, buffers, hostLayout: options.hostLayout }),
      ]);
      const query = options.profile || options.timeline
        ? createTimestampQueries(device, buffers, plan.steps, { perNode: options.profile ?? false })
        : undefined;
      const t2 = performance.now();
      await device.queue.onSubmittedWorkDone();
      const t3 = performance.now();
      if (buffers.outOfMemory) throw new GpuError(`Session creation ran ${buffers.outOfMemory}`);
      const memory = plan.memory!;
      return new GpuExecutor({
        ctx,
        plan,
        dispatches: prepared.dispatches,
        homes,
        buffers,
        transfers: transfers.steps,
        memory: {
          intermediateBytes: report.intermediateBytes,
          naiveBytes: memory.naiveBytes,
          intermediateBuffers: report.intermediateBuffers,
          ioBytes: report.ioBytes + transfers.bytes,
          constantBytes: report.constantBytes + prepared.constantBytes,
          scratchBytes: prepared.scratchBytes,
          strategy: memory.strategy,
          form: memory.form,
        },
        pipelineCount: prepared.pipelineCount + transfers.pipelineCount,
        poison: options.poisonOutputs ?? false,
        timeline: options.timeline ?? false,
        record: {
          firstChunk: options.firstChunk ?? FIRST_CHUNK,
          passPerNode: options.passPerNode ?? false,
        },
        query,
        setup: {
          phases: { allocate: t1 - t0, programs: t2 - t1, settle: t3 - t2 },
          pipelines: {
            compiled: prepared.compiled,
            reused: prepared.pipelineCount - prepared.compiled,
            slowest: prepared.slowest,
          },
        },
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

  #markLost(why: string): void {
    this.#lost = why;
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
   * @param options `into`: arrays the outputs' readback may be copied into (one or `undefined` per
   * output); `check`: host work that may refuse the run, done while the GPU works (after the first
   * step's submission, before its readback is awaited; when it throws, nothing is read back);
   * `zeroCopy`: outputs are views of the mapped readback buffer, no copy, valid until the next run.
   * @returns One host tensor per graph output, in order.
   */
  async run(
    inputs: HostTensor[],
    options: ExecutorRunOptions = {},
  ): Promise<HostTensor[]> {
    this.#check();
    this.#unmapLeft();
    const { into, zeroCopy } = options;
    let check = options.check;
    const clock = this.#timeline ? new PhaseClock() : undefined;
    const g = this.plan.graph;
    const targets = into &&
      new Map(g.outputs.flatMap((t, i) => into[i] ? [[t, into[i]!] as const] : []));
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
        if (!h || h.bytes === 0) continue;
        if (!this.#nan || this.#nan.byteLength < h.bytes) {
          this.#nan = new Uint8Array(h.bytes).fill(NAN_BYTE);
        }
        device.queue.writeBuffer(h.buffer, h.offset, this.#nan, 0, h.bytes);
      }
    }
    const q = this.#query;
    let stamps: BigInt64Array | undefined;
    let submissions = 0;
    clock?.skip();
    for (const [i, st] of this.plan.steps.entries()) {
      if (st.kind === "cpu") {
        const node = g.nodes[st.node];
        const outs = runNodeOnHost(g, node, hostValue);
        node.outputs.forEach((t, j) => host.set(t, outs[j]));
        clock?.lap("cpu");
        continue;
      }
      const tr = this.#transfers[i]!;
      const routes = this.#upload(tr, hostValue, clock);
      const { encoder, submitted } = this.#recordStep(i, routes, this.#record);
      submissions += submitted;
      const readback = this.#readbackFor(i, "0");
      if (readback) copyDownloads(encoder, tr.downloads, readback);
      const timed = q && i === q.lastStep && readback;
      if (timed) {
        encoder.resolveQuerySet(q.set, 0, q.layout.count, q.resolve, 0);
        encoder.copyBufferToBuffer(q.resolve, 0, readback, tr.readBytes, q.layout.count * 8);
      }
      const commands = encoder.finish();
      clock?.lap("encode");
      device.queue.submit([commands]);
      submissions++;
      clock?.lap("submit");
      if (check) {
        const c = check;
        check = undefined;
        c();
        clock?.lap("check");
      }
      if (!readback) continue;
      await readback.mapAsync(GPUMapMode.READ);
      clock?.lap("wait");
      const range = readback.getMappedRange();
      const values = readDownloads(range, tr.downloads, this.plan, zeroCopy ? "view" : targets);
      if (timed) {
        stamps = new BigInt64Array(
          range.slice(tr.readBytes, tr.readBytes + q.layout.count * 8),
        );
      }
      if (zeroCopy) this.#leftMapped.push(readback);
      else readback.unmap();
      tr.downloads.forEach((d, j) => host.set(d.tensor, values[j]));
      clock?.lap("read");
      if (this.#lost) throw new GpuError(`The GPU device was lost during the run (${this.#lost})`);
    }
    check?.();
    if (q?.perNode && stamps) {
      this.timings = nodeMsOf(q.layout, stamps).map(([node, ms]) => ({
        node,
        op: g.nodes[node].op,
        ms,
      }));
    }
    this.lastValues = host;
    const outputs = g.outputs.map((t) => hostValue(t));
    if (clock) {
      const gpuMs = q && stamps ? gpuMsOf(q.layout, stamps) : undefined;
      this.lastTimeline = clock.finish({ gpuMs, submissions });
    }
    return outputs;
  }

  /**
   * Runs the plan on several inputs with up to `depth` inferences in flight: each inference is
   * uploaded, recorded and submitted without waiting for the previous one's readback, so the
   * per-readback latency of the platform (about 10 ms on Deno's WebGPU) is paid once per group
   * instead of once per inference. Queue order keeps inferences from overwriting each other's
   * inputs; each in-flight inference reads back into its own readback buffer. Plans with CPU steps,
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
    if (
      steps.length !== 1 || steps[0].kind !== "gpu" || this.#query || this.#poison ||
      this.#timeline
    ) {
      for (const b of batches) out.push(await this.run(b));
      return out;
    }
    this.#check();
    this.#unmapLeft();
    const tr = this.#transfers[0]!;
    const g = this.plan.graph;
    const device = this.#ctx.device;
    const depth = Math.max(1, options.depth ?? 8);
    for (let start = 0; start < batches.length; start += depth) {
      const group = batches.slice(start, start + depth);
      const readbacks = group.map((inputs, j) => {
        const host = new Map<number, HostTensor>();
        g.inputs.forEach((t, i) => host.set(t, inputs[i]));
        const routes = this.#upload(tr, (t) => {
          const v = host.get(t) ?? g.tensors[t].value;
          if (!v) throw new GpuError(`Tensor ${t} "${g.tensors[t].name}" has no value to upload`);
          return v;
        });
        const { encoder } = this.#recordStep(0, routes);
        const readback = this.#readbackFor(0, `${j}`);
        if (readback) copyDownloads(encoder, tr.downloads, readback);
        device.queue.submit([encoder.finish()]);
        return readback;
      });
      await Promise.all(readbacks.map((r) => r?.mapAsync(GPUMapMode.READ)));
      const results = readbacks.map((r) => {
        const m = new Map<number, HostTensor>();
        if (!r) return m;
        const values = readDownloads(r.getMappedRange(), tr.downloads, this.plan);
        r.unmap();
        tr.downloads.forEach((d, k) => m.set(d.tensor, values[k]));
        return m;
      });
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

  /** Writes a step's uploads; returns the route each took. */
  #upload(
    tr: StepTransfers,
    value: (t: number) => HostTensor,
    clock?: PhaseClock,
  ): UploadRoute[] {
    const queue = this.#ctx.device.queue;
    return tr.uploads.map((edge) => {
      const v = value(edge.tensor);
      const route = uploadRoute(edge, v);
      if (route === "host") {
        const bytes = packPhwc4(v, edge.home.kind);
        clock?.lap("pack");
        writeUpload(queue, edge, bytes, route);
      } else {
        writeUpload(queue, edge, v.data as Float32Array<ArrayBuffer>, route);
      }
      clock?.lap("upload");
      return route;
    });
  }

  /**
   * Records step `i` with the packing programs of the uploads that take them this run, submitting
   * all chunks but the last; returns the last chunk's encoder.
   */
  #recordStep(
    i: number,
    routes: readonly UploadRoute[],
    options?: RecordOptions,
  ): { encoder: GPUCommandEncoder; submitted: number } {
    return recordStep(this.#ctx.device, {
      step: i,
      packs: this.#transfers[i]!.uploads.flatMap((e, j) => routes[j] === "pack" ? [e.pack!] : []),
      nodes: (this.plan.steps[i] as Extract<PlanStep, { kind: "gpu" }>).nodes,
      dispatches: this.#dispatches,
      flat: this.#stepDispatches[i]!,
      unpacks: this.#stepUnpacks[i]!,
      queries: this.#query,
    }, options);
  }

  /** The readback buffer of step `i` for in-flight slot `slot` (made once), if it reads anything. */
  #readbackFor(i: number, slot: string): GPUBuffer | undefined {
    const key = `${i}:${slot}`;
    if (this.#readback.has(key)) return this.#readback.get(key);
    const q = this.#query;
    const bytes = this.#transfers[i]!.readBytes +
      (q && i === q.lastStep ? q.layout.count * 8 : 0);
    const buffer = bytes === 0 ? undefined : this.#buffers.create(
      bytes,
      `readback of step ${i} (${slot})`,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    );
    this.#readback.set(key, buffer);
    return buffer;
  }

  /** Unmaps what the last `zeroCopy` run left mapped (detaching the views it handed out). */
  #unmapLeft(): void {
    for (const b of this.#leftMapped) b.unmap();
    this.#leftMapped = [];
  }

  /** Frees every GPU buffer the executor created. Calling `run` afterwards throws. */
  dispose(): void {
    if (this.#disposed) return;
    this.#unmapLeft();
    this.#disposed = true;
    this.#buffers.dispose();
    this.#query?.set.destroy();
  }
}
