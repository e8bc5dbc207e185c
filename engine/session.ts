/**
 * Sessions: a loaded model bound to a backend (`gpu`, `cpu` or `reference`), with inputs checked,
 * graph passes applied, memory planned, and every resource freed on `dispose`.
 *
 * @module
 */
import type { Model } from "../core/ir.ts";
import { readModel, readModelFile, type ReadOptions } from "../format/tflite/reader.ts";
import { buildExecGraph, type ExecGraph } from "../core/exec_graph.ts";
import {
  GpuExecutor,
  type GpuMemoryReport,
  type NodePlacement,
  type NodeTiming,
} from "./backends/gpu/executor.ts";
import { ReferenceExecutor } from "./backends/reference/executor.ts";
import { acquireDevice, type GpuContext, type GpuProvider } from "./backends/gpu/device.ts";
import { kernelFor } from "../kernels/registry.ts";
import type { HostTensor, Precision, TensorData } from "../core/kernel.ts";
import { numElements } from "../core/ir.ts";
import { GpuError, UsageError } from "../core/errors.ts";
import { planMemory } from "./memory/mod.ts";
import { applyPasses, type PassReport } from "./passes/mod.ts";
import { normalizeInputs, validateModelArgument, validateSessionOptions } from "./options.ts";
import { checkTensorSizes } from "../core/validate.ts";

/** Which executor runs the model. */
export type Backend = "gpu" | "cpu" | "reference";

/** Options of {@linkcode createSession}. */
export interface SessionOptions {
  /** `gpu` (default): WebGPU with CPU fallback; `cpu`: the fast CPU backend; `reference`: the oracle. */
  backend?: Backend;
  /** WebGPU provider for `gpu` (default `deno`); ignored when `device` is given. */
  provider?: GpuProvider;
  /** A device of the caller's own (from `acquireDevice`), shared across sessions; not destroyed on dispose. */
  device?: GpuContext;
  /** Float storage precision on the GPU (default `f32`). */
  precision?: Precision;
  /** Weight precision in f16 runs (default `f32`; `f16` halves weight memory at some accuracy cost). */
  weightPrecision?: Precision;
  /** Memory strategy for intermediate tensors (default `GREEDY_BEST`; see `engine/memory`). */
  strategy?: string;
  /** Measure per-op GPU time with timestamp queries. */
  profile?: boolean;
  /** Threads of the `cpu` backend (default: all cores). */
  threads?: number;
  /** Graph passes to run (default: all); `false` runs none. */
  passes?: boolean | string[];
  /** Reject inputs containing NaN (default `true`). */
  rejectNaN?: boolean;
  /** Extra tensors the GPU executor reads back after each run (for `compare`). */
  inspect?: number[];
  /** Nodes forced onto the CPU. */
  cpuNodes?: number[];
  /** Largest tensor, in bytes, after shape inference (default: a quarter of memory, at most 2 GiB). */
  maxTensorBytes?: number;
}

/** Name, dtype and shape of a model input or output. */
export interface TensorInfo {
  /** Tensor name. */
  name: string;
  /** Element type. */
  dtype: string;
  /** Static shape. */
  shape: number[];
}

/** Inputs a session accepts: host tensors, bare typed arrays in input order, or by input name. */
export type SessionInputs = (HostTensor | TensorData)[] | Record<string, HostTensor | TensorData>;

interface Executor {
  run(inputs: HostTensor[]): Promise<HostTensor[]> | HostTensor[];
  dispose(): void;
}

const DTYPE_ARRAYS: Record<string, new (n: number) => TensorData> = {
  float32: Float32Array,
  int32: Int32Array,
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  bool: Uint8Array,
  int64: BigInt64Array,
};

/**
 * Reads a model from a path, URL or bytes, validating everything (see `engine/tflite`).
 *
 * @example
 * ```ts ignore
 * import { loadModel } from "./session.ts";
 * const model = await loadModel("../shared/models/networks/mobilenet_v1_0.25_224.tflite");
 * console.log(model.subgraphs[0].nodes.length);
 * ```
 *
 * @param source Path, URL or file bytes.
 * @param options Reader limits.
 * @returns The model.
 */
export function loadModel(
  source: string | URL | Uint8Array,
  options?: ReadOptions,
): Promise<Model> {
  if (source instanceof Uint8Array) return Promise.resolve(readModel(source, options));
  return readModelFile(source, options);
}

/** A model ready to run on one backend. */
export class Session {
  /** The model's inputs. */
  readonly inputs: TensorInfo[];
  /** The model's outputs. */
  readonly outputs: TensorInfo[];
  /** The backend. */
  readonly backend: Backend;
  /** The executable graph after passes. */
  readonly graph: ExecGraph;
  /** What the graph passes did. */
  readonly passes: PassReport[];
  /** The GPU device, for the `gpu` backend. */
  readonly gpu: GpuContext | undefined;
  #executor: Executor;
  #ownsDevice: boolean;
  #rejectNaN: boolean;
  #disposed = false;

  /** @internal */
  constructor(init: {
    graph: ExecGraph;
    backend: Backend;
    executor: Executor;
    passes: PassReport[];
    gpu?: GpuContext;
    ownsDevice: boolean;
    rejectNaN: boolean;
  }) {
    this.graph = init.graph;
    this.backend = init.backend;
    this.#executor = init.executor;
    this.passes = init.passes;
    this.gpu = init.gpu;
    this.#ownsDevice = init.ownsDevice;
    this.#rejectNaN = init.rejectNaN;
    const info = (t: number): TensorInfo => ({
      name: init.graph.tensors[t].name,
      dtype: init.graph.tensors[t].dtype,
      shape: [...init.graph.tensors[t].shape],
    });
    this.inputs = init.graph.inputs.map(info);
    this.outputs = init.graph.outputs.map(info);
  }

  /** Where each node runs, for the `gpu` backend (`undefined` otherwise). */
  get placement(): NodePlacement[] | undefined {
    return this.#executor instanceof GpuExecutor ? this.#executor.placement : undefined;
  }

  /** Device memory created, for the `gpu` backend. */
  get memory(): GpuMemoryReport | undefined {
    return this.#executor instanceof GpuExecutor ? this.#executor.memory : undefined;
  }

  /** Per-op GPU times of the last run, when profiling. */
  get timings(): NodeTiming[] | undefined {
    return this.#executor instanceof GpuExecutor ? this.#executor.lastTimings : undefined;
  }

  /** The underlying executor (advanced use: inspection, benchmarks). */
  get executor(): unknown {
    return this.#executor;
  }

  /**
   * Runs the model once.
   *
   * @example
   * ```ts ignore
   * const [probs] = await session.run([new Float32Array(224 * 224 * 3)]);
   * ```
   *
   * @param inputs One value per model input: in order, or by input name.
   * @returns One host tensor per model output, in order.
   */
  async run(inputs: SessionInputs): Promise<HostTensor[]> {
    if (this.#disposed) throw new UsageError("This session was disposed; create a new one");
    const feed = this.#checkInputs(inputs);
    return await this.#executor.run(feed);
  }

  /**
   * Runs the model on many inputs for throughput: on the GPU backend, up to `depth` inferences are
   * in flight at once (see `GpuExecutor.runPipelined`); other backends run them in turn.
   *
   * @example
   * ```ts ignore
   * const results = await session.runMany(frames.map((f) => [f]));
   * ```
   *
   * @param batches One input set per inference.
   * @param options `depth`: inferences in flight on the GPU (default 8).
   * @returns One output list per inference, in order.
   */
  async runMany(
    batches: SessionInputs[],
    options: { depth?: number } = {},
  ): Promise<HostTensor[][]> {
    if (this.#disposed) throw new UsageError("This session was disposed; create a new one");
    const feeds = batches.map((b) => this.#checkInputs(b));
    if (this.#executor instanceof GpuExecutor) {
      return await this.#executor.runPipelined(feeds, options);
    }
    const out: HostTensor[][] = [];
    for (const f of feeds) out.push(await this.#executor.run(f));
    return out;
  }

  #checkInputs(inputs: SessionInputs): HostTensor[] {
    normalizeInputs(inputs, this.inputs);
    const g = this.graph;
    const list: (HostTensor | TensorData | undefined)[] = Array.isArray(inputs)
      ? inputs
      : this.inputs.map((i) => inputs[i.name]);
    if (!Array.isArray(inputs)) {
      const unknown = Object.keys(inputs).filter((k) => !this.inputs.some((i) => i.name === k));
      if (unknown.length) {
        throw new UsageError(
          `Unknown input name ${JSON.stringify(unknown[0])}; the model's inputs are ${
            this.inputs.map((i) => JSON.stringify(i.name)).join(", ")
          }`,
        );
      }
    }
    if (list.length !== this.inputs.length) {
      throw new UsageError(`The model takes ${this.inputs.length} inputs, got ${list.length}`);
    }
    return list.map((v, i) => {
      const spec = this.inputs[i];
      const where = `Input ${i} "${spec.name}"`;
      if (v === undefined) throw new UsageError(`${where} is missing`);
      const t: HostTensor = ArrayBuffer.isView(v)
        ? { dtype: spec.dtype as HostTensor["dtype"], shape: spec.shape, data: v as TensorData }
        : v as HostTensor;
      const want = DTYPE_ARRAYS[spec.dtype];
      if (want && !(t.data instanceof want)) {
        throw new UsageError(
          `${where} must be a ${want.name} (dtype ${spec.dtype}), got ${t.data.constructor.name}`,
        );
      }
      if (t.shape.join() !== spec.shape.join()) {
        throw new UsageError(`${where} must have shape [${spec.shape}], got [${t.shape}]`);
      }
      if (t.data.length !== numElements(spec.shape)) {
        throw new UsageError(
          `${where} needs ${
            numElements(spec.shape)
          } elements for shape [${spec.shape}], got ${t.data.length}`,
        );
      }
      if (this.#rejectNaN && t.data instanceof Float32Array) {
        const bad = t.data.findIndex((x) => Number.isNaN(x));
        if (bad >= 0) throw new UsageError(`${where} holds NaN at element ${bad}`);
      }
      return { ...t, dtype: g.tensors[g.inputs[i]].dtype };
    });
  }

  /** Frees every resource (GPU buffers, workers; the device when the session created it). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#executor.dispose();
    if (this.#ownsDevice) this.gpu?.device.destroy();
  }
}

/**
 * Creates a session for a model on a backend.
 *
 * @example
 * ```ts ignore
 * import { createSession, loadModel } from "./session.ts";
 * const model = await loadModel("model.tflite");
 * const session = await createSession(model, { backend: "gpu", precision: "f16" });
 * const [out] = await session.run([input]);
 * session.dispose();
 * ```
 *
 * @param model A model from {@linkcode loadModel}.
 * @param options Backend, provider, precision, memory strategy, profiling.
 * @returns The session.
 */
export async function createSession(model: Model, options: SessionOptions = {}): Promise<Session> {
  validateModelArgument(model);
  validateSessionOptions(options);
  const backend = options.backend ?? "gpu";
  if (!["gpu", "cpu", "reference"].includes(backend)) {
    throw new UsageError(`Unknown backend "${backend}"; use gpu, cpu or reference`);
  }
  const graph0 = model.subgraphs[0];
  if (!graph0) throw new UsageError("The model has no subgraph to run");
  let graph = buildExecGraph(graph0, kernelFor);
  checkTensorSizes(graph, { maxTensorBytes: options.maxTensorBytes });
  let passes: PassReport[] = [];
  if (options.passes !== false) {
    const r = applyPasses(graph, {
      only: Array.isArray(options.passes) ? options.passes : undefined,
      fuseEpilogues: backend !== "reference",
    });
    graph = r.graph;
    passes = r.reports;
  }
  const rejectNaN = options.rejectNaN ?? true;
  if (backend === "reference") {
    const ex = new ReferenceExecutor(graph);
    return new Session({
      graph,
      backend,
      executor: { run: (i) => ex.run(i), dispose: () => ex.dispose() },
      passes,
      ownsDevice: false,
      rejectNaN,
    });
  }
  if (backend === "cpu") {
    const { CpuExecutor } = await import("./backends/cpu/executor.ts");
    const ex = await CpuExecutor.create(graph, { threads: options.threads });
    return new Session({ graph, backend, executor: ex, passes, ownsDevice: false, rejectNaN });
  }
  const gpu = options.device ?? await acquireDevice({ provider: options.provider });
  const strategy = options.strategy ?? "GREEDY_BEST";
  const precision = options.precision ?? "f32";
  if (precision === "f16" && !gpu.device.features.has("shader-f16")) {
    if (!options.device) gpu.device.destroy();
    throw new GpuError(`The adapter ${gpu.adapterName} lacks shader-f16; use precision f32`);
  }
  try {
    const cpuNodes = new Set(options.cpuNodes ?? []);
    const executor = await GpuExecutor.create(gpu, graph, {
      precision,
      weightPrecision: options.weightPrecision,
      profile: options.profile,
      strategyName: strategy.toUpperCase(),
      planMemory: (records) => planMemory(records, { strategy, alignment: 16 }),
      cpuNodes,
      download: options.inspect ? new Set(options.inspect) : undefined,
    });
    return new Session({
      graph,
      backend,
      executor,
      passes,
      gpu,
      ownsDevice: !options.device,
      rejectNaN,
    });
  } catch (e) {
    if (!options.device) gpu.device.destroy();
    throw e;
  }
}
