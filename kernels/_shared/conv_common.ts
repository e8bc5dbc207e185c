/**
 * Shared pieces of the convolution ops: TFLite padding arithmetic, option parsing, input checks,
 * and weight repacking into the GPU kernels' vec4 layouts.
 *
 * @module
 */
import type { NodeOptions } from "../../core/ir.ts";
import { OpError } from "../../core/errors.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import type { HostTensor, OpInput, TensorSpec } from "../../core/kernel.ts";
import { activationOption, enumOption, intOption } from "./options.ts";
import { numbersOf, readNumber } from "./tensor.ts";

/** TFLite padding schemes. */
export type PaddingKind = "SAME" | "VALID";

/** Output size and leading padding of one spatial axis. */
export interface AxisGeometry {
  /** Output size. */
  out: number;
  /** Padding before the first input element (TFLite's `padding_values`). */
  before: number;
}

/**
 * Output size and leading padding of a convolution axis, as TFLite computes them: SAME gives
 * `ceil(in / stride)`, VALID `ceil((in - (k - 1) * dilation) / stride)`; the total padding is
 * `max((out - 1) * stride + (k - 1) * dilation + 1 - in, 0)` and the leading part its floor half.
 *
 * @example
 * ```ts
 * import { convAxis } from "./conv_common.ts";
 * const a = convAxis({ padding: "SAME", size: 224, kernel: 3, stride: 2, dilation: 1 });
 * if (a.out !== 112 || a.before !== 0) throw new Error("wrong");
 * ```
 *
 * With `explicit` padding `[before, after]` (a PAD folded into the convolution), the input is
 * taken as padded by those amounts and read with VALID padding: `out = floor((in + before + after -
 * eff) / stride) + 1`, the leading padding `before`.
 *
 * @param args Padding, input size, kernel size, stride and dilation of the axis, and explicit
 *   padding where it replaces `padding`.
 * @returns The output size (at most 0 when VALID leaves nothing) and the leading padding.
 */
export function convAxis(args: {
  padding: PaddingKind;
  size: number;
  kernel: number;
  stride: number;
  dilation: number;
  explicit?: readonly [number, number];
}): AxisGeometry {
  const { padding, size, kernel, stride, dilation, explicit } = args;
  const eff = (kernel - 1) * dilation + 1;
  if (explicit) {
    return {
      out: Math.floor((size + explicit[0] + explicit[1] - eff) / stride) + 1,
      before: explicit[0],
    };
  }
  const out = padding === "SAME" ? Math.ceil(size / stride) : Math.ceil((size - eff + 1) / stride);
  const total = Math.max((out - 1) * stride + eff - size, 0);
  return { out, before: Math.floor(total / 2) };
}

/**
 * Output size and leading padding of both spatial axes of a 2-D convolution window over an NHWC
 * input, from its options (explicit padding included).
 *
 * @example
 * ```ts
 * import { convAxes, parseConvOptions } from "./conv_common.ts";
 * const o = parseConvOptions("DEPTHWISE_CONV_2D", {
 *   padding: "VALID", strideW: 2, strideH: 2, explicitPadding: [1, 1, 1, 1],
 * });
 * const { oh, ow } = convAxes(o, [128, 128], [3, 3]);
 * if (oh.out !== 64 || oh.before !== 1 || ow.out !== 64) throw new Error("wrong");
 * ```
 *
 * @param o The convolution's options.
 * @param size Input height and width.
 * @param kernel Filter height and width.
 * @returns The height and width axes.
 */
export function convAxes(
  o: ConvOptions,
  size: readonly [number, number],
  kernel: readonly [number, number],
): { oh: AxisGeometry; ow: AxisGeometry } {
  const e = o.explicit;
  return {
    oh: convAxis({
      padding: o.padding,
      size: size[0],
      kernel: kernel[0],
      stride: o.strideH,
      dilation: o.dilationH,
      explicit: e && [e[0], e[1]],
    }),
    ow: convAxis({
      padding: o.padding,
      size: size[1],
      kernel: kernel[1],
      stride: o.strideW,
      dilation: o.dilationW,
      explicit: e && [e[2], e[3]],
    }),
  };
}

/** Parsed options shared by CONV_2D and DEPTHWISE_CONV_2D. */
export interface ConvOptions {
  /** Padding scheme. */
  padding: PaddingKind;
  /** Stride along width. */
  strideW: number;
  /** Stride along height. */
  strideH: number;
  /** Dilation along width. */
  dilationW: number;
  /** Dilation along height. */
  dilationH: number;
  /** Fused activation. */
  activation: FusedActivation;
  /**
   * Explicit spatial padding `[top, bottom, left, right]` that replaces `padding`: set by the
   * merge-pad pass when a zero PAD folds into the convolution (the option `explicitPadding`; files
   * cannot express it).
   */
  explicit?: readonly [number, number, number, number];
}

/**
 * Parses `Conv2DOptions`-like options (padding, strides, dilations, fused activation), with schema
 * defaults: padding SAME, dilations 1, activation NONE; strides default to the schema's 0 and are
 * then refused, as TFLite cannot run them.
 *
 * @example
 * ```ts
 * import { parseConvOptions } from "./conv_common.ts";
 * const o = parseConvOptions("CONV_2D", { padding: "VALID", strideW: 2, strideH: 1 });
 * if (o.padding !== "VALID" || o.strideW !== 2 || o.dilationH !== 1) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param options Raw options.
 * @returns The options.
 */
export function parseConvOptions(op: string, options: NodeOptions): ConvOptions {
  const o: ConvOptions = {
    padding: enumOption(op, options, "padding", ["SAME", "VALID"], "SAME"),
    strideW: intOption(op, options, "strideW", 0, 1),
    strideH: intOption(op, options, "strideH", 0, 1),
    dilationW: intOption(op, options, "dilationWFactor", 1, 1),
    dilationH: intOption(op, options, "dilationHFactor", 1, 1),
    activation: activationOption(op, options),
  };
  const e = options.explicitPadding;
  if (e !== undefined) {
    const ok = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
    if (!Array.isArray(e) || e.length !== 4 || !ok(e[0]) || !ok(e[1]) || !ok(e[2]) || !ok(e[3])) {
      throw new OpError(
        `${op}: explicitPadding must be four non-negative integers [top, bottom, left, right], got ${
          JSON.stringify(e)
        }`,
      );
    }
    o.explicit = [e[0], e[1], e[2], e[3]] as [number, number, number, number];
  }
  return o;
}

/**
 * Checks that an input is present, float32 and of the given rank; returns its shape.
 *
 * @example
 * ```ts
 * import { requireFloat } from "./conv_common.ts";
 * if (requireFloat("CONV_2D", { dtype: "float32", shape: [1, 2, 2, 3] }, "input", 4).length !== 4) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param t The input (or `undefined` when omitted).
 * @param what Which input, for errors ("input", "filter"...).
 * @param rank Required rank, or `undefined` for any.
 * @returns The shape.
 */
export function requireFloat(
  op: string,
  t: TensorSpec | undefined,
  what: string,
  rank?: number,
): number[] {
  if (!t) throw new OpError(`${op}: the ${what} is missing`);
  if (t.dtype !== "float32") {
    throw new OpError(`${op}: the ${what} must be float32, got ${t.dtype}`);
  }
  if (rank !== undefined && t.shape.length !== rank) {
    throw new OpError(`${op}: the ${what} must have rank ${rank}, got shape [${t.shape}]`);
  }
  return t.shape;
}

/**
 * Checks an optional bias: absent, or a float32 vector of `channels` elements.
 *
 * @example
 * ```ts
 * import { checkBias } from "./conv_common.ts";
 * checkBias("CONV_2D", { dtype: "float32", shape: [8] }, 8);
 * ```
 *
 * @param op Op name, for errors.
 * @param bias The bias input, or `undefined`.
 * @param channels Number of output channels.
 */
export function checkBias(op: string, bias: OpInput | undefined, channels: number): void {
  if (!bias) return;
  const s = requireFloat(op, bias, "bias");
  const n = s.reduce((a, b) => a * b, 1);
  if (n !== channels) {
    throw new OpError(`${op}: the bias has ${n} elements, expected ${channels} (output channels)`);
  }
}

/**
 * Bias padded to whole vec4 slices (zeros past `channels`), for a `vec4<T>` const binding.
 *
 * @example
 * ```ts
 * import { packBias } from "./conv_common.ts";
 * if (packBias(undefined, 5).length !== 8) throw new Error("wrong");
 * ```
 *
 * @param bias The bias value (or `undefined`: zeros).
 * @param channels Number of output channels.
 * @returns `4 * ceil(channels / 4)` floats.
 */
export function packBias(bias: HostTensor | undefined, channels: number): Float32Array {
  const out = new Float32Array(4 * Math.ceil(channels / 4));
  if (bias) { for (let c = 0; c < channels; c++) out[c] = readNumber(bias, c); }
  return out;
}

/**
 * Repacks OHWI weights into O4I4 blocks, the layout of the conv kernels: for each output slice, each
 * `(ky, kx)` tap and each input slice, four `vec4`s, one per input channel of the slice, each holding
 * the four output channels of the slice (zeros past `O` and `I`). A thread computing output slice `os`
 * then does `acc += w0 * x.x + w1 * x.y + w2 * x.z + w3 * x.w` per input vec4 `x`.
 *
 * Grouped convolutions (input channels `= groups * I`) are expanded to a dense block-diagonal filter
 * of `inChannels` input channels.
 *
 * @example
 * ```ts
 * import { packO4I4 } from "./conv_common.ts";
 * const w = { dtype: "float32" as const, shape: [5, 1, 1, 3], data: new Float32Array(15).fill(1) };
 * const p = packO4I4(w, 3);
 * if (p.length !== 2 * 1 * 16) throw new Error("wrong");
 * ```
 *
 * @param filter OHWI weights `[O, KH, KW, I]`.
 * @param inChannels Channels of the input (`groups * I`).
 * @returns `ceil(O/4) * KH * KW * ceil(inChannels/4) * 16` floats.
 */
export function packO4I4(filter: HostTensor, inChannels: number): Float32Array {
  const [O, KH, KW, I] = filter.shape;
  const OS = Math.ceil(O / 4);
  const IS = Math.ceil(inChannels / 4);
  const groups = inChannels / I;
  const perGroup = O / groups;
  const w = numbersOf(filter);
  const out = new Float32Array(OS * KH * KW * IS * 16);
  let src = 0;
  for (let o = 0; o < O; o++) {
    const base = (o >> 2) * KH;
    const c0 = Math.floor(o / perGroup) * I;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        const tap = ((base + ky) * KW + kx) * IS;
        for (let i = 0; i < I; i++) {
          const c = c0 + i;
          out[(tap + (c >> 2)) * 16 + (c & 3) * 4 + (o & 3)] = w[src++];
        }
      }
    }
  }
  return out;
}

/**
 * Reads a TfLiteTransposeConvParams struct from a custom op's raw options: little-endian int32
 * padding (1 SAME, 2 VALID), stride_width, stride_height.
 *
 * @example
 * ```ts
 * import { readTransposeConvParams } from "./conv_common.ts";
 * const p = readTransposeConvParams("Convolution2DTransposeBias", new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0]));
 * if (p.padding !== "SAME" || p.strideW !== 2) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param bytes The raw custom options.
 * @returns Padding and strides.
 */
export function readTransposeConvParams(
  op: string,
  bytes: Uint8Array | undefined,
): { padding: PaddingKind; strideW: number; strideH: number } {
  if (!bytes || bytes.byteLength < 12) {
    throw new OpError(
      `${op}: custom options must hold 12 bytes (padding, stride_width, stride_height), got ${
        bytes?.byteLength ?? 0
      }`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = view.getInt32(0, true);
  const padding = ({ 1: "SAME", 2: "VALID" } as Record<number, PaddingKind>)[code];
  if (!padding) {
    throw new OpError(`${op}: padding code ${code} is not SAME (1) or VALID (2)`);
  }
  const strideW = view.getInt32(4, true);
  const strideH = view.getInt32(8, true);
  if (strideW < 1 || strideH < 1) {
    throw new OpError(`${op}: strides must be >= 1, got ${strideW}x${strideH}`);
  }
  return { padding, strideW, strideH };
}

/**
 * Little-endian bytes of a TfLiteTransposeConvParams struct, for cases of custom ops.
 *
 * @example
 * ```ts
 * import { transposeConvParamsBytes } from "./conv_common.ts";
 * if (transposeConvParamsBytes("VALID", 2, 3)[0] !== 2) throw new Error("wrong");
 * ```
 *
 * @param padding Padding scheme.
 * @param strideW Stride along width.
 * @param strideH Stride along height.
 * @returns 12 bytes.
 */
export function transposeConvParamsBytes(
  padding: PaddingKind,
  strideW: number,
  strideH: number,
): Uint8Array {
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, padding === "SAME" ? 1 : 2, true);
  view.setInt32(4, strideW, true);
  view.setInt32(8, strideH, true);
  return bytes;
}
