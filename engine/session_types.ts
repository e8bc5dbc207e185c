/**
 * The types of the session API: options of `createSession`, what `run` takes and returns, and how a
 * session describes its inputs and outputs.
 *
 * @module
 */
import type { DType } from "../core/ir.ts";
import type { HostTensor, Precision, TensorData } from "../core/kernel.ts";
import type { Backend } from "./backends/mod.ts";
import type { GpuContext, GpuProvider } from "./backends/gpu/device.ts";

/** Options of `createSession`. */
export interface SessionOptions {
  /**
   * `gpu` (default): WebGPU with CPU fallback; `cpu`: the fast CPU backend; `reference`: the
   * float64 oracle; `cooperative`: µLayer, layers split across CPU and GPU by a latency predictor
   * profiled at creation.
   */
  backend?: Backend;
  /** WebGPU provider (default `deno`); ignored when `device` is given. */
  provider?: GpuProvider;
  /** A device of the caller's own (from `acquireDevice`), shared across sessions; not destroyed on dispose. */
  device?: GpuContext;
  /** Float storage precision on the GPU (default `f32`). */
  precision?: Precision;
  /** Weight precision in f16 runs (default `f32`; `f16` halves weight memory at some accuracy cost). */
  weightPrecision?: Precision;
  /** Memory strategy for intermediate tensors (default `GREEDY_BEST`; see `STRATEGY_NAMES`). */
  strategy?: string;
  /** Measure per-op time: GPU timestamp queries (`gpu`), wall clock per node (`cpu`). */
  profile?: boolean;
  /** Record where each run's time goes (GPU backend; read it as `session.lastTimeline`). */
  timeline?: boolean;
  /** Threads of the `cpu` and `cooperative` backends (default: all cores). */
  threads?: number;
  /** Graph passes to run (default: all); `false` runs none. */
  passes?: boolean | string[];
  /** Reject inputs containing NaN (default `true`). */
  rejectNaN?: boolean;
  /** Extra tensors the GPU backend reads back after each run (for `compare`). */
  inspect?: number[];
  /** Nodes forced onto the CPU (GPU backend). */
  cpuNodes?: number[];
  /** Largest tensor, in bytes, after shape inference (default: a quarter of memory, at most 2 GiB). */
  maxTensorBytes?: number;
  /** Let elementwise ops write their output over an input that dies there (default `false`). */
  inPlace?: boolean;
  /**
   * Shapes of the inputs, by position or by input (or signature) name: they resolve the model's
   * `-1` dimensions, and the plan, memory and kernels are built for them. A dynamic input without
   * a shape here is a `UsageError`. `run` with other shapes builds (and caches) another plan.
   */
  inputShapes?: (number[] | undefined)[] | Record<string, number[]>;
  /**
   * Values of inputs that decide shapes (a TOPK_V2's `k`, TILE's multiples fed as inputs), by
   * position or by input name; binding the model without them is a `ValueNeededError` (an `OpError`)
   * naming them. The plan is built for these values; `run` with other values builds (and caches)
   * another plan, as for other input shapes.
   */
  inputValues?: (HostTensor | TensorData | undefined)[] | Record<string, HostTensor | TensorData>;
  /** The signature to run (its subgraph, inputs and outputs by signature name; default: the main graph). */
  signature?: string;
  /** Reorder independent branches for a lower memory peak, without adding CPU<->GPU hops (default `false`). */
  reorder?: boolean;
  /**
   * Run concatenations in place where their inputs are contiguous blocks of their output: each
   * input is written straight into the output's memory and the concatenation does nothing
   * (default `false`; GPU and CPU backends).
   */
  concatInPlace?: boolean;
  /**
   * Kernel variants by op name, to compare kernels on one device (`{ CONV_2D: "tiled" }`: the
   * tiled implicit GEMM; `{ DEPTHWISE_CONV_2D: "column" }`: the column kernel; the direct kernels
   * run by default). GPU backend.
   */
  variants?: Record<string, string>;
  /**
   * Time the candidate kernels of tunable nodes (CONV_2D's tiles) on the device when the plan is
   * built, with timestamp queries, and plan with the fastest (default `false`: the kernels'
   * heuristics). Choices are kept per adapter for the process; `{ cacheFile }` also reads and
   * writes them in a JSON file, so later processes skip the timing. GPU backend.
   */
  autotune?: boolean | { cacheFile: string };
}

/** Name, dtype and shape of a model input or output. */
export interface TensorInfo {
  /** Tensor name. */
  name: string;
  /** Element type. */
  dtype: DType;
  /** Static shape. */
  shape: number[];
  /** The name the model's signature gives it, when it has one. */
  signatureName?: string;
}

/** Inputs a session accepts: host tensors, bare typed arrays in input order, or by input name. */
export type SessionInputs = (HostTensor | TensorData)[] | Record<string, HostTensor | TensorData>;

/** Arrays to fill: by output position, or keyed by output name or signature name. */
export type OutputTargets =
  | readonly (TensorData | undefined)[]
  | Readonly<Record<string, TensorData | undefined>>;

/** Options of one `session.run`. */
export interface RunOptions {
  /**
   * Arrays to fill with the outputs, by output position or keyed by output (or signature) name:
   * each of the class and length of its output (`Float32Array` for float32, ...). The returned
   * tensors hold these arrays, so a loop that passes the same ones allocates no output memory (the
   * GPU backend copies its readback straight into them); the next run overwrites them.
   */
  outputs?: OutputTargets;
  /**
   * GPU backend: hand out the outputs as views of the session's mapped readback memory instead of
   * copying them out (default `false`). This saves one copy of every output byte (DeepLab v3's 5.5
   * MB output: about half a millisecond per run), but the views are valid only until the session's
   * next `run` or `runMany` (or `dispose`): those unmap the memory, which detaches the arrays (their
   * length becomes 0). Copy what must outlive it. Not with `outputs`; other backends return fresh
   * arrays either way.
   */
  zeroCopy?: boolean;
}

/** A session's outputs: in the model's order, and by name through `byName`. */
export type SessionOutputs = HostTensor[] & {
  /** The same tensors keyed by output name, and by signature output name. */
  readonly byName: Readonly<Record<string, HostTensor>>;
};
