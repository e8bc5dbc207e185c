/**
 * Sessions: a loaded model bound to a backend. `createSession` binds the graph, runs the graph
 * passes, builds the execution plan and hands it to a backend from `engine/backends`; the session
 * checks inputs, serialises concurrent runs, names outputs and frees everything on `dispose`.
 *
 * @module
 */
import type { Model } from "../core/ir.ts";
import type { ExecGraph } from "../core/exec_graph.ts";
import { modelEntry } from "../core/model_graph.ts";
import type { HostTensor, TensorData } from "../core/kernel.ts";
import { GpuError, UsageError } from "../core/errors.ts";
import { readModel, readModelFile, type ReadOptions } from "../format/tflite/reader.ts";
import type { PassReport } from "./passes/mod.ts";
import { bindForBackend, type Bound, realiseVariant, type Variant } from "./variant.ts";
import { checkRunInput, rejectNaN } from "./run_inputs.ts";
import { fillOutputTargets, type OutputSpec, resolveOutputTargets } from "./run_outputs.ts";
import type { ExecutionPlan, NodePlacement } from "./plan/plan.ts";
import {
  type Backend,
  BACKENDS,
  type Executor,
  type HostPhase,
  type MemoryReport,
  type NodeTiming,
  type RunTimeline,
  type SetupReport,
} from "./backends/mod.ts";
import { acquireDevice, type GpuContext } from "./backends/gpu/device.ts";
import {
  type InputSpec,
  inputSpecs,
  normalizeInputs,
  orderInputShapes,
  orderInputValues,
  runShapes,
  validateModelArgument,
  validateSessionOptions,
  variantKey,
} from "./options.ts";
import { STRATEGIES } from "./memory/strategies.ts";
import type {
  OutputTargets,
  RunOptions,
  SessionInputs,
  SessionOptions,
  SessionOutputs,
  TensorInfo,
} from "./session_types.ts";

export type {
  Backend,
  HostPhase,
  MemoryReport,
  NodePlacement,
  NodeTiming,
  OutputTargets,
  RunOptions,
  RunTimeline,
  SessionInputs,
  SessionOptions,
  SessionOutputs,
  SetupReport,
  TensorInfo,
};

/**
 * Reads a model from a path, URL or bytes, validating everything (see `format/tflite`).
 *
 * @example
 * ```ts ignore
 * import { loadModel } from "@gpulite/gpulite";
 * const model = await loadModel("mobilenet_v1_0.25_224.tflite");
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
  if (source instanceof Uint8Array) {
    try {
      return Promise.resolve(readModel(source, options));
    } catch (e) {
      return Promise.reject(e);
    }
  }
  return readModelFile(source, options);
}

/** What engine-internal tools (compare, benchmarks, tests) read of a session. */
export interface SessionInternals {
  /** The exec graph after passes. */
  graph: ExecGraph;
  /** The execution plan the backend realises (`undefined` for `cooperative`, which plans itself). */
  plan: ExecutionPlan | undefined;
  /** The backend's executor. */
  executor: Executor;
}

const INTERNALS = new WeakMap<Session, SessionInternals>();

/**
 * The exec graph, plan and executor behind a session: for the engine's own tools (`cli compare`,
 * the report, tests); not part of the package's public API.
 *
 * @example
 * ```ts ignore
 * const { graph, plan } = sessionInternals(session);
 * console.log(plan?.memory?.bytes, graph.nodes.length);
 * ```
 *
 * @param session A session.
 * @returns Its graph, plan and executor.
 */
export function sessionInternals(session: Session): SessionInternals {
  return INTERNALS.get(session)!;
}

/** Names of the memory strategies a session's `strategy` option accepts. */
export const STRATEGY_NAMES: readonly string[] = STRATEGIES.map((s) => s.name);

/** Plans (input shape sets) a session keeps; older ones are freed. */
const MAX_PLANS = 8;

/** How a session names its inputs and outputs, and builds plans for other input shapes. */
interface SessionShapes {
  /** The entry graph's input shapes as the file declares them (`-1`: dynamic). */
  declared: number[][];
  /** Signature names of the inputs and outputs, by position (`undefined`: none). */
  inputNames: (string | undefined)[];
  outputNames: (string | undefined)[];
  /** Values of the inputs that decide shapes, for the first plan (`undefined` elsewhere). */
  values: (HostTensor | undefined)[];
  /** Builds the plan for other input shapes and values of those inputs. */
  build(shapes: number[][], values: (HostTensor | undefined)[]): Promise<Variant>;
}

/** A model ready to run on one backend. */
export class Session {
  /** The model's inputs (shapes as the session was created with). */
  readonly inputs: TensorInfo[];
  /** The model's outputs (shapes as the session was created with). */
  readonly outputs: TensorInfo[];
  /** The backend. */
  readonly backend: Backend;
  /** What the graph passes did. */
  readonly passes: PassReport[];
  /** The GPU device, for backends that use it. */
  readonly gpu: GpuContext | undefined;
  #executor: Executor;
  #setup: SetupReport;
  #graph: ExecGraph;
  #shapes: SessionShapes;
  #variants = new Map<string, Variant>();
  /** Key of the current plan (input shapes and values of the inputs that decide shapes). */
  #key: string;
  #ownsDevice: boolean;
  #rejectNaN: boolean;
  #disposed = false;
  #tail: Promise<unknown> = Promise.resolve();
  #inFlight = 0;

  /** @internal */
  constructor(init: {
    variant: Variant;
    shapes: SessionShapes;
    backend: Backend;
    gpu?: GpuContext;
    ownsDevice: boolean;
    rejectNaN: boolean;
  }) {
    const { graph } = init.variant;
    this.backend = init.backend;
    this.#executor = init.variant.executor;
    this.#setup = init.variant.setup;
    this.#graph = graph;
    this.#shapes = init.shapes;
    INTERNALS.set(this, init.variant);
    this.passes = init.variant.passes;
    this.gpu = init.gpu;
    this.#ownsDevice = init.ownsDevice;
    this.#rejectNaN = init.rejectNaN;
    const info = (t: number, name: string | undefined): TensorInfo => {
      const i: TensorInfo = {
        name: graph.tensors[t].name,
        dtype: graph.tensors[t].dtype,
        shape: [...graph.tensors[t].shape],
      };
      if (name !== undefined) i.signatureName = name;
      return i;
    };
    this.inputs = graph.inputs.map((t, k) => info(t, init.shapes.inputNames[k]));
    this.outputs = graph.outputs.map((t, k) => info(t, init.shapes.outputNames[k]));
    this.#key = variantKey(this.inputs.map((i) => i.shape), init.shapes.values);
    this.#variants.set(this.#key, init.variant);
  }

  /** Where each node runs and why. */
  get placement(): readonly NodePlacement[] {
    return this.#executor.placement;
  }

  /** Memory the backend holds, by purpose (`undefined` for the reference). */
  get memory(): MemoryReport | undefined {
    return this.#executor.memory;
  }

  /** Per-op GPU times of the last run, when profiling. */
  get timings(): NodeTiming[] | undefined {
    return this.#executor.timings;
  }

  /**
   * Where the last run's milliseconds went (host phases, GPU time, submissions), when the session
   * was created with `timeline` on a GPU backend; `undefined` otherwise.
   */
  get lastTimeline(): RunTimeline | undefined {
    return this.#executor.lastTimeline;
  }

  /**
   * Where building the current plan's variant took its milliseconds: `bind` (graph, shapes,
   * passes), `device` (acquiring the GPU, first variant only), `plan`, then the backend's own phases
   * (the GPU's `allocate`, `programs` — pipeline compilation and weight uploads, overlapped —
   * and `settle`), with the GPU's pipeline counts and slowest compile.
   */
  get setup(): SetupReport {
    return this.#setup;
  }

  /**
   * Runs the model once. Concurrent calls are queued and run one after another, each with its
   * own result.
   *
   * @example
   * ```ts ignore
   * const outputs = await session.run([new Float32Array(224 * 224 * 3)]);
   * const probs = outputs.byName["MobilenetV1/Predictions/Reshape_1"];
   * ```
   *
   * Reusing output arrays across runs (`outputs`), so a loop allocates no output memory:
   *
   * ```ts ignore
   * const mask = new Float32Array(256 * 256);
   * for (const frame of frames) await session.run([frame], { outputs: [mask] }); // mask refilled
   * ```
   *
   * @param inputs One value per model input: in order, or by input name.
   * Handing out views of the GPU's readback memory instead of copies (`zeroCopy`), each valid until
   * the next run:
   *
   * ```ts ignore
   * const [mask] = await session.run([frame], { zeroCopy: true });
   * draw(mask.data); // before the next session.run
   * ```
   *
   * @param options `outputs`: arrays to fill with the outputs; `zeroCopy`: views, no copy (see
   * {@linkcode RunOptions}).
   * @returns One host tensor per model output, in order and by name.
   */
  run(inputs: SessionInputs, options: RunOptions = {}): Promise<SessionOutputs> {
    return this.#enqueue(async () => {
      if (typeof options !== "object" || options === null) {
        throw new UsageError(`run's options must be an object ({ outputs }), got ${options}`);
      }
      if (options.zeroCopy && options.outputs !== undefined) {
        throw new UsageError(
          "run's zeroCopy hands out views of the GPU's memory and outputs fills arrays: pass one of them",
        );
      }
      // The NaN scan runs while the GPU works (other backends run it first).
      const feed = await this.#checkInputs(inputs);
      const check = this.#rejectNaN ? () => this.#rejectNaNIn(feed) : undefined;
      if (options.outputs === undefined) {
        const zeroCopy = options.zeroCopy === true;
        return this.#named(await this.#executor.run(feed, { check, zeroCopy }));
      }
      const targets = resolveOutputTargets(options.outputs, this.#outputSpecs());
      const outs = await this.#executor.run(feed, { into: targets, check });
      return this.#named(fillOutputTargets(outs, targets));
    });
  }

  /**
   * Runs the model on many inputs for throughput: on the GPU backend, up to `depth` inferences are
   * in flight at once; other backends run them in turn.
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
  runMany(
    batches: SessionInputs[],
    options: { depth?: number } = {},
  ): Promise<SessionOutputs[]> {
    return this.#enqueue(async () => {
      const feeds: HostTensor[][] = [];
      let first = "";
      for (const b of batches) {
        const feed = await this.#checkInputs(b);
        if (this.#rejectNaN) this.#rejectNaNIn(feed);
        feeds.push(feed);
        if (feeds.length === 1) first = this.#key;
        if (this.#key !== first) {
          throw new UsageError(
            `Batch ${
              feeds.length - 1
            } has other input shapes (or values that decide shapes) than batch 0; runMany takes one set`,
          );
        }
      }
      const r = await this.#executor.runMany(feeds, options);
      return r.map((o) => this.#named(o));
    });
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    if (this.#disposed) {
      return Promise.reject(new UsageError("This session was disposed; create a new one"));
    }
    this.#inFlight++;
    const result = this.#tail.then(work);
    const settled = result.then(() => {}, () => {}).finally(() => {
      this.#inFlight--;
      if (this.#disposed && this.#inFlight === 0) this.#release();
    });
    this.#tail = settled;
    return result;
  }

  #named(outs: HostTensor[]): SessionOutputs {
    const byName: Record<string, HostTensor> = {};
    this.outputs.forEach((o, i) => byName[o.name] = outs[i]);
    this.outputs.forEach((o, i) => {
      if (o.signatureName !== undefined) byName[o.signatureName] = outs[i];
    });
    return Object.defineProperty(outs, "byName", {
      value: byName,
      enumerable: false,
    }) as SessionOutputs;
  }

  /** Switches to the plan for these input shapes, building it the first time. */
  async #useShapes(shapes: number[][], list: (HostTensor | TensorData)[]): Promise<void> {
    const values = this.#shapes.values.map((v, i): HostTensor | undefined =>
      v &&
      (ArrayBuffer.isView(list[i])
        ? { dtype: v.dtype, shape: shapes[i], data: list[i] as TensorData }
        : list[i] as HostTensor)
    );
    const key = variantKey(shapes, values);
    const current = this.#key;
    if (key === current) return;
    let variant = this.#variants.get(key);
    if (!variant) {
      variant = await this.#shapes.build(shapes, values);
      // The least recently used plan beyond the cap frees its memory (runs are serialised, and
      // the plan being left is the most recent but one, so the dropped one is idle).
      const oldest = this.#variants.keys().next().value;
      if (this.#variants.size >= MAX_PLANS && oldest !== undefined && oldest !== current) {
        this.#variants.get(oldest)!.executor.dispose();
        this.#variants.delete(oldest);
      }
    }
    this.#variants.delete(key);
    this.#variants.set(key, variant);
    this.#key = key;
    this.#graph = variant.graph;
    this.#executor = variant.executor;
    this.#setup = variant.setup;
    INTERNALS.set(this, variant);
  }

  #rejectNaNIn(feed: readonly HostTensor[]): void {
    feed.forEach((t, i) => rejectNaN(t, i, this.inputs[i].name));
  }

  /** The inputs as host tensors of the plan, checked for all but NaN (`#rejectNaNIn`). */
  async #checkInputs(inputs: SessionInputs): Promise<HostTensor[]> {
    const list = normalizeInputs(inputs, this.#inputSpecs());
    const g0 = this.#graph;
    const current = g0.inputs.map((t) => g0.tensors[t].shape);
    await this.#useShapes(runShapes(list, { declared: this.#shapes.declared, current }), list);
    const g = this.#graph;
    return list.map((v, i) => {
      const spec = { ...this.inputs[i], shape: g.tensors[g.inputs[i]].shape };
      const t = checkRunInput(v, {
        index: i,
        spec,
        declared: this.#shapes.declared[i],
      });
      return { ...t, dtype: g.tensors[g.inputs[i]].dtype };
    });
  }

  #inputSpecs(): InputSpec[] {
    return this.inputs.map((i) => ({
      name: i.name,
      dtype: i.dtype,
      aliases: i.signatureName === undefined ? [] : [i.signatureName],
    }));
  }

  /** The outputs as the current plan binds them (shapes resolved), with their signature names. */
  #outputSpecs(): OutputSpec[] {
    const g = this.#graph;
    return this.outputs.map((o, i) => ({
      name: o.name,
      aliases: o.signatureName === undefined ? [] : [o.signatureName],
      dtype: o.dtype,
      shape: g.tensors[g.outputs[i]].shape,
    }));
  }

  #release(): void {
    for (const v of this.#variants.values()) v.executor.dispose();
    if (this.#ownsDevice) this.gpu?.device.destroy();
  }

  /**
   * Frees every resource (GPU buffers, workers; the device when the session created it). Runs
   * already started finish first; later calls to `run` reject with a `UsageError`.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#inFlight === 0) this.#release();
  }

  /** Frees the session at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Waits for runs in flight, then frees the session (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
    await this.#tail;
  }
}

/**
 * Creates a session for a model on a backend.
 *
 * @example
 * ```ts ignore
 * import { createSession, loadModel } from "@gpulite/gpulite";
 * const model = await loadModel("model.tflite");
 * using session = await createSession(model, { backend: "gpu", precision: "f16" });
 * const [out] = await session.run([input]);
 * ```
 *
 * @param model A model from {@linkcode loadModel}.
 * @param options Backend, provider, precision, memory strategy, profiling.
 * @returns The session.
 */
export async function createSession(model: Model, options: SessionOptions = {}): Promise<Session> {
  validateModelArgument(model);
  validateSessionOptions(options);
  const backend: Backend = options.backend ?? "gpu";
  const info = BACKENDS[backend];
  const entry = modelEntry(model, options.signature);
  const source = model.subgraphs[entry.subgraph];
  const declared = source.inputs.map((t) => [...source.tensors[t].shape]);
  const specs = inputSpecs(source, entry.inputNames);
  const given = options.inputShapes ? orderInputShapes(options.inputShapes, specs) : [];
  const bind = (
    shapes: readonly (number[] | undefined)[],
    values: readonly (HostTensor | undefined)[],
  ): Bound => bindForBackend(model, { subgraph: entry.subgraph, backend, shapes, values, options });
  // Binding before acquiring a device: shape and op errors come without touching the GPU.
  const values = options.inputValues
    ? orderInputValues(options.inputValues, {
      specs,
      shapes: declared.map((d, i) => given[i] ?? d),
    })
    : [];
  const first = bind(given, values);
  const precision = options.precision ?? "f32";
  const tDevice = performance.now();
  const gpu = info.gpu
    ? options.device ?? await acquireDevice({ provider: options.provider })
    : undefined;
  const deviceMs = performance.now() - tDevice;
  const ownsDevice = gpu !== undefined && !options.device;
  const realise = (bound: Bound, deviceMs?: number): Promise<Variant> =>
    realiseVariant(bound, { backend, gpu, options, deviceMs });
  try {
    if (gpu && precision === "f16" && !gpu.device.features.has("shader-f16")) {
      throw new GpuError(`The adapter ${gpu.adapterName} lacks shader-f16; use precision f32`);
    }
    return new Session({
      variant: await realise(first, gpu ? deviceMs : undefined),
      shapes: {
        declared,
        inputNames: entry.inputNames,
        outputNames: entry.outputNames,
        values: specs.map((_, i) => values[i]),
        build: (shapes, values) => realise(bind(shapes, values)),
      },
      backend,
      gpu,
      ownsDevice,
      rejectNaN: options.rejectNaN ?? true,
    });
  } catch (e) {
    if (ownsDevice) gpu.device.destroy();
    throw e;
  }
}
