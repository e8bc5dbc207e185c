/**
 * TensorFlow Lite's integer arithmetic for 8-bit quantized kernels: multipliers as (Q31 fixed
 * point, shift) pairs, `MultiplyByQuantizedMultiplier` (saturating rounding doubling high multiply,
 * then a rounding right shift), activation ranges, and the integer ADD and AVERAGE_POOL_2D loops.
 *
 * @module
 */
import type { DType, Quantization } from "../../core/ir.ts";
import type { HostTensor, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { allocTensor } from "./tensor.ts";

/** A real multiplier as TFLite stores it: `real ~= multiplier * 2^(shift - 31)`. */
export interface QuantizedMultiplier {
  /** Q31 fixed-point value in `[2^30, 2^31)`, or 0. */
  multiplier: number;
  /** Power-of-two exponent (positive: left shift). */
  shift: number;
}

/**
 * TFLite's `QuantizeMultiplier`: splits a positive real into a Q31 multiplier and a shift.
 *
 * @example
 * ```ts
 * import { quantizeMultiplier } from "./quant_math.ts";
 * const q = quantizeMultiplier(0.25);
 * if (q.multiplier !== 2 ** 30 || q.shift !== -1) throw new Error("wrong");
 * ```
 *
 * @param real The multiplier.
 * @returns Multiplier and shift.
 */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 };
  let shift = Math.floor(Math.log2(real)) + 1;
  let q = real / 2 ** shift;
  if (q >= 1) {
    q /= 2;
    shift++;
  } else if (q < 0.5) {
    q *= 2;
    shift--;
  }
  let fixed = Math.round(q * 2 ** 31);
  if (fixed === 2 ** 31) {
    fixed /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  if (shift > 30) return { multiplier: 2 ** 31 - 1, shift: 30 };
  return { multiplier: fixed, shift };
}

/**
 * gemmlowp's `SaturatingRoundingDoublingHighMul` on int32 values, exact (no BigInt).
 *
 * @example
 * ```ts
 * import { srdhm } from "./quant_math.ts";
 * if (srdhm(1 << 30, 1 << 30) !== 1 << 29) throw new Error("wrong");
 * ```
 *
 * @param a First operand.
 * @param b Second operand.
 * @returns `round(a * b / 2^31)`, ties away from zero, saturated.
 */
export function srdhm(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const bh = Math.floor(b / 65536), bl = b - bh * 65536;
  const p1 = a * bh, p0 = a * bl;
  const p1h = Math.floor(p1 / 32768), p1l = p1 - p1h * 32768;
  const nonNeg = a === 0 || b === 0 || (a > 0) === (b > 0);
  const r = p1l * 65536 + p0 + (nonNeg ? 2 ** 30 : 1 - 2 ** 30);
  return p1h + (nonNeg ? Math.floor(r / 2 ** 31) : Math.ceil(r / 2 ** 31));
}

/**
 * gemmlowp's `RoundingDivideByPOT`: `x / 2^e` rounded half away from zero.
 *
 * @example
 * ```ts
 * import { roundingDivideByPot } from "./quant_math.ts";
 * if (roundingDivideByPot(-5, 1) !== -3) throw new Error("wrong");
 * ```
 *
 * @param x Dividend (int32).
 * @param e Exponent, 0..31.
 * @returns The quotient.
 */
export function roundingDivideByPot(x: number, e: number): number {
  const mask = (1 << e) - 1;
  const rem = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (rem > threshold ? 1 : 0);
}

/**
 * TFLite's `MultiplyByQuantizedMultiplier`.
 *
 * @example
 * ```ts
 * import { multiplyByQuantizedMultiplier, quantizeMultiplier } from "./quant_math.ts";
 * const q = quantizeMultiplier(0.5);
 * if (multiplyByQuantizedMultiplier(10, q) !== 5) throw new Error("wrong");
 * ```
 *
 * @param x Value (int32).
 * @param q Multiplier.
 * @returns The scaled value.
 */
export function multiplyByQuantizedMultiplier(x: number, q: QuantizedMultiplier): number {
  const left = q.shift > 0 ? q.shift : 0, right = q.shift > 0 ? 0 : -q.shift;
  return roundingDivideByPot(srdhm((x * 2 ** left) | 0, q.multiplier), right);
}

/**
 * The real multiplier of one output channel of an 8-bit CONV_2D, DEPTHWISE_CONV_2D or
 * FULLY_CONNECTED as TFLite's Prepare computes it. Per-channel multipliers (int8 and int16
 * convolutions, FULLY_CONNECTED with per-channel weights) come from
 * `input scale * weight scale / output scale` in double precision; the legacy per-tensor
 * multiplier (uint8 convolutions, FULLY_CONNECTED with one weight scale) rounds the product
 * `input scale * weight scale` to float32 first, which can move the Q31 multiplier.
 *
 * @example
 * ```ts
 * import { convRealMultiplier } from "./quant_math.ts";
 * const m = convRealMultiplier({ op: "CONV_2D", dtype: "uint8", perChannel: false, sx: 0.1, sw: 0.2, sy: 0.3 });
 * if (m !== Math.fround(Math.fround(0.1) * Math.fround(0.2)) / Math.fround(0.3)) throw new Error("wrong");
 * ```
 *
 * @param a The op, the input dtype, whether the weights have one scale per output channel, and
 * the input, weight (this channel's) and output scales.
 * @returns The real multiplier.
 */
export function convRealMultiplier(
  a: { op: string; dtype: string; perChannel: boolean; sx: number; sw: number; sy: number },
): number {
  const f = Math.fround;
  const legacy = a.dtype === "uint8" || (a.op === "FULLY_CONNECTED" && !a.perChannel);
  return legacy ? f(f(a.sx) * f(a.sw)) / f(a.sy) : (f(a.sx) * f(a.sw)) / f(a.sy);
}

/**
 * Range of an 8-bit dtype.
 *
 * @example
 * ```ts
 * import { dtypeRange } from "./quant_math.ts";
 * if (dtypeRange("int8")[0] !== -128) throw new Error("wrong");
 * ```
 *
 * @param dtype `uint8` or `int8`.
 * @returns `[min, max]`.
 */
export function dtypeRange(dtype: string): [number, number] {
  return dtype === "int8" ? [-128, 127] : dtype === "int16" ? [-32768, 32767] : [0, 255];
}

/**
 * TFLite's `CalculateActivationRangeQuantized`: the clamp of a fused activation in the output's
 * quantized domain.
 *
 * @example
 * ```ts
 * import { quantizedActivationRange } from "./quant_math.ts";
 * const q = { scale: [0.1], zeroPoint: [10], quantizedDimension: 0 };
 * const [lo, hi] = quantizedActivationRange("RELU6", "uint8", q)!;
 * if (lo !== 10 || hi !== 70) throw new Error("wrong");
 * ```
 *
 * @param act Fused activation.
 * @param dtype Output dtype.
 * @param q Output quantization.
 * @returns `[qmin, qmax]`, or `undefined` for activations without a quantized range.
 */
export function quantizedActivationRange(
  act: FusedActivation,
  dtype: string,
  q: Quantization,
): [number, number] | undefined {
  const [lo, hi] = dtypeRange(dtype);
  const quant = (v: number) => q.zeroPoint[0] + roundHalfAway(Math.fround(v / q.scale[0]));
  if (act === "NONE") return [lo, hi];
  if (act === "RELU") return [Math.max(lo, quant(0)), hi];
  if (act === "RELU6") return [Math.max(lo, quant(0)), Math.min(hi, quant(6))];
  if (act === "RELU_N1_TO_1") return [Math.max(lo, quant(-1)), Math.min(hi, quant(1))];
  return undefined;
}

/** Parameters of TFLite's 8-bit ADD. */
export interface QuantAddParams {
  /** Zero points of the inputs and the output. */
  z: [number, number, number];
  /** Multipliers of the inputs and the output. */
  m: [QuantizedMultiplier, QuantizedMultiplier, QuantizedMultiplier];
  /** Clamp. */
  range: [number, number];
  /** Left shift of the inputs before rescaling: 20 for 8 bits, 15 for int16. */
  leftShift?: number;
}

/**
 * Prepares TFLite's 8-bit ADD (left shift 20, inputs rescaled to twice the larger scale).
 *
 * @example
 * ```ts
 * import { quantAddParams } from "./quant_math.ts";
 * const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
 * const p = quantAddParams([q(0.1, 128), q(0.2, 128), q(0.3, 128)], [0, 255]);
 * if (p.z[2] !== 128) throw new Error("wrong");
 * ```
 *
 * @param q Quantization of input 1, input 2 and the output.
 * @param range The activation clamp.
 * @param leftShift Left shift of the inputs: 20 for 8 bits, 15 for TFLite's general int16 ADD.
 * @returns The parameters.
 */
export function quantAddParams(
  q: Quantization[],
  range: [number, number],
  leftShift = 20,
): QuantAddParams {
  const [s1, s2, so] = q.map((x) => x.scale[0]);
  const twice = 2 * Math.max(s1, s2);
  return {
    z: [q[0].zeroPoint[0], q[1].zeroPoint[0], q[2].zeroPoint[0]],
    m: [
      quantizeMultiplier(s1 / twice),
      quantizeMultiplier(s2 / twice),
      quantizeMultiplier(twice / (2 ** leftShift * so)),
    ],
    range,
    leftShift,
  };
}

/**
 * One element of TFLite's 8-bit ADD.
 *
 * @example
 * ```ts
 * import { quantAdd, quantAddParams } from "./quant_math.ts";
 * const q = { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 };
 * if (quantAdd(2, 4, quantAddParams([q, q, q], [0, 255])) !== 6) throw new Error("wrong");
 * ```
 *
 * @param a Quantized input 1.
 * @param b Quantized input 2.
 * @param p Parameters.
 * @returns The quantized sum.
 */
export function quantAdd(a: number, b: number, p: QuantAddParams): number {
  const shift = 2 ** (p.leftShift ?? 20);
  const x = multiplyByQuantizedMultiplier((a - p.z[0]) * shift, p.m[0]);
  const y = multiplyByQuantizedMultiplier((b - p.z[1]) * shift, p.m[1]);
  const r = multiplyByQuantizedMultiplier(x + y, p.m[2]) + p.z[2];
  return Math.min(p.range[1], Math.max(p.range[0], r));
}

/**
 * C's `std::round`: to the nearest integer, halves away from zero.
 *
 * @example
 * ```ts
 * import { roundHalfAway } from "./quant_math.ts";
 * if (roundHalfAway(-2.5) !== -3 || roundHalfAway(2.5) !== 3) throw new Error("wrong");
 * ```
 *
 * @param x The value.
 * @returns The rounded value.
 */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/**
 * Whether a dtype is one of the 8-bit quantized activation types.
 *
 * @example
 * ```ts
 * import { is8BitDtype } from "./quant_math.ts";
 * if (!is8BitDtype("uint8") || is8BitDtype("int32")) throw new Error("wrong");
 * ```
 *
 * @param dtype The dtype.
 * @returns `true` for `int8` and `uint8`.
 */
export function is8BitDtype(dtype: DType | string): boolean {
  return dtype === "int8" || dtype === "uint8";
}

/**
 * The per-tensor scale and zero point of an 8-bit tensor; throws when it has none.
 *
 * @example
 * ```ts
 * import { tensorQuant } from "./quant_math.ts";
 * const q = tensorQuant("ADD", { dtype: "uint8", shape: [1], quantization: { scale: [0.5], zeroPoint: [3], quantizedDimension: 0 } });
 * if (q.zeroPoint !== 3) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for the error.
 * @param t The tensor.
 * @returns Scale and zero point.
 */
export function tensorQuant(op: string, t: TensorSpec): { scale: number; zeroPoint: number } {
  const q = t.quantization;
  if (!q || q.scale.length === 0 || !(q.scale[0] > 0)) {
    throw new OpError(`${op}: the ${t.dtype} tensor [${t.shape}] has no quantization scale`);
  }
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 };
}

/**
 * Scale and zero point of channel `c` of a (per-tensor or per-channel) quantized tensor.
 *
 * @example
 * ```ts
 * import { channelQuant } from "./quant_math.ts";
 * const q = { scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 0 };
 * if (channelQuant(q, 1).scale !== 0.2) throw new Error("wrong");
 * ```
 *
 * @param q Quantization parameters.
 * @param c Channel index along the quantized dimension.
 * @returns Scale and zero point.
 */
export function channelQuant(q: Quantization, c: number): { scale: number; zeroPoint: number } {
  const k = q.scale.length > 1 ? c : 0;
  return { scale: q.scale[k], zeroPoint: q.zeroPoint[q.zeroPoint.length > 1 ? k : 0] ?? 0 };
}

/**
 * A zero-filled host tensor for an output spec, carrying its quantization.
 *
 * @example
 * ```ts
 * import { allocQuant } from "./quant_math.ts";
 * const y = allocQuant({ dtype: "int8", shape: [2], quantization: { scale: [1], zeroPoint: [0], quantizedDimension: 0 } });
 * if (!(y.data instanceof Int8Array)) throw new Error("wrong");
 * ```
 *
 * @param spec The output spec.
 * @returns The tensor.
 */
export function allocQuant(spec: TensorSpec): HostTensor {
  const t = allocTensor(spec.dtype, spec.shape);
  if (spec.quantization) t.quantization = spec.quantization;
  return t;
}

/**
 * The clamp of an 8-bit output under a fused activation (TFLite's
 * `CalculateActivationRangeQuantized`); throws for activations without an integer form.
 *
 * @example
 * ```ts
 * import { outputRange } from "./quant_math.ts";
 * const spec = { dtype: "uint8" as const, shape: [1], quantization: { scale: [1 / 16], zeroPoint: [0], quantizedDimension: 0 } };
 * if (outputRange("CONV_2D", "RELU6", spec)[1] !== 96) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for the error.
 * @param act Fused activation.
 * @param spec Output spec.
 * @returns `[qmin, qmax]`.
 */
export function outputRange(
  op: string,
  act: FusedActivation,
  spec: TensorSpec,
): [number, number] {
  tensorQuant(op, spec);
  const r = quantizedActivationRange(act, spec.dtype, spec.quantization!);
  if (!r) throw new OpError(`${op}: fused ${act} has no 8-bit form`);
  return r;
}

/**
 * A 256-entry table of an elementwise function in the quantized domain, as TFLite builds them
 * (`PopulateLookupTable`): dequantize in float32, apply, multiply by the inverse output scale,
 * round half away from zero, add the zero point, clamp.
 *
 * @example
 * ```ts
 * import { lookupTable } from "./quant_math.ts";
 * const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
 * const lut = lookupTable({ dtype: "uint8", input: q(1, 0), output: q(1, 0), fn: (x) => 255 - x });
 * if (lut[0] !== 255) throw new Error("wrong");
 * ```
 *
 * @param o Dtype (shared by input and output), quantizations and the function.
 * @returns The table, indexed by the input's unsigned byte.
 */
export function lookupTable(
  o: { dtype: DType; input: Quantization; output: Quantization; fn: (x: number) => number },
): Int32Array {
  const [lo, hi] = dtypeRange(o.dtype);
  const f = Math.fround;
  const inv = f(1 / o.output.scale[0]);
  const lut = new Int32Array(256);
  for (let q = lo; q <= hi; q++) {
    const x = f(o.input.scale[0] * (q - o.input.zeroPoint[0]));
    const y = f(o.fn(x));
    const v = roundHalfAway(f(y * inv)) + o.output.zeroPoint[0];
    lut[q & 255] = Math.min(hi, Math.max(lo, v));
  }
  return lut;
}

/**
 * TFLite's 8-bit requantization (`reference_ops::Requantize`): from one scale and zero point to
 * another through a fixed-point multiplier.
 *
 * @example
 * ```ts
 * import { requantize } from "./quant_math.ts";
 * const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
 * const y = requantize({ dtype: "uint8", shape: [1], quantization: q(0.5, 10), data: new Uint8Array([20]) }, { dtype: "int8", shape: [1], quantization: q(0.25, 0) });
 * if (y.data[0] !== 20) throw new Error("wrong");
 * ```
 *
 * @param x The 8-bit input.
 * @param spec The output spec (dtype and quantization).
 * @returns The output.
 */
export function requantize(x: HostTensor, spec: TensorSpec): HostTensor {
  const a = tensorQuant("REQUANTIZE", x), b = tensorQuant("REQUANTIZE", spec);
  const y = allocQuant({ ...spec, shape: x.shape });
  const [lo, hi] = dtypeRange(spec.dtype);
  const m = quantizeMultiplier(a.scale / b.scale);
  for (let i = 0; i < y.data.length; i++) {
    const v = multiplyByQuantizedMultiplier(Number(x.data[i]) - a.zeroPoint, m) + b.zeroPoint;
    y.data[i] = Math.min(hi, Math.max(lo, v));
  }
  return y;
}
