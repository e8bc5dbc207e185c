/**
 * Typed parameter blocks of the WebAssembly kernels. A kernel reads its parameters from a block in
 * linear memory that the op's CPU builder writes once, when the backend is created. Each block is
 * defined here once, as an ordered list of named words; the builder writes it with
 * {@linkcode encodeBlock} (every field required, by name) and the generator reads the same
 * fields' byte offsets with {@linkcode blockOffset}, so the two cannot drift.
 *
 * @module
 */

/** The type of one field: a 32-bit integer, a 32-bit float, or a 64-bit float (8-byte aligned). */
export type WordType = "i32" | "f32" | "f64";

/** A block's fields in memory order, by name. */
export type BlockFields = Readonly<Record<string, WordType>>;

/** A parameter block layout: its fields, each field's byte offset and the block's size. */
export interface ParamBlock<F extends BlockFields> {
  /** The fields, in memory order. */
  readonly fields: F;
  /** Byte offset of each field. */
  readonly offsets: Readonly<Record<keyof F, number>>;
  /** Size in bytes (a multiple of 4). */
  readonly bytes: number;
}

/** Values of every field of a block, by name. */
export type BlockValues<F extends BlockFields> = { readonly [K in keyof F]: number };

/**
 * Lays out a parameter block: fields in order, 4 bytes each, `f64` fields 8 bytes on an 8-byte
 * boundary.
 *
 * @example
 * ```ts
 * import { paramBlock } from "./blocks.ts";
 * const b = paramBlock({ n: "i32", scale: "f64" });
 * if (b.offsets.scale !== 8 || b.bytes !== 16) throw new Error("wrong");
 * ```
 *
 * @param fields The fields in memory order.
 * @returns The layout.
 */
export function paramBlock<const F extends BlockFields>(fields: F): ParamBlock<F> {
  const offsets = {} as Record<keyof F, number>;
  let at = 0;
  for (const [name, type] of Object.entries(fields)) {
    if (type === "f64") at = (at + 7) & ~7;
    offsets[name as keyof F] = at;
    at += type === "f64" ? 8 : 4;
  }
  return { fields, offsets, bytes: (at + 3) & ~3 };
}

/**
 * Encodes a block's values as little-endian words.
 *
 * @example
 * ```ts
 * import { encodeBlock, paramBlock } from "./blocks.ts";
 * const b = paramBlock({ n: "i32", lo: "f32" });
 * const w = encodeBlock(b, { n: 3, lo: 1.5 });
 * if (w[0] !== 3 || new Float32Array(w.buffer)[1] !== 1.5) throw new Error("wrong");
 * ```
 *
 * @param block The layout.
 * @param values Every field's value.
 * @returns The block's words.
 */
export function encodeBlock<F extends BlockFields>(
  block: ParamBlock<F>,
  values: BlockValues<F>,
): Int32Array {
  const buf = new ArrayBuffer(block.bytes);
  const dv = new DataView(buf);
  for (const [name, type] of Object.entries(block.fields)) {
    const at = block.offsets[name as keyof F], v = values[name as keyof F];
    if (type === "i32") dv.setInt32(at, v, true);
    else if (type === "f32") dv.setFloat32(at, v, true);
    else dv.setFloat64(at, v, true);
  }
  return new Int32Array(buf);
}

/**
 * Byte offset of a field, for the generator's loads.
 *
 * @example
 * ```ts
 * import { blockOffset, CONV_GEMM } from "./blocks.ts";
 * if (blockOffset(CONV_GEMM, "min") !== 36) throw new Error("wrong");
 * ```
 *
 * @param block The layout.
 * @param name The field.
 * @returns Its byte offset.
 */
export function blockOffset<F extends BlockFields>(block: ParamBlock<F>, name: keyof F): number {
  return block.offsets[name];
}

/**
 * Float CONV_2D / FULLY_CONNECTED indirect GEMM (`conv_gemm`): indirection (per output pixel,
 * `taps` input addresses), packed weights (panels of 8 output channels `[taps][depth][8]`), bias
 * padded to 8, output, clamp range, blocking, PRELU slopes padded to 8 (`0`: none), and a residual
 * of the output's shape added after the clamp, then clamped to its own range (`0`: none); the
 * slopes apply last. With an output indirection (per pixel, the address of its first output
 * channel; `0`: none) rows go there instead of `out + pixel · outStride`. `hardSwish` (`1`) applies
 * HARD_SWISH after the clamp, for a node whose epilogue starts with it (then nothing else applies).
 *
 * @example
 * ```ts
 * import { CONV_GEMM } from "./blocks.ts";
 * if (CONV_GEMM.bytes !== 84) throw new Error("wrong");
 * ```
 */
export const CONV_GEMM = paramBlock({
  indirection: "i32",
  pixels: "i32",
  taps: "i32",
  depth: "i32",
  weights: "i32",
  bias: "i32",
  out: "i32",
  channels: "i32",
  outStride: "i32",
  min: "f32",
  max: "f32",
  pixelsPerTask: "i32",
  panelsPerTask: "i32",
  tasksM: "i32",
  panels: "i32",
  slopes: "i32",
  residual: "i32",
  residualMin: "f32",
  residualMax: "f32",
  outIndirection: "i32",
  hardSwish: "i32",
});

/**
 * Float DEPTHWISE_CONV_2D (`depthwise`): weights `[taps][Cp]` (Cp = channels rounded up to 4),
 * bias `[Cp]`, output pixel stride in bytes, and epilogue steps applied in registers after the
 * clamp as in {@linkcode CONV_GEMM}: a residual of the output's shape with its clamp, PRELU slopes
 * `[Cp]`, or HARD_SWISH (`0`: none; {@linkcode NO_EPILOGUE} for kernels without them).
 *
 * @example
 * ```ts
 * import { DEPTHWISE } from "./blocks.ts";
 * if (DEPTHWISE.offsets.pixelsPerTask !== 40) throw new Error("wrong");
 * ```
 */
export const DEPTHWISE = paramBlock({
  indirection: "i32",
  pixels: "i32",
  taps: "i32",
  channels: "i32",
  weights: "i32",
  bias: "i32",
  out: "i32",
  outStride: "i32",
  min: "f32",
  max: "f32",
  pixelsPerTask: "i32",
  residual: "i32",
  residualMin: "f32",
  residualMax: "f32",
  slopes: "i32",
  hardSwish: "i32",
});

/**
 * The {@linkcode DEPTHWISE} epilogue fields of a kernel that applies none.
 *
 * @example
 * ```ts
 * import { NO_EPILOGUE } from "./blocks.ts";
 * if (NO_EPILOGUE.residual !== 0) throw new Error("wrong");
 * ```
 */
export const NO_EPILOGUE = {
  residual: 0,
  residualMin: 0,
  residualMax: 0,
  slopes: 0,
  hardSwish: 0,
} as const;

/**
 * Row-wise binary elementwise ops (`bin_*`): row strides in bytes (0 repeats a row).
 *
 * @example
 * ```ts
 * import { BINARY } from "./blocks.ts";
 * if (BINARY.offsets.rows !== 40) throw new Error("wrong");
 * ```
 */
export const BINARY = paramBlock({
  a: "i32",
  b: "i32",
  out: "i32",
  rowLength: "i32",
  aStride: "i32",
  bStride: "i32",
  outStride: "i32",
  min: "f32",
  max: "f32",
  rowsPerTask: "i32",
  rows: "i32",
});

/**
 * Unary elementwise ops (`un_*`): elements per task a multiple of 4.
 *
 * @example
 * ```ts
 * import { UNARY } from "./blocks.ts";
 * if (UNARY.offsets.min !== 12) throw new Error("wrong");
 * ```
 */
export const UNARY = paramBlock({
  x: "i32",
  y: "i32",
  n: "i32",
  min: "f32",
  max: "f32",
  perTask: "i32",
});

/**
 * 8-bit ADD (`q_add_*`): zero points, the two input rescalings and the output's (multiplier,
 * left shift, right shift), the clamp range, elements per task a multiple of 8.
 *
 * @example
 * ```ts
 * import { Q_ADD } from "./blocks.ts";
 * if (Q_ADD.offsets.perTask !== 72) throw new Error("wrong");
 * ```
 */
export const Q_ADD = paramBlock({
  a: "i32",
  b: "i32",
  out: "i32",
  n: "i32",
  zeroA: "i32",
  zeroB: "i32",
  zeroOut: "i32",
  multA: "i32",
  leftA: "i32",
  rightA: "i32",
  multB: "i32",
  leftB: "i32",
  rightB: "i32",
  multOut: "i32",
  leftOut: "i32",
  rightOut: "i32",
  qmin: "i32",
  qmax: "i32",
  perTask: "i32",
});

/**
 * Widening of 8-bit rows to int16 minus the zero point (`q_widen_*`), rows padded to
 * `depthPadded` elements.
 *
 * @example
 * ```ts
 * import { Q_WIDEN } from "./blocks.ts";
 * if (Q_WIDEN.offsets.zeroPoint !== 20) throw new Error("wrong");
 * ```
 */
export const Q_WIDEN = paramBlock({
  src: "i32",
  dst: "i32",
  rows: "i32",
  depth: "i32",
  depthPadded: "i32",
  zeroPoint: "i32",
  rowsPerTask: "i32",
});

/**
 * 8-bit CONV_2D / FULLY_CONNECTED GEMM (`q_conv_gemm_*`): int16 weights, int32 bias, the
 * requantization arrays (multipliers, left and right shifts, or the per-channel SIMD form), output
 * zero point and clamp range, blocking, and whether each task makes the int16 rows of its pixels
 * first (`prep` 1; else an earlier step made them): row `m`, at `prepRows` with the rows' stride,
 * from the `prepTaps` 8-bit addresses at `prepSrc + m * prepTaps * 4`, each tap's `prepDepth`
 * values side by side (`prepDepth` < 8 when `prepTaps` > 1).
 *
 * @example
 * ```ts
 * import { Q_CONV_GEMM } from "./blocks.ts";
 * if (Q_CONV_GEMM.bytes !== 100) throw new Error("wrong");
 * ```
 */
export const Q_CONV_GEMM = paramBlock({
  indirection: "i32",
  pixels: "i32",
  taps: "i32",
  depthPadded: "i32",
  weights: "i32",
  bias: "i32",
  out: "i32",
  channels: "i32",
  outStride: "i32",
  mult: "i32",
  left: "i32",
  right: "i32",
  outZeroPoint: "i32",
  qmin: "i32",
  qmax: "i32",
  pixelsPerTask: "i32",
  panelsPerTask: "i32",
  tasksM: "i32",
  panels: "i32",
  prep: "i32",
  prepSrc: "i32",
  prepTaps: "i32",
  prepDepth: "i32",
  prepZeroPoint: "i32",
  prepRows: "i32",
});

/**
 * 8-bit DEPTHWISE_CONV_2D (`q_depthwise_*`): indirection into 8-bit rows, int16 weights
 * `[taps / 2][Cp][2]` (Cp = channels rounded up to 16), requantization arrays, zero points and
 * clamp range.
 *
 * @example
 * ```ts
 * import { Q_DEPTHWISE } from "./blocks.ts";
 * if (Q_DEPTHWISE.offsets.inZeroPoint !== 60) throw new Error("wrong");
 * ```
 */
export const Q_DEPTHWISE = paramBlock({
  indirection: "i32",
  pixels: "i32",
  taps: "i32",
  channels: "i32",
  weights: "i32",
  bias: "i32",
  out: "i32",
  outStride: "i32",
  mult: "i32",
  left: "i32",
  right: "i32",
  outZeroPoint: "i32",
  qmin: "i32",
  qmax: "i32",
  pixelsPerTask: "i32",
  inZeroPoint: "i32",
});

/**
 * QUANTIZE of float32 to 8 bits (`q_quantize_*`), groups of 8 elements; the rounding constants in
 * double precision.
 *
 * @example
 * ```ts
 * import { Q_QUANTIZE } from "./blocks.ts";
 * if (Q_QUANTIZE.offsets.scale !== 24) throw new Error("wrong");
 * ```
 */
export const Q_QUANTIZE = paramBlock({
  x: "i32",
  y: "i32",
  groups: "i32",
  groupsPerTask: "i32",
  zeroPoint: "i32",
  scale: "f64",
  lo: "f64",
  hi: "f64",
  half: "f64",
});

/**
 * Float RESIZE_BILINEAR (`resize_bilinear`): per output row `[row0 address, row1 address, ty]`,
 * per output column `[col0 byte offset, col1 byte offset, tx]` (12 bytes each), the channel bytes
 * of a pixel, the output width, row blocking.
 *
 * @example
 * ```ts
 * import { RESIZE } from "./blocks.ts";
 * if (RESIZE.bytes !== 28) throw new Error("wrong");
 * ```
 */
export const RESIZE = paramBlock({
  rowTable: "i32",
  colTable: "i32",
  out: "i32",
  channelBytes: "i32",
  outW: "i32",
  rowsPerTask: "i32",
  rows: "i32",
});

/**
 * Float window maximum (`window_max`, `window_argmax`): per output pixel `taps` input addresses
 * (padding taps point at a row of float32's lowest value), channels, the values' output, the window
 * indices' output (`window_argmax` only), clamp range.
 *
 * @example
 * ```ts
 * import { WINDOW_MAX } from "./blocks.ts";
 * if (WINDOW_MAX.offsets.pixelsPerTask !== 28) throw new Error("wrong");
 * ```
 */
export const WINDOW_MAX = paramBlock({
  indirection: "i32",
  pixels: "i32",
  taps: "i32",
  channels: "i32",
  out: "i32",
  indices: "i32",
  min: "f32",
  pixelsPerTask: "i32",
  max: "f32",
});

/**
 * Float MaxUnpooling2D over windows that tile the output (`unpool`): per output pixel `[byte offset
 * of its window's input pixel, its index in the window]`, the values and (float32) indices, the
 * output, channels (a multiple of 4), and an optional residual ADD (with its clamp) and PRELU
 * slopes as in {@linkcode CONV_GEMM}.
 *
 * @example
 * ```ts
 * import { UNPOOL } from "./blocks.ts";
 * if (UNPOOL.bytes !== 44) throw new Error("wrong");
 * ```
 */
export const UNPOOL = paramBlock({
  table: "i32",
  values: "i32",
  indices: "i32",
  out: "i32",
  channels: "i32",
  pixels: "i32",
  pixelsPerTask: "i32",
  residual: "i32",
  residualMin: "f32",
  residualMax: "f32",
  slopes: "i32",
});

/**
 * Float spatial mean (`mean_pixels`): per column (a batch and a block of up to 16 channels) the sum
 * over `pixels` pixels of `channels` values each (a multiple of 4), in float64, divided by `count`.
 *
 * @example
 * ```ts
 * import { MEAN_PIXELS } from "./blocks.ts";
 * if (MEAN_PIXELS.offsets.columnsPerTask !== 24) throw new Error("wrong");
 * ```
 */
export const MEAN_PIXELS = paramBlock({
  x: "i32",
  y: "i32",
  pixels: "i32",
  channels: "i32",
  count: "f32",
  columns: "i32",
  columnsPerTask: "i32",
});

/**
 * Float convolution with one output channel (`conv_dot`): per output pixel `taps` input addresses
 * (as {@linkcode CONV_GEMM}), `depth` floats per tap (a multiple of 4), weights `[taps][depth]`,
 * the bias, the output (one float per pixel), clamp range.
 *
 * @example
 * ```ts
 * import { CONV_DOT } from "./blocks.ts";
 * if (CONV_DOT.offsets.pixelsPerTask !== 36) throw new Error("wrong");
 * ```
 */
export const CONV_DOT = paramBlock({
  indirection: "i32",
  pixels: "i32",
  taps: "i32",
  depth: "i32",
  weights: "i32",
  bias: "f32",
  out: "i32",
  min: "f32",
  max: "f32",
  pixelsPerTask: "i32",
});
