/**
 * The engine's graph IR: tensors, nodes and graphs, independent of TensorFlow Lite and of any backend.
 *
 * A {@linkcode Model} holds one or more {@linkcode Graph}s; a graph holds its tensors (activations and
 * constants) and its nodes in execution order. Node options are plain data decoded from the model file;
 * each kernel parses and validates the options of its own op.
 *
 * @module
 */

/** Element types a tensor may hold. Names follow TensorFlow Lite's `TensorType`, lower-cased. */
export type DType =
  | "float32"
  | "float16"
  | "float64"
  | "int32"
  | "uint8"
  | "int64"
  | "string"
  | "bool"
  | "int16"
  | "complex64"
  | "int8"
  | "uint64"
  | "resource"
  | "variant"
  | "uint32"
  | "uint16"
  | "int4"
  | "bfloat16"
  | "complex128"
  | "uint4"
  | "int2";

/** Bytes per element of each fixed-size dtype; `undefined` for variable-size or sub-byte types. */
export const DTYPE_BYTES: Readonly<Partial<Record<DType, number>>> = {
  float32: 4,
  float16: 2,
  float64: 8,
  int32: 4,
  uint8: 1,
  int64: 8,
  bool: 1,
  int16: 2,
  complex64: 8,
  int8: 1,
  uint64: 8,
  uint32: 4,
  uint16: 2,
  bfloat16: 2,
  complex128: 16,
};

/** Affine quantization parameters: `real = scale * (q - zeroPoint)`, per tensor or per channel. */
export interface Quantization {
  /** One scale per tensor, or one per channel along `quantizedDimension`. */
  scale: number[];
  /** Zero points, same length as `scale`. */
  zeroPoint: number[];
  /** The channel axis of per-channel quantization (0 when per tensor). */
  quantizedDimension: number;
  /** Calibration minimum values, when the file records them. */
  min?: number[];
  /** Calibration maximum values, when the file records them. */
  max?: number[];
  /**
   * Blockwise quantization (TensorFlow Lite's `BlockwiseQuantization` details; `scale` is then
   * empty): every `blockSize` consecutive elements along the last axis share one scale, read from
   * tensor `scales` (shape: the tensor's with the last dimension divided by `blockSize`), and one
   * zero point from tensor `zeroPoints` (`-1`: zero).
   */
  blockwise?: { scales: number; zeroPoints: number; blockSize: number };
}

/** One dimension's metadata in a sparse tensor (TensorFlow Lite's `DimensionMetadata`). */
export interface SparseDimension {
  /** `"dense"` or `"sparse_csr"`. */
  format: "dense" | "sparse_csr";
  /** Size of a dense dimension. */
  denseSize: number;
  /** CSR segment array of a sparse dimension. */
  arraySegments?: number[];
  /** CSR index array of a sparse dimension. */
  arrayIndices?: number[];
}

/** Sparsity parameters of a tensor stored in compressed form (input of DENSIFY). */
export interface Sparsity {
  /** Order in which the dimensions are traversed. */
  traversalOrder: number[];
  /** Block-to-original dimension map. */
  blockMap: number[];
  /** Per traversed dimension metadata. */
  dimMetadata: SparseDimension[];
}

/** A tensor of a graph: an activation (no `data`) or a constant (with `data`). */
export interface Tensor {
  /** Tensor name from the file (may be empty). */
  name: string;
  /** Element type. */
  dtype: DType;
  /** Static shape; `-1` marks a dynamic dimension (taken from the shape signature). */
  shape: number[];
  /** Constant bytes, little-endian, when the tensor is a constant. */
  data?: Uint8Array;
  /** Quantization parameters, when present. */
  quantization?: Quantization;
  /** Sparsity parameters, when the constant is stored compressed. */
  sparsity?: Sparsity;
  /** Whether the tensor is a variable (stateful) tensor. */
  isVariable?: boolean;
  /**
   * The file leaves the rank open (an empty shape without `has_rank`, e.g. MLIR's `tensor<*xf32>`):
   * the tensor is a scalar until an input shape of any rank is given, as TensorFlow Lite's
   * interpreter starts it and resizes it.
   */
  unranked?: boolean;
}

/** A value of a decoded option table: numbers, booleans, strings (enum names), arrays of them. */
export type OptionValue =
  | number
  | boolean
  | string
  | number[]
  | string[]
  | undefined;

/** Decoded builtin options of a node: TensorFlow Lite field names in camelCase, enums as names. */
export type NodeOptions = Record<string, OptionValue>;

/** One operation of a graph. */
export interface Node {
  /** Builtin op name (e.g. `"CONV_2D"`), or `"CUSTOM"` for custom ops. */
  op: string;
  /** Custom op name (e.g. `"Convolution2DTransposeBias"`) when `op` is `"CUSTOM"`. */
  customCode?: string;
  /** Op version from the model's operator code table. */
  version: number;
  /** Input tensor indices; `-1` marks an omitted optional input. */
  inputs: number[];
  /** Output tensor indices. */
  outputs: number[];
  /** Decoded builtin options (empty when the op has none). */
  options: NodeOptions;
  /** Name of the builtin options table the options came from (e.g. `"Conv2DOptions"`). */
  optionsType?: string;
  /** Raw custom options bytes of a custom op. */
  customOptions?: Uint8Array;
  /**
   * Intermediate tensors (the operator's `intermediates`): tensors whose quantization an integer
   * kernel reads, such as the gate and hidden scales of TFLite's integer LSTM.
   */
  intermediates?: number[];
}

/** A (sub)graph: tensors, nodes in execution order, inputs and outputs. */
export interface Graph {
  /** Subgraph name (may be empty). */
  name: string;
  /** All tensors; nodes refer to them by index. */
  tensors: Tensor[];
  /** Nodes in execution order. */
  nodes: Node[];
  /** Indices of the graph's input tensors. */
  inputs: number[];
  /** Indices of the graph's output tensors. */
  outputs: number[];
}

/** A named input or output of a signature. */
export interface SignatureTensor {
  /** Name the signature gives the tensor. */
  name: string;
  /** Tensor index in the signature's subgraph. */
  tensor: number;
}

/** A signature (entry point) of a model. */
export interface Signature {
  /** Signature key. */
  key: string;
  /** Subgraph the signature runs. */
  subgraph: number;
  /** Named inputs. */
  inputs: SignatureTensor[];
  /** Named outputs. */
  outputs: SignatureTensor[];
}

/** A model: subgraphs (the first is the main one), signatures and metadata. */
export interface Model {
  /** Schema version recorded in the file. */
  version: number;
  /** Free-form description from the file. */
  description: string;
  /** Subgraphs; index 0 is the main graph. */
  subgraphs: Graph[];
  /** Signatures (entry points). */
  signatures: Signature[];
  /** Metadata entries: name and raw bytes. */
  metadata: { name: string; data: Uint8Array }[];
}

/**
 * Number of elements of a static shape (1 for a scalar).
 *
 * @example
 * ```ts
 * import { numElements } from "./ir.ts";
 * if (numElements([2, 3, 4]) !== 24) throw new Error("wrong");
 * ```
 *
 * @param shape The shape, every dimension non-negative.
 * @returns The product of the dimensions.
 */
export function numElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Whether the tensor is a constant (holds data in the model).
 *
 * @example
 * ```ts
 * import { isConstant } from "./ir.ts";
 * const t = { name: "w", dtype: "float32" as const, shape: [1], data: new Uint8Array(4) };
 * if (!isConstant(t)) throw new Error("wrong");
 * ```
 *
 * @param tensor The tensor.
 * @returns `true` when the tensor carries constant data.
 */
export function isConstant(tensor: Tensor): boolean {
  return tensor.data !== undefined && tensor.data.byteLength > 0;
}

/**
 * The display name of a node's op: the custom code for custom ops, the builtin name otherwise.
 *
 * @example
 * ```ts
 * import { opName } from "./ir.ts";
 * const n = { op: "CUSTOM", customCode: "MaxUnpooling2D", version: 1, inputs: [], outputs: [], options: {} };
 * if (opName(n) !== "MaxUnpooling2D") throw new Error("wrong");
 * ```
 *
 * @param node The node.
 * @returns The op name used by the kernel registry.
 */
export function opName(node: Pick<Node, "op" | "customCode">): string {
  return node.op === "CUSTOM" ? (node.customCode ?? "CUSTOM") : node.op;
}
