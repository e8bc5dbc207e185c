/**
 * TensorFlow Lite's integer arithmetic for 8-bit quantized kernels: multipliers as (Q31 fixed
 * point, shift) pairs, `MultiplyByQuantizedMultiplier` (saturating rounding doubling high multiply,
 * then a rounding right shift), activation ranges, and the integer ADD and AVERAGE_POOL_2D loops.
 *
 * @module
 */
import type { Quantization } from "../../core/ir.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";

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
 * import { quantizeMultiplier } from "./quant.ts";
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
 * import { srdhm } from "./quant.ts";
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
 * import { roundingDivideByPot } from "./quant.ts";
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
 * import { multiplyByQuantizedMultiplier, quantizeMultiplier } from "./quant.ts";
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
 * Range of an 8-bit dtype.
 *
 * @example
 * ```ts
 * import { dtypeRange } from "./quant.ts";
 * if (dtypeRange("int8")[0] !== -128) throw new Error("wrong");
 * ```
 *
 * @param dtype `uint8` or `int8`.
 * @returns `[min, max]`.
 */
export function dtypeRange(dtype: string): [number, number] {
  return dtype === "int8" ? [-128, 127] : [0, 255];
}

/**
 * TFLite's `CalculateActivationRangeQuantized`: the clamp of a fused activation in the output's
 * quantized domain.
 *
 * @example
 * ```ts
 * import { quantizedActivationRange } from "./quant.ts";
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
  const quant = (v: number) => q.zeroPoint[0] + Math.round(v / q.scale[0]);
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
}

/**
 * Prepares TFLite's 8-bit ADD (left shift 20, inputs rescaled to twice the larger scale).
 *
 * @example
 * ```ts
 * import { quantAddParams } from "./quant.ts";
 * const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
 * const p = quantAddParams([q(0.1, 128), q(0.2, 128), q(0.3, 128)], [0, 255]);
 * if (p.z[2] !== 128) throw new Error("wrong");
 * ```
 *
 * @param q Quantization of input 1, input 2 and the output.
 * @param range The activation clamp.
 * @returns The parameters.
 */
export function quantAddParams(q: Quantization[], range: [number, number]): QuantAddParams {
  const [s1, s2, so] = q.map((x) => x.scale[0]);
  const twice = 2 * Math.max(s1, s2);
  return {
    z: [q[0].zeroPoint[0], q[1].zeroPoint[0], q[2].zeroPoint[0]],
    m: [
      quantizeMultiplier(s1 / twice),
      quantizeMultiplier(s2 / twice),
      quantizeMultiplier(twice / (2 ** 20 * so)),
    ],
    range,
  };
}

/**
 * One element of TFLite's 8-bit ADD.
 *
 * @example
 * ```ts
 * import { quantAdd, quantAddParams } from "./quant.ts";
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
  const x = multiplyByQuantizedMultiplier((a - p.z[0]) * 2 ** 20, p.m[0]);
  const y = multiplyByQuantizedMultiplier((b - p.z[1]) * 2 ** 20, p.m[1]);
  const r = multiplyByQuantizedMultiplier(x + y, p.m[2]) + p.z[2];
  return Math.min(p.range[1], Math.max(p.range[0], r));
}
