/**
 * The GPU executor: runs an {@linkcode ExecGraph} on a WebGPU device. Nodes whose kernel has a GPU
 * half run as WGSL compute dispatches; the others fall back to the CPU reference. Each GPU partition is
 * recorded into one command encoder and one submission, with one readback per partition that the
 * host needs. Pipelines are compiled once per distinct WGSL source; weights are uploaded once;
 * intermediate tensors are placed by a memory plan.
 *
 * @module
 */
import type {
  GpuBinding,
  GpuLimitsInfo,
  GpuProgram,
  GpuTensorInfo,
  HostTensor,
  Precision,
  TensorSpec,
} from "../../../core/kernel.ts";
import { toShape4 } from "../../../kernels/_gpu/wgsl.ts";
import { GpuError, UnsupportedError, UsageError } from "../../../core/errors.ts";
import type { GpuContext } from "./device.ts";
import {
  packPhwc4,
  phwc4Bytes,
  type StorageKind,
  storageOf,
  unpackPhwc4,
} from "../../../kernels/_gpu/phwc4.ts";
import {
  accessorsFor,
  declareBinding,
  type EpilogueCode,
  precisionHeader,
  type TensorPlacement,
} from "./accessors.ts";
import type { ExecGraph, ExecNode } from "../../../core/exec_graph.ts";
import { runNodeOnHost } from "../reference/executor.ts";
import { numberToF16Bits } from "../../../kernels/_shared/tensor.ts";
import { refinePartition } from "../../plan/partition.ts";
import { numElements } from "../../../core/ir.ts";
import { gpuUsageRecords } from "../../plan/lifetimes.ts";

/** One intermediate tensor's lifetime in node indices (inclusive). */
export interface UsageRecordLike {
  /** Size in bytes. */
  size: number;
  /** First node that needs the tensor's memory. */
  firstOp: number;
  /** Last node that needs it. */
  lastOp: number;
}

/** A memory plan in either form (see `engine/memory/`). */
export type MemoryPlanLike =
  | { form: "objects"; assignment: number[]; objectSizes: number[] }
  | { form: "offsets"; offsets: number[]; totalSize: number };

/** Options of {@linkcode GpuExecutor.create}. */
export interface GpuExecutorOptions {
  /** Storage precision of float tensors (default `f32`). */
  precision?: Precision;
  /** Memory planner for intermediate tensors (default: one buffer per tensor). */
  planMemory?: (records: UsageRecordLike[]) => MemoryPlanLike;
  /** Name of the planner, for reports. */
  strategyName?: string;
  /** Nodes forced onto the CPU (by node position in the exec graph). */
  cpuNodes?: Set<number>;
  /** Measure per-node GPU time with timestamp queries (when the adapter has them). */
  profile?: boolean;
  /** Fill output buffers with NaN before every run, so unwritten elements show (conformance). */
  poisonOutputs?: boolean;
  /**
   * Precision of weights and other kernel constants in f16 runs (default `f32`: activations are
   * stored in f16, weights keep full precision, which keeps deep networks within 1e-2 of float32).
   */
  weightPrecision?: Precision;
  /** Extra tensors to read back after every run (see {@linkcode GpuExecutor.lastValues}). */
  download?: Set<number>;
  /** Move short cheap GPU runs stranded between CPU nodes to the CPU (default `true`). */
  refinePartition?: boolean;
}

/** Where each node ran and why. */
export interface NodePlacement {
  /** Node position in the exec graph. */
  node: number;
  /** Op name. */
  op: string;
  /** `gpu` or `cpu`. */
  backend: "gpu" | "cpu";
  /** Why the node fell back to the CPU. */
  reason?: string;
  /** Number of dispatches on the GPU. */
  dispatches: number;
}

/** Device memory created by the executor, by purpose. */
export interface GpuMemoryReport {
  /** Bytes of intermediate tensors as placed by the plan. */
  intermediateBytes: number;
  /** Bytes the same tensors need with one buffer each. */
  naiveBytes: number;
  /** Number of buffers (objects) or arenas backing intermediates. */
  intermediateBuffers: number;
  /** Bytes of graph inputs and outputs. */
  ioBytes: number;
  /** Bytes of weights and other constants. */
  constantBytes: number;
  /** Bytes of scratch buffers. */
  scratchBytes: number;
  /** Strategy name. */
  strategy: string;
  /** Form of the plan. */
  form: "objects" | "offsets";
}

/** Per-node GPU time from timestamp queries. */
export interface NodeTiming {
  /** Node position. */
  node: number;
  /** Op name. */
  op: string;
  /** GPU time in milliseconds. */
  ms: number;
}

interface TensorHome {
  buffer: GPUBuffer;
  /** Byte offset in the buffer. */
  offset: number;
  bytes: number;
  kind: StorageKind;
  arena?: "arena_f" | "arena_i";
}

interface PreparedDispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  dispatch: [number, number, number];
}

interface QueryState {
  set: GPUQuerySet;
  resolve: GPUBuffer;
  read: GPUBuffer;
  nodes: number[];
}

interface GpuStep {
  kind: "gpu";
  nodes: number[];
  dispatches: PreparedDispatch[][];
  uploads: number[];
  downloads: number[];
}

interface CpuStep {
  kind: "cpu";
  node: number;
}

const NAN_BYTE = 0xff;

function specOf(t: TensorSpec): GpuTensorInfo {
  const shape4 = toShape4(t.shape);
  return {
    dtype: t.dtype,
    shape: t.shape,
    shape4,
    slices: Math.ceil(shape4[3] / 4),
  };
}

function limitsOf(device: GPUDevice): GpuLimitsInfo {
  const l = device.limits;
  return {
    maxInvocations: l.maxComputeInvocationsPerWorkgroup,
    maxWorkgroupSize: [
      l.maxComputeWorkgroupSizeX,
      l.maxComputeWorkgroupSizeY,
      l.maxComputeWorkgroupSizeZ,
    ],
    maxWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
  };
}

function elemBytes(elem: string, precision: Precision): number {
  const base = elem.includes("T") ? (precision === "f16" ? 2 : 4) : 4;
  return elem.startsWith("vec4") ? base * 4 : base;
}

function constBytes(
  b: Extract<GpuBinding, { kind: "const" }>,
  precision: Precision,
): Uint8Array {
  if (b.elem.includes("T") && precision === "f16") {
    const out = new Uint16Array(b.data.length + (b.data.length & 1));
    for (let i = 0; i < b.data.length; i++) out[i] = numberToF16Bits(b.data[i]);
    return new Uint8Array(out.buffer);
  }
  return new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

const DATA_MOVEMENT = new Set([
  "RESHAPE",
  "SQUEEZE",
  "EXPAND_DIMS",
  "CONCATENATION",
  "TRANSPOSE",
  "PACK",
  "UNPACK",
  "SPLIT",
  "SLICE",
  "STRIDED_SLICE",
  "GATHER",
]);

/** Graph inputs and outputs, plus tensors that reach an output through data movement only. */
function f32EdgeTensors(graph: ExecGraph): Set<number> {
  const edges = new Set([...graph.inputs, ...graph.outputs]);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k];
    if (
      DATA_MOVEMENT.has(n.op) && n.epilogue.length === 0 &&
      n.outputs.some((t) => edges.has(t))
    ) {
      for (const t of n.inputs) {
        if (t >= 0 && !graph.tensors[t].value) edges.add(t);
      }
    }
  }
  return edges;
}

/** Runs an exec graph on a WebGPU device, with CPU fallback for ops the GPU kernels lack. */
export class GpuExecutor {
  /** The graph. */
  readonly graph: ExecGraph;
  /** Where each node runs. */
  readonly placement: NodePlacement[];
  /** Device memory created. */
  readonly memory: GpuMemoryReport;
  /** Number of distinct pipelines compiled. */
  readonly pipelineCount: number;
  /** Per-node GPU times of the last run, when profiling. */
  lastTimings: NodeTiming[] | undefined;
  /** Every tensor value the host saw in the last run (inputs, CPU results, read-back tensors). */
  lastValues: Map<number, HostTensor> | undefined;

  #ctx: GpuContext;
  #precision: Precision;
  #steps: (GpuStep | CpuStep)[];
  #homes: Map<number, TensorHome>;
  #owned: GPUBuffer[];
  #staging = new Map<string, GPUBuffer>();
  #poison: boolean;
  #disposed = false;
  #lost: string | undefined;
  #query: {
    set: GPUQuerySet;
    resolve: GPUBuffer;
    read: GPUBuffer;
    nodes: number[];
  } | undefined;

  private constructor(init: {
    ctx: GpuContext;
    graph: ExecGraph;
    precision: Precision;
    placement: NodePlacement[];
    steps: (GpuStep | CpuStep)[];
    homes: Map<number, TensorHome>;
    owned: GPUBuffer[];
    memory: GpuMemoryReport;
    pipelineCount: number;
    poison: boolean;
    query: QueryState | undefined;
  }) {
    this.graph = init.graph;
    this.placement = init.placement;
    this.memory = init.memory;
    this.pipelineCount = init.pipelineCount;
    this.lastTimings = undefined;
    this.lastValues = undefined;
    this.#ctx = init.ctx;
    this.#precision = init.precision;
    this.#steps = init.steps;
    this.#homes = init.homes;
    this.#owned = init.owned;
    this.#poison = init.poison;
    this.#query = init.query;
    init.ctx.device.lost.then((info) => {
      this.#lost = info.message || info.reason || "unknown reason";
    });
  }

  /**
   * Plans, allocates and compiles everything a run needs.
   *
   * @example
   * ```ts ignore
   * const exec = await GpuExecutor.create(gpu, graph, { precision: "f32" });
   * const [out] = await exec.run([input]);
   * exec.dispose();
   * ```
   *
   * @param ctx A device from `acquireDevice`.
   * @param graph The exec graph.
   * @param options Precision, memory planner, placement overrides, profiling.
   * @returns A ready executor.
   */
  static async create(
    ctx: GpuContext,
    graph: ExecGraph,
    options: GpuExecutorOptions = {},
  ): Promise<GpuExecutor> {
    const device = ctx.device;
    const precision = options.precision ?? "f32";
    const weightPrecision: Precision = precision === "f32"
      ? "f32"
      : options.weightPrecision ?? "f32";
    if (precision === "f16" && !device.features.has("shader-f16")) {
      throw new GpuError(
        `The adapter ${ctx.adapterName} lacks shader-f16; use --precision f32`,
      );
    }
    const limits = limitsOf(device);
    const owned: GPUBuffer[] = [];
    const placement: NodePlacement[] = [];
    const programs: (GpuProgram[] | undefined)[] = [];
    // 1. Plan every node; decide GPU or CPU.
    graph.nodes.forEach((node, k) => {
      let reason: string | undefined;
      let progs: GpuProgram[] | undefined;
      if (options.cpuNodes?.has(k)) reason = "forced onto the CPU";
      else if (!node.kernel.gpu) reason = `${node.op} has no GPU kernel`;
      else {
        const bad = [...node.inputs, ...node.outputs].find((t) =>
          t >= 0 && graph.tensors[t].shape.length > 4
        );
        const empty = node.outputs.find((t) => numElements(graph.tensors[t].shape) === 0);
        if (bad !== undefined) {
          reason = `tensor ${bad} has rank ${graph.tensors[bad].shape.length} > 4`;
        } else if (empty !== undefined) {
          reason = `output tensor ${empty} has no elements`;
        }
        const inputs = node.inputs.map((t) =>
          t < 0 || bad !== undefined
            ? undefined
            : { ...specOf(graph.tensors[t]), value: graph.tensors[t].value }
        );
        const outputs = bad !== undefined ? [] : node.outputs.map((t) => specOf(graph.tensors[t]));
        const args = {
          inputs,
          outputs,
          options: node.options,
          precision,
          limits,
        };
        reason ??= node.kernel.gpu.unsupported?.(args);
        if (!reason) {
          try {
            progs = node.kernel.gpu.plan(args);
          } catch (e) {
            if (!(e instanceof UnsupportedError)) throw e;
            reason = e.message;
          }
        }
        if (progs) {
          for (const p of progs) {
            for (const b of p.bindings) {
              if (b.kind !== "input" && b.kind !== "output") continue;
              const ti = b.kind === "input" ? node.inputs[b.index] : node.outputs[b.index];
              if (storageOf(graph.tensors[ti].dtype, precision) === undefined) {
                reason = `tensor ${ti} has dtype ${
                  graph.tensors[ti].dtype
                }, which the GPU does not hold`;
              }
            }
          }
          for (const st of node.epilogue) {
            for (const e of st.extra) {
              if (
                storageOf(graph.tensors[e.tensor].dtype, precision) ===
                  undefined
              ) {
                reason = `epilogue operand ${e.tensor} has dtype ${graph.tensors[e.tensor].dtype}`;
              }
            }
          }
          if (reason) progs = undefined;
        }
      }
      programs.push(progs);
      placement.push({
        node: k,
        op: node.op,
        backend: progs ? "gpu" : "cpu",
        reason,
        dispatches: progs?.length ?? 0,
      });
    });
    // Fewer, larger partitions: stranded cheap GPU runs go to the CPU.
    if (options.refinePartition ?? true) {
      const moved = refinePartition(placement.map((p, k) => ({
        op: p.op,
        backend: p.backend,
        elements: numElements(
          graph.tensors[graph.nodes[k].outputs[0]]?.shape ?? [],
        ),
      })));
      for (const k of moved) {
        programs[k] = undefined;
        placement[k] = {
          ...placement[k],
          backend: "cpu",
          dispatches: 0,
          reason: "moved to the CPU: a short GPU run between CPU ops costs more in transfers",
        };
      }
    }
    // 2. Steps: maximal runs of GPU nodes, and CPU nodes.
    const steps: (GpuStep | CpuStep)[] = [];
    graph.nodes.forEach((_, k) => {
      if (!programs[k]) steps.push({ kind: "cpu", node: k });
      else {
        const last = steps.at(-1);
        if (last?.kind === "gpu") last.nodes.push(k);
        else {steps.push({
            kind: "gpu",
            nodes: [k],
            dispatches: [],
            uploads: [],
            downloads: [],
          });}
      }
    });
    // 3. Lifetimes of GPU tensors (see `lifetimes.ts`): partitions' transfers and usage records.
    // Graph inputs and outputs, and the tensors that reach outputs only through data movement,
    // keep f32 storage in f16 runs: the caller gets f32 accuracy at the edges (small
    // probabilities survive) for the cost of a few small buffers.
    const edges = f32EdgeTensors(graph);
    const kindOf = (t: number): StorageKind => {
      const k = storageOf(graph.tensors[t].dtype, precision)!;
      return k === "f16" && edges.has(t) ? "f32" : k;
    };
    const usageOf = gpuUsageRecords(graph, {
      precision,
      tensorBytes: (t, i) => phwc4Bytes(t.shape, kindOf(i)),
      onGpu: (_, k) => programs[k] !== undefined,
      gpuReads: (node, k) => [
        ...(programs[k] ?? []).flatMap((p) =>
          p.bindings.flatMap((b) => b.kind === "input" ? [node.inputs[b.index]] : [])
        ),
        ...node.epilogue.flatMap((st) => st.extra.map((e) => e.tensor)),
      ],
      download: options.download,
    });
    steps.filter((st): st is GpuStep => st.kind === "gpu").forEach((st, i) => {
      st.uploads = usageOf.partitions[i].uploads;
      st.downloads = usageOf.partitions[i].downloads;
    });
    // 4. Allocation: graph inputs/outputs own buffers; intermediates by the memory plan.
    const homes = new Map<number, TensorHome>();
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC |
      GPUBufferUsage.COPY_DST;
    const maxBinding = limits.maxStorageBufferBindingSize;
    const createBuffer = (
      size: number,
      label: string,
      use = usage,
    ): GPUBuffer => {
      if (size > maxBinding) {
        throw new GpuError(
          `${label} needs ${size} bytes, more than the device allows in one storage buffer (maxStorageBufferBindingSize ${maxBinding}); use a smaller input or a device with larger limits`,
        );
      }
      device.pushErrorScope("out-of-memory");
      const buf = device.createBuffer({
        size: align(Math.max(size, 16), 16),
        usage: use,
        label,
      });
      owned.push(buf);
      device.popErrorScope().then((err) => {
        if (err) {
          console.error(
            `gpulite: out of GPU memory creating ${label}: ${err.message}`,
          );
        }
      });
      return buf;
    };
    const bytesOf = (t: number): number => phwc4Bytes(graph.tensors[t].shape, kindOf(t));
    let ioBytes = 0;
    let constantBytes = 0;
    for (const t of usageOf.io) {
      const bytes = bytesOf(t);
      ioBytes += bytes;
      homes.set(t, {
        buffer: createBuffer(bytes, `tensor ${t} "${graph.tensors[t].name}"`),
        offset: 0,
        bytes,
        kind: kindOf(t),
      });
    }
    for (const t of usageOf.constants) {
      const kind = kindOf(t);
      const bytes = packPhwc4(graph.tensors[t].value!, kind);
      const buffer = createBuffer(
        bytes.byteLength,
        `constant ${t} "${graph.tensors[t].name}"`,
      );
      if (bytes.byteLength > 0) device.queue.writeBuffer(buffer, 0, bytes);
      constantBytes += bytes.byteLength;
      homes.set(t, { buffer, offset: 0, bytes: bytes.byteLength, kind });
    }
    const { records, tensors: intermediates } = usageOf;
    const naiveBytes = records.reduce((a, r) => a + r.size, 0);
    const plan: MemoryPlanLike = options.planMemory?.(records) ??
      {
        form: "objects",
        assignment: records.map((_, i) => i),
        objectSizes: records.map((r) => r.size),
      };
    let intermediateBytes = 0;
    let intermediateBuffers = 0;
    if (plan.form === "objects") {
      const objects = plan.objectSizes.map((size, o) => {
        intermediateBytes += size;
        return createBuffer(size, `shared object ${o}`);
      });
      intermediateBuffers = objects.length;
      intermediates.forEach((t, i) => {
        homes.set(t, {
          buffer: objects[plan.assignment[i]],
          offset: 0,
          bytes: records[i].size,
          kind: kindOf(t),
        });
      });
    } else {
      // One arena per storage family: float tensors share one, int32 tensors another.
      const fam = (t: number) =>
        (kindOf(t) === "i32" ? "arena_i" : "arena_f") as "arena_i" | "arena_f";
      const sizeOf = { arena_f: 0, arena_i: 0 };
      intermediates.forEach((t, i) => {
        const f = fam(t);
        sizeOf[f] = Math.max(sizeOf[f], plan.offsets[i] + records[i].size);
      });
      const arenas = {
        arena_f: sizeOf.arena_f ? createBuffer(sizeOf.arena_f, "float arena") : undefined,
        arena_i: sizeOf.arena_i ? createBuffer(sizeOf.arena_i, "int arena") : undefined,
      };
      intermediateBytes = sizeOf.arena_f + sizeOf.arena_i;
      intermediateBuffers = (arenas.arena_f ? 1 : 0) + (arenas.arena_i ? 1 : 0);
      intermediates.forEach((t, i) => {
        const f = fam(t);
        const unit = kindOf(t) === "f16" ? 8 : 16;
        if (plan.offsets[i] % unit !== 0) {
          throw new GpuError(
            `Memory plan places tensor ${t} at offset ${
              plan.offsets[i]
            }, not a multiple of ${unit}`,
          );
        }
        homes.set(t, {
          buffer: arenas[f]!,
          offset: plan.offsets[i],
          bytes: records[i].size,
          kind: kindOf(t),
          arena: f,
        });
      });
    }
    // 5. Pipelines and bind groups.
    const pipelineCache = new Map<string, Promise<GPUComputePipeline>>();
    const layoutCache = new Map<string, GPUBindGroupLayout>();
    let scratchBytes = 0;
    const pending: Promise<void>[] = [];
    for (const st of steps) {
      if (st.kind !== "gpu") continue;
      for (const k of st.nodes) {
        const node = graph.nodes[k];
        const progs = programs[k]!;
        const scratch = new Map<number, GPUBuffer>();
        const prepared: PreparedDispatch[] = [];
        st.dispatches.push(prepared);
        progs.forEach((prog, pi) => {
          const { code, entries, readOnly } = buildProgram({
            graph,
            node,
            prog,
            homes,
            precision,
            scratch,
            createBuffer: (n, l) => {
              scratchBytes += n;
              return createBuffer(n, l);
            },
            weightPrecision,
            createConst: (b) => {
              const bytes = constBytes(b, weightPrecision);
              const buf = createBuffer(
                bytes.byteLength,
                `node ${k} ${node.op} ${b.name}`,
              );
              if (bytes.byteLength > 0) {
                device.queue.writeBuffer(
                  buf,
                  0,
                  bytes as Uint8Array<ArrayBuffer>,
                );
              }
              constantBytes += bytes.byteLength;
              return buf;
            },
          });
          const layoutKey = readOnly.map((r) => (r ? "r" : "w")).join("");
          let layout = layoutCache.get(layoutKey);
          if (!layout) {
            layout = device.createBindGroupLayout({
              entries: readOnly.map((r, i) => ({
                binding: i,
                visibility: GPUShaderStage.COMPUTE,
                buffer: { type: r ? "read-only-storage" : "storage" },
              })),
            });
            layoutCache.set(layoutKey, layout);
          }
          const pipeKey = `${layoutKey}\n${code}`;
          let pipe = pipelineCache.get(pipeKey);
          if (!pipe) {
            const lay = layout;
            pipe = (async () => {
              device.pushErrorScope("validation");
              const module = device.createShaderModule({
                code,
                label: `${node.op} ${prog.label}`,
              });
              const pipelineLayout = device.createPipelineLayout({
                bindGroupLayouts: [lay],
              });
              let p: GPUComputePipeline;
              try {
                p = await device.createComputePipelineAsync({
                  layout: pipelineLayout,
                  compute: { module, entryPoint: "main" },
                  label: `${node.op} ${prog.label}`,
                });
              } catch (e) {
                await device.popErrorScope();
                throw new GpuError(
                  `Node ${node.index} (${node.op}) program "${prog.label}" failed to compile: ${
                    (e as Error).message
                  }\n${code}`,
                );
              }
              const err = await device.popErrorScope();
              if (err) {
                throw new GpuError(
                  `Node ${node.index} (${node.op}) program "${prog.label}" failed to compile: ${err.message}\n${code}`,
                );
              }
              return p;
            })();
            pipelineCache.set(pipeKey, pipe);
          }
          const lay = layout;
          pending.push(pipe.then((pipeline) => {
            prepared[pi] = {
              pipeline,
              bindGroup: device.createBindGroup({ layout: lay, entries }),
              dispatch: prog.dispatch,
            };
          }));
        });
      }
    }
    await Promise.all(pending);
    let query: QueryState | undefined;
    const gpuNodes = graph.nodes.map((_, k) => k).filter((k) => programs[k]);
    if (
      options.profile && device.features.has("timestamp-query") &&
      gpuNodes.length > 0
    ) {
      const count = gpuNodes.length * 2;
      query = {
        set: device.createQuerySet({ type: "timestamp", count }),
        resolve: createBuffer(
          count * 8,
          "timestamps",
          GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
        ),
        read: device.createBuffer({
          size: count * 8,
          usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        }),
        nodes: gpuNodes,
      };
    }
    return new GpuExecutor({
      ctx,
      graph,
      precision,
      placement,
      steps,
      homes,
      owned,
      memory: {
        intermediateBytes,
        naiveBytes,
        intermediateBuffers,
        ioBytes,
        constantBytes,
        scratchBytes,
        strategy: options.strategyName ?? "NAIVE",
        form: plan.form,
      },
      pipelineCount: pipelineCache.size,
      poison: options.poisonOutputs ?? false,
      query,
    });
  }

  /**
   * Runs the graph once.
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
    if (this.#disposed) {
      throw new UsageError("This executor was disposed; create a new session");
    }
    if (this.#lost) {
      throw new GpuError(
        `The GPU device was lost (${this.#lost}); create a new session`,
      );
    }
    const g = this.graph;
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
          device.queue.writeBuffer(
            h.buffer,
            h.offset,
            new Uint8Array(h.bytes).fill(NAN_BYTE),
          );
        }
      }
    }
    const timings: NodeTiming[] = [];
    for (const st of this.#steps) {
      if (st.kind === "cpu") {
        const node = g.nodes[st.node];
        const outs = runNodeOnHost(g, node, hostValue);
        node.outputs.forEach((t, i) => host.set(t, outs[i]));
        continue;
      }
      for (const t of st.uploads) {
        const h = this.#homes.get(t)!;
        const bytes = packPhwc4(hostValue(t), h.kind);
        if (bytes.byteLength > 0) {
          device.queue.writeBuffer(h.buffer, h.offset, bytes);
        }
      }
      const encoder = device.createCommandEncoder();
      const q = this.#query;
      if (q) {
        st.nodes.forEach((k, j) => {
          const qi = q.nodes.indexOf(k);
          const pass = encoder.beginComputePass({
            timestampWrites: {
              querySet: q.set,
              beginningOfPassWriteIndex: qi * 2,
              endOfPassWriteIndex: qi * 2 + 1,
            },
          });
          encodeDispatches(pass, st.dispatches[j]);
          pass.end();
        });
      } else {
        const pass = encoder.beginComputePass();
        for (const ds of st.dispatches) encodeDispatches(pass, ds);
        pass.end();
      }
      const staging: [number, GPUBuffer][] = st.downloads.map((t) => [
        t,
        this.#copyToStaging(encoder, t, `${t}`),
      ]);
      if (q && st === this.#steps.findLast((s) => s.kind === "gpu")) {
        encoder.resolveQuerySet(q.set, 0, q.nodes.length * 2, q.resolve, 0);
        encoder.copyBufferToBuffer(
          q.resolve,
          0,
          q.read,
          0,
          q.nodes.length * 16,
        );
      }
      device.queue.submit([encoder.finish()]);
      await Promise.all(staging.map(([, sb]) => sb.mapAsync(GPUMapMode.READ)));
      for (const [t, sb] of staging) {
        const h = this.#homes.get(t)!;
        const bytes = new Uint8Array(
          sb.getMappedRange(0, align(h.bytes, 16)).slice(0, h.bytes),
        );
        sb.unmap();
        host.set(t, unpackPhwc4(bytes, g.tensors[t], h.kind));
      }
      if (this.#lost) {
        throw new GpuError(
          `The GPU device was lost during the run (${this.#lost})`,
        );
      }
    }
    if (this.#query) {
      const q = this.#query;
      await q.read.mapAsync(GPUMapMode.READ);
      const ts = new BigInt64Array(q.read.getMappedRange().slice(0));
      q.read.unmap();
      q.nodes.forEach((k, i) => {
        timings.push({
          node: k,
          op: g.nodes[k].op,
          ms: Number(ts[i * 2 + 1] - ts[i * 2]) / 1e6,
        });
      });
      this.lastTimings = timings;
    }
    this.lastValues = host;
    return g.outputs.map((t) => hostValue(t));
  }

  /**
   * Runs the graph on several inputs with up to `depth` inferences in flight: each inference is
   * uploaded, recorded and submitted without waiting for the previous one's readback, so the
   * per-readback latency of the platform (about 10 ms on Deno's WebGPU) is paid once per group
   * instead of once per inference. Queue order keeps inferences from overwriting each other's
   * inputs; each in-flight inference reads back into its own staging buffers. Graphs with CPU
   * fallbacks, and profiling runs, run one after another.
   *
   * @example
   * ```ts ignore
   * const results = await exec.runPipelined([[a], [b], [c]]);
   * ```
   *
   * @param batches One input list per inference.
   * @param options `depth`: inferences in flight (default 8).
   * @returns One output list per inference, in order.
   */
  async runPipelined(
    batches: HostTensor[][],
    options: { depth?: number } = {},
  ): Promise<HostTensor[][]> {
    const gpuSteps = this.#steps.filter((s): s is GpuStep => s.kind === "gpu");
    const single = this.#steps.length === 1 && gpuSteps.length === 1 &&
      !this.#query &&
      !this.#poison;
    const out: HostTensor[][] = [];
    if (!single) {
      for (const b of batches) out.push(await this.run(b));
      return out;
    }
    if (this.#disposed) {
      throw new UsageError("This executor was disposed; create a new session");
    }
    if (this.#lost) {
      throw new GpuError(
        `The GPU device was lost (${this.#lost}); create a new session`,
      );
    }
    const st = gpuSteps[0];
    const g = this.graph;
    const device = this.#ctx.device;
    const depth = Math.max(1, options.depth ?? 8);
    for (let start = 0; start < batches.length; start += depth) {
      const group = batches.slice(start, start + depth);
      const pending: { t: number; sb: GPUBuffer; run: number }[] = [];
      group.forEach((inputs, j) => {
        const host = new Map<number, HostTensor>();
        g.inputs.forEach((t, i) => host.set(t, inputs[i]));
        for (const t of st.uploads) {
          const h = this.#homes.get(t)!;
          const v = host.get(t) ?? g.tensors[t].value;
          if (!v) {
            throw new GpuError(
              `Tensor ${t} "${g.tensors[t].name}" has no value to upload`,
            );
          }
          const bytes = packPhwc4(v, h.kind);
          if (bytes.byteLength > 0) {
            device.queue.writeBuffer(h.buffer, h.offset, bytes);
          }
        }
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        for (const ds of st.dispatches) encodeDispatches(pass, ds);
        pass.end();
        for (const t of st.downloads) {
          pending.push({
            t,
            sb: this.#copyToStaging(encoder, t, `${j}:${t}`),
            run: j,
          });
        }
        device.queue.submit([encoder.finish()]);
      });
      await Promise.all(pending.map((p) => p.sb.mapAsync(GPUMapMode.READ)));
      const results = group.map(() => new Map<number, HostTensor>());
      for (const p of pending) {
        const h = this.#homes.get(p.t)!;
        const bytes = new Uint8Array(
          p.sb.getMappedRange(0, align(h.bytes, 16)).slice(0, h.bytes),
        );
        p.sb.unmap();
        results[p.run].set(p.t, unpackPhwc4(bytes, g.tensors[p.t], h.kind));
      }
      if (this.#lost) {
        throw new GpuError(
          `The GPU device was lost during the run (${this.#lost})`,
        );
      }
      group.forEach((inputs, j) => {
        out.push(g.outputs.map((t) => {
          const v = results[j].get(t) ?? g.tensors[t].value ??
            inputs[g.inputs.indexOf(t)];
          if (!v) {
            throw new GpuError(
              `Output tensor ${t} "${g.tensors[t].name}" was not read back`,
            );
          }
          return v;
        }));
      });
    }
    return out;
  }

  /** Records a copy of tensor `t` into its staging buffer (made once per key) and returns it. */
  #copyToStaging(
    encoder: GPUCommandEncoder,
    t: number,
    key: string,
  ): GPUBuffer {
    const h = this.#homes.get(t)!;
    let sb = this.#staging.get(key);
    if (!sb) {
      sb = this.#ctx.device.createBuffer({
        size: align(h.bytes, 16),
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      this.#staging.set(key, sb);
      this.#owned.push(sb);
    }
    encoder.copyBufferToBuffer(h.buffer, h.offset, sb, 0, h.bytes);
    return sb;
  }

  /** Precision of float storage. */
  get precision(): Precision {
    return this.#precision;
  }

  /** Frees every GPU buffer the executor created. Calling `run` afterwards throws. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const b of this.#owned) b.destroy();
    this.#query?.set.destroy();
    this.#query?.read.destroy();
    this.#owned = [];
  }
}

function encodeDispatches(
  pass: GPUComputePassEncoder,
  dispatches: PreparedDispatch[],
): void {
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(...d.dispatch);
  }
}

function buildProgram(args: {
  graph: ExecGraph;
  node: ExecNode;
  prog: GpuProgram;
  homes: Map<number, TensorHome>;
  precision: Precision;
  weightPrecision: Precision;
  scratch: Map<number, GPUBuffer>;
  createBuffer: (bytes: number, label: string) => GPUBuffer;
  createConst: (b: Extract<GpuBinding, { kind: "const" }>) => GPUBuffer;
}): { code: string; entries: GPUBindGroupEntry[]; readOnly: boolean[] } {
  const { graph, node, prog, homes, precision } = args;
  let decl = precisionHeader(precision);
  let access = "";
  const entries: GPUBindGroupEntry[] = [];
  const readOnly: boolean[] = [];
  const arenaSlots = new Map<string, number>();
  const ownSlots = new Map<string, TensorPlacement>();
  const variableFor = (
    t: number,
    write: boolean,
    name: string,
  ): TensorPlacement => {
    const h = homes.get(t)!;
    const unit = h.kind === "f16" ? 8 : 16;
    if (h.arena) {
      if (!arenaSlots.has(h.arena)) {
        const slot = entries.length;
        arenaSlots.set(h.arena, slot);
        entries.push({ binding: slot, resource: { buffer: h.buffer } });
        readOnly.push(false);
        decl += declareBinding(
          slot,
          h.arena,
          h.arena === "arena_i" ? "vec4<i32>" : "vec4<T>",
          false,
        );
      }
      return {
        variable: h.arena,
        offset: h.offset / unit,
        elem: h.arena === "arena_i" ? "vec4<i32>" : "vec4<T>",
      };
    }
    const key = `${t}`;
    const existing = ownSlots.get(key);
    if (existing && !write) {
      return { variable: existing.variable, offset: 0, elem: existing.elem };
    }
    const slot = entries.length;
    const variable = `buf_${name}`;
    const elem = h.kind === "i32" ? "vec4<i32>" : h.kind === "f32" ? "vec4<f32>" : "vec4<T>";
    ownSlots.set(key, { variable, offset: 0, elem });
    entries.push({
      binding: slot,
      resource: {
        buffer: h.buffer,
        offset: h.offset,
        size: align(h.bytes, 16),
      },
    });
    readOnly.push(!write);
    decl += declareBinding(slot, variable, elem, !write);
    return { variable, offset: 0, elem };
  };
  for (const b of prog.bindings) {
    if (b.kind === "input" || b.kind === "output") {
      const t = b.kind === "input" ? node.inputs[b.index] : node.outputs[b.index];
      const info = specOf(graph.tensors[t]);
      const placement = variableFor(t, b.kind === "output", b.name);
      let epilogue: EpilogueCode | undefined;
      if (b.kind === "output" && b.index === 0 && node.epilogue.length > 0) {
        const operands: EpilogueCode["operands"] = [];
        const steps: EpilogueCode["steps"] = [];
        for (const st of node.epilogue) {
          let wgsl = st.wgsl;
          const idx: number[] = [];
          st.extra.forEach((e, j) => {
            const k = operands.length;
            operands.push({
              placement: variableFor(e.tensor, false, `e${k}_${b.name}`),
              mode: e.mode,
            });
            wgsl = wgsl.replaceAll(new RegExp(`\\be${j}\\b`, "g"), `E${k}`);
            idx.push(k);
          });
          steps.push({
            wgsl: wgsl.replaceAll(/\bE(\d+)\b/g, "e$1"),
            operands: idx,
          });
        }
        epilogue = { steps, operands };
      }
      access += accessorsFor({
        name: b.name,
        tensor: info,
        placement,
        output: b.kind === "output",
        epilogue,
      });
    } else if (b.kind === "const") {
      const slot = entries.length;
      const buf = args.createConst(b);
      entries.push({ binding: slot, resource: { buffer: buf } });
      readOnly.push(true);
      const elem = args.weightPrecision === "f32" ? b.elem.replace("T", "f32") : b.elem;
      decl += declareBinding(slot, b.name, elem, true);
    } else {
      let buf = args.scratch.get(b.id);
      if (!buf) {
        buf = args.createBuffer(
          b.length * elemBytes(b.elem, precision),
          `node ${node.index} scratch ${b.id}`,
        );
        args.scratch.set(b.id, buf);
      }
      const slot = entries.length;
      entries.push({ binding: slot, resource: { buffer: buf } });
      readOnly.push(false);
      decl += declareBinding(slot, b.name, b.elem, false);
    }
  }
  return { code: `${decl}${access}${prog.code}`, entries, readOnly };
}
