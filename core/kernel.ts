/**
 * The contract every op implements: option parsing, shape inference, a CPU reference, an optional
 * WGSL generator, and conformance cases. One folder per op under `kernels/`, one line in
 * `kernels/registry.ts`.
 *
 * @module
 */
import type { DType, NodeOptions, Quantization } from "./ir.ts";
import type { SubgraphBinder } from "./exec_graph.ts";

/** Numeric precision of GPU storage: `f32`, or `f16` when the adapter has `shader-f16`. */
export type Precision = "f32" | "f16";

/** Typed arrays a host tensor may hold. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | BigInt64Array;

/** Static description of a tensor: dtype, shape and quantization. */
export interface TensorSpec {
  /** Element type. */
  dtype: DType;
  /** Static shape (row-major; NHWC for 4-D activations). */
  shape: number[];
  /** Quantization parameters, when the tensor is quantized. */
  quantization?: Quantization;
}

/** A tensor on the host: row-major data (NHWC for 4-D). Float16 data is stored as raw `Uint16Array` bits. */
export interface HostTensor extends TensorSpec {
  /** Elements in row-major order. */
  data: TensorData;
}

/** An op input as seen by option parsing and shape inference: spec plus the value when constant. */
export interface OpInput extends TensorSpec {
  /** The constant value, when the input is a constant of the model. */
  value?: HostTensor;
}

/** What {@linkcode KernelDef.parse} receives. */
export interface ParseArgs {
  /** Decoded builtin options (camelCase schema names, enums as names). */
  options: NodeOptions;
  /** Raw custom options of a custom op. */
  customOptions?: Uint8Array;
  /** Inputs (`undefined` for an omitted optional input). */
  inputs: (OpInput | undefined)[];
  /**
   * Specs of the operator's intermediate tensors, when the file lists any (TFLite's integer LSTM
   * keeps its gate and hidden scales there).
   */
  intermediates?: TensorSpec[];
  /**
   * The model's other subgraphs, for control-flow ops (WHILE, IF, CALL_ONCE) that run one: binds a
   * subgraph for inputs of given specs. Absent when the node is bound outside a model.
   */
  subgraphs?: SubgraphBinder;
}

/** What {@linkcode KernelDef.infer} and {@linkcode KernelDef.reference} receive besides tensors. */
export interface InferArgs<O> {
  /** Inputs (`undefined` for an omitted optional input). */
  inputs: (OpInput | undefined)[];
  /** Parsed options. */
  options: O;
  /**
   * The output specs the model (or conformance case) declares, when known. Ops whose output type is
   * not a function of inputs and options (QUANTIZE's dtype and quantization, CAST without options)
   * read them here; other ops ignore them.
   */
  outputs?: TensorSpec[];
}

/** What {@linkcode KernelDef.reference} receives. */
export interface ReferenceArgs<O> {
  /** Input values (`undefined` for an omitted optional input). */
  inputs: (HostTensor | undefined)[];
  /** Parsed options. */
  options: O;
  /** Output specs from {@linkcode KernelDef.infer}. */
  outputs: TensorSpec[];
  /**
   * State of stateful ops (resource variables, whether CALL_ONCE ran), one per executor and kept
   * from run to run; stateless ops ignore it.
   */
  state?: Map<string, unknown>;
}

/** A GPU tensor as a kernel sees it: logical shape and its PHWC4 geometry. */
export interface GpuTensorInfo extends TensorSpec {
  /** The shape padded on the left to rank 4: `[b, h, w, c]`. */
  shape4: [number, number, number, number];
  /** Number of 4-channel slices, `ceil(c / 4)`. */
  slices: number;
  /** The constant value, when the tensor is a constant input. */
  value?: HostTensor;
}

/** Device limits a kernel may plan around. */
export interface GpuLimitsInfo {
  /** `maxComputeInvocationsPerWorkgroup`. */
  maxInvocations: number;
  /** `maxComputeWorkgroupSizeX/Y/Z`. */
  maxWorkgroupSize: [number, number, number];
  /** `maxComputeWorkgroupsPerDimension`. */
  maxWorkgroupsPerDimension: number;
  /** `maxStorageBufferBindingSize` in bytes. */
  maxStorageBufferBindingSize: number;
  /** `maxComputeWorkgroupStorageSize` in bytes. */
  maxWorkgroupStorageSize: number;
}

/** What {@linkcode GpuKernelDef.plan} receives. */
export interface GpuPlanArgs<O> {
  /** Inputs (`undefined` for an omitted optional input); constants carry `value`. */
  inputs: (GpuTensorInfo | undefined)[];
  /** Outputs. */
  outputs: GpuTensorInfo[];
  /** Parsed options. */
  options: O;
  /** Storage precision of float tensors. */
  precision: Precision;
  /** Device limits. */
  limits: GpuLimitsInfo;
  /**
   * Kernel variants the session asks for, by op name (`{ CONV_2D: "tiled" }`), to compare
   * kernels on the same device; ops ignore names they do not know.
   */
  variants?: Readonly<Record<string, string>>;
  /**
   * The measured choice among {@linkcode GpuKernelDef.tune}'s candidates for this node, when the
   * session tuned it (absent: the kernel's own heuristic).
   */
  tuning?: unknown;
}

/** What {@linkcode GpuKernelDef.tune} returns: the candidates worth timing for one node. */
export interface GpuTuneSpace {
  /** Identifies the problem (op, shapes, parameters, precision): choices are cached under it. */
  key: string;
  /** Candidates, JSON-serialisable; the first is the kernel's heuristic choice. */
  candidates: unknown[];
}

/**
 * A buffer a GPU program binds.
 *
 * - `input`/`output`: tensor `index` of the node, in PHWC4 layout. Kernels never touch the binding
 *   itself: the engine generates accessors named after `name` (below), which hide where the tensor
 *   lives (its own buffer, or an arena at an offset) and apply fused epilogues on store.
 * - `const`: data the kernel derives from constant inputs (weights in kernel-friendly layouts),
 *   uploaded once and declared `var<storage, read> NAME: array<ELEM>`. When `elem` mentions `T`, the
 *   data is float and stored in the run's precision.
 * - `scratch`: a temporary read_write buffer shared by the programs of one node, identified by `id`,
 *   declared `var<storage, read_write> NAME: array<ELEM>` with `length` elements.
 *
 * Accessors of an `input` named `x` (float tensors read as f32; int32 tensors as i32):
 * `x_idx(b, h, w, s) -> i32` (vec4 index), `x_load(i: i32) -> vec4<f32>`,
 * `x_vec(b, h, w, s) -> vec4<f32>`, `x_at(b, h, w, c) -> f32`.
 * Accessors of an `output` named `y`: `y_idx(b, h, w, s) -> i32` and `y_store(i: i32, v: vec4<f32>)`,
 * which applies the fused epilogue, zeroes lanes past the channel count and converts to storage.
 * For int32 tensors the vec4/scalar types are `vec4<i32>`/`i32`. Every thread that owns an output vec4
 * must store it (outputs are poisoned before conformance runs).
 */
export type GpuBinding =
  | { kind: "input"; index: number; name: string }
  | { kind: "output"; index: number; name: string }
  | {
    kind: "const";
    name: string;
    elem: "T" | "vec4<T>" | "f32" | "vec4<f32>" | "i32" | "vec4<i32>" | "u32";
    data: Float32Array | Int32Array | Uint32Array;
  }
  | {
    kind: "scratch";
    name: string;
    id: number;
    elem: "T" | "vec4<T>" | "f32" | "vec4<f32>" | "i32" | "vec4<i32>" | "u32";
    length: number;
  };

/**
 * One compute dispatch. `code` is WGSL without the preamble: the engine prepends `enable f16;` when
 * needed, `alias T = f32;` (or `f16`), the binding declarations and the tensor accessors (see
 * {@linkcode GpuBinding}). Its entry point is `main`. Arithmetic should be done in f32 (accessors
 * return f32); storage is converted by the accessors.
 */
export interface GpuProgram {
  /** Label for profiling and errors. */
  label: string;
  /** WGSL source without the preamble. */
  code: string;
  /** Buffers in binding order. */
  bindings: GpuBinding[];
  /** Workgroup counts `[x, y, z]`. */
  dispatch: [number, number, number];
}

/** The GPU half of an op. */
export interface GpuKernelDef<O> {
  /**
   * The largest tensor rank the kernel takes (default 4). Tensors of rank 5 are stored in PHWC4
   * with their leading dimensions folded into the batch (`[N, D, H, W, C]` as `[N * D, H, W, C]`).
   */
  maxRank?: number;
  /**
   * Why this node cannot run on the GPU (dtype, rank, size), or `undefined` when it can.
   * Omitted means every node the op parses runs on the GPU.
   */
  unsupported?(args: GpuPlanArgs<O>): string | undefined;
  /**
   * Candidates a session's autotune times for this node (each planned with `args.tuning` set to
   * it), or `undefined` when the node has nothing to tune. Omitted: never tuned.
   */
  tune?(args: GpuPlanArgs<O>): GpuTuneSpace | undefined;
  /** The dispatches that compute the node, in order. */
  plan(args: GpuPlanArgs<O>): GpuProgram[];
}

/** How to fill a case input. */
export interface CaseInput extends TensorSpec {
  /** Fixed values (row-major); otherwise seeded random values. */
  data?: ArrayLike<number>;
  /** Range of random values (default `[-1, 1]` for floats, `[0, 10)` for ints). */
  range?: [number, number];
  /** Whether the input is a constant of the one-op model (weights, shapes, axes). */
  constant?: boolean;
}

/** One conformance case: a one-node model, described as data. */
export interface OpCase {
  /** Short description of the parameters (shown as the worst case). */
  name: string;
  /** Inputs of the node; `null` marks an omitted optional input. */
  inputs: (CaseInput | null)[];
  /** Raw options as the TFLite reader decodes them. */
  options?: NodeOptions;
  /** Raw custom options, for custom ops. */
  customOptions?: Uint8Array;
  /** Set `false` to skip the case in f16 (values out of f16 range by design). */
  f16?: boolean;
  /** Declared output specs, for ops whose output type the model states (QUANTIZE, CAST). */
  outputs?: TensorSpec[];
}

/**
 * What passes, planners and backends know about an op, as data. Code outside `kernels/` reads these
 * fields instead of listing op names.
 */
export interface OpTraits {
  /**
   * Moves or reinterprets elements without arithmetic (RESHAPE, CONCATENATION, TRANSPOSE, ...).
   * In f16 runs, tensors that reach a graph output through such ops keep f32 storage.
   */
  dataMovement?: boolean;
  /**
   * Costs one pass over memory: a short run of such GPU nodes stranded between CPU nodes moves to
   * the CPU (one hop fewer is worth more than the GPU's speed on them).
   */
  cheap?: boolean;
  /**
   * How cooperative (µLayer) execution splits one node across processors: by output channels of
   * its weights (`weights`: CONV_2D, FULLY_CONNECTED), or by input channels (`input`: depthwise
   * convolution, pooling).
   */
  split?: "weights" | "input";
  /**
   * Under 8-bit quantization the output keeps the input's scale and zero point (RESHAPE, pooling,
   * CONCATENATION of equal scales): calibration passes the input's parameters through.
   */
  quantPassThrough?: boolean;
  /**
   * Elementwise: every thread (GPU) and every SIMD lane (CPU) reads each input element before
   * writing the output element at the same index, so the output may overwrite an input of the same
   * shape and storage that dies at this node (in-place execution).
   */
  inPlace?: boolean;
  /**
   * The outputs depend only on the shapes of the inputs, never on their values (SHAPE): once the
   * input shapes are known the node is evaluated at binding and its outputs become constants.
   */
  shapeOnly?: boolean;
  /**
   * Reads or writes state outside its tensors (resource variables, CALL_ONCE, control flow whose
   * subgraphs may): the execution order of the file is kept (no reordering for memory).
   */
  stateful?: boolean;
  /**
   * Lays its inputs end to end along one axis and computes nothing (CONCATENATION without a fused
   * activation): the axis (negative counts from the end) for the node's parsed options, or
   * `undefined` when this node computes. Such a node can run in place: its inputs written straight
   * into its output's memory.
   */
  joinAxis?: (options: unknown) => number | undefined;
}

/** What a CPU step sees when it runs: views of the backend's shared memory and its thread pool. */
export interface CpuRuntime {
  /** f32 view of the whole memory. */
  f32: Float32Array;
  /** i32 view of the whole memory. */
  i32: Int32Array;
  /** Byte view of the whole memory. */
  u8: Uint8Array;
  /** The thread pool: runs kernel `fn` of the WebAssembly module over `tasks` tasks. */
  pool: { run(fn: number, params: number, tasks: number): void };
}

/** One step of a node on the CPU backend: a kernel dispatch or a loop over the memory. */
export type CpuStep = (rt: CpuRuntime) => void;

/** What CPU builders use once, when the CPU backend is created. */
export interface CpuBuildContext {
  /** The graph. */
  readonly graph: {
    readonly tensors: readonly (TensorSpec & { value?: HostTensor; name: string })[];
  };
  /** Threads the pool will have. */
  readonly threads: number;
  /** Byte address of a tensor (activation in the arena, or a constant copied once). */
  addr(t: number): number | undefined;
  /** Allocates `bytes` of static memory (64-byte aligned, zero-filled). */
  alloc(bytes: number): number;
  /** The shared scratch region (reused by every node), at least `bytes` long. */
  scratch(bytes: number): number;
  /** Queues data to write at an address before the first run. */
  put(addr: number, data: Float32Array | Int32Array | Uint8Array): void;
  /** Index of a kernel export of the WebAssembly module, `-1` if the module lacks it. */
  kernel(name: string): number;
}

/** The node a CPU builder lowers: its parsed options, tensors and fused epilogue. */
export interface CpuNode<O> {
  /** Op name. */
  op: string;
  /** Parsed options. */
  options: O;
  /** Input tensor indices (`-1` for omitted optional inputs). */
  inputs: readonly number[];
  /** Output tensor indices. */
  outputs: readonly number[];
  /**
   * Fused elementwise steps on output 0, with their extra operands. A builder may apply leading
   * steps itself (saying how many in its result's `epilogueApplied`); the backend applies the rest.
   */
  epilogue: readonly {
    op: string;
    extra?: readonly { tensor: number; mode: string }[];
    /** The source node's fused activation, for steps made from a node (see `fuse_epilogue.ts`). */
    activation?: string;
  }[];
}

/**
 * Lowers one node to CPU steps at backend creation (repacking weights, writing parameter blocks),
 * or returns `undefined` when the node is outside what the fast path handles (it then runs on the
 * reference).
 */
export type CpuBuilder<O> = (ctx: CpuBuildContext, node: CpuNode<O>) => CpuSteps | undefined;

/** A CPU builder's steps, and how many leading epilogue steps of the node they apply (default 0). */
export type CpuSteps = CpuStep[] & { epilogueApplied?: number };

/** The fast CPU half of an op (WebAssembly SIMD over the worker pool). */
export interface CpuKernelDef<O> {
  /** Float32 nodes. */
  float?: CpuBuilder<O>;
  /** 8-bit (int8/uint8) quantized nodes, in TFLite's integer arithmetic. */
  quant?: CpuBuilder<O>;
}

/**
 * The 8-bit half of an op: TFLite's integer arithmetic (zero points, per-tensor and per-channel
 * scales, int32 accumulators, fixed-point requantization), bit-exact with TFLite's reference
 * kernels.
 */
export interface QuantKernelDef<O> {
  /** Output specs of an 8-bit node; omitted: the file's declared outputs, shapes from `infer`. */
  infer?(args: InferArgs<O>): TensorSpec[];
  /** Integer reference: quantized inputs in, quantized (or int32/float, as declared) outputs. */
  reference(args: ReferenceArgs<O>): HostTensor[];
  /**
   * Whether `reference` also takes int16 activations (TFLite's 16x8 scheme: symmetric int16
   * activations, zero point 0). Nodes with int16 activations bind in integer mode only then.
   */
  int16?: boolean;
}

/** An op: everything the engine and the conformance harness need. */
export interface KernelDef<O = unknown> {
  /** Registry name: the builtin op name (`"CONV_2D"`) or the custom code (`"MaxUnpooling2D"`). */
  name: string;
  /** `true` for custom ops (builtin code `CUSTOM`). */
  custom?: boolean;
  /** Name of the TFLite builtin options table (`"Conv2DOptions"`), for writing one-op models. */
  optionsType?: string;
  /** Validates and types the node's options; throws `OpError` naming the problem. */
  parse(args: ParseArgs): O;
  /** Output dtypes and shapes; throws `OpError` for inputs that do not fit. */
  infer(args: InferArgs<O>): TensorSpec[];
  /** Plain CPU reference, accumulating in float64. */
  reference(args: ReferenceArgs<O>): HostTensor[];
  /** The GPU implementation, when there is one. */
  gpu?: GpuKernelDef<O>;
  /** Whether f16 makes sense for this op (default `true` when `gpu` is present). */
  f16?: boolean;
  /** Conformance cases. */
  cases(): OpCase[];
  /** What passes, planners and backends need to know about the op. */
  traits?: OpTraits;
  /** Fast CPU kernels. */
  cpu?: CpuKernelDef<O>;
  /** The 8-bit integer reference. */
  quant?: QuantKernelDef<O>;
}

/** A kernel of any options type, as registries and executors hold them. */
// deno-lint-ignore no-explicit-any
export type AnyKernelDef = KernelDef<any>;
