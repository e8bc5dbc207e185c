/**
 * gemmlowp's fixed-point arithmetic on int32 raw values, as TensorFlow Lite's integer kernels use
 * it: `FixedPoint<int32_t, I>` holds `raw / 2^(31 - I)`; a product of formats `a` and `b` has
 * format `a + b` and is `SaturatingRoundingDoublingHighMul` of the raws; `Rescale` changes the
 * format by a saturating rounding power-of-two multiply.
 *
 * @module
 */
import { type QuantizedMultiplier, roundingDivideByPot, srdhm } from "./quant_math.ts";

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/**
 * gemmlowp's `SaturatingRoundingMultiplyByPOT<exponent>`: a saturating left shift for positive
 * exponents, a rounding right shift for negative ones.
 *
 * @example
 * ```ts
 * import { saturatingRoundingMultiplyByPot } from "./fixed_point.ts";
 * if (saturatingRoundingMultiplyByPot(3, -1) !== 2) throw new Error("wrong");
 * if (saturatingRoundingMultiplyByPot(1 << 30, 2) !== 2147483647) throw new Error("wrong");
 * ```
 *
 * @param x The raw int32 value.
 * @param exponent The power of two.
 * @returns The int32 result.
 */
export function saturatingRoundingMultiplyByPot(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPot(x, -exponent);
  const threshold = 2 ** (31 - exponent) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (x * 2 ** exponent) | 0;
}

/**
 * TFLite's `GetInvSqrtQuantizedMultiplierExp`: `1 / sqrt(input)` as a Q31 multiplier and a shift,
 * by five Newton-Raphson steps in `FixedPoint<int32_t, 3>`.
 *
 * @example
 * ```ts
 * import { invSqrtQuantizedMultiplierExp } from "./fixed_point.ts";
 * const q = invSqrtQuantizedMultiplierExp(4, -1);
 * const v = q.multiplier * 2 ** (q.shift - 31);
 * if (Math.abs(v - 0.5) > 1e-6) throw new Error("wrong");
 * ```
 *
 * @param input A non-negative int32 (0 and 1 give the largest multiplier).
 * @param reverseShift `-1` to return the shift as a left shift (TFLite's `kReverseShift`), `1` as
 * a right shift.
 * @returns The multiplier and shift.
 */
export function invSqrtQuantizedMultiplierExp(
  input: number,
  reverseShift: number,
): QuantizedMultiplier {
  if (input <= 1) return { multiplier: INT32_MAX, shift: 0 };
  let shift = 11;
  while (input >= 1 << 29) {
    input = Math.trunc(input / 4);
    shift++;
  }
  const pairs = ((Math.clz32(input) - 1) >>> 1) - 1;
  shift -= pairs;
  input = input * 2 ** (2 * pairs);
  const F3_ONE = 1 << 28;
  const halfInput = saturatingRoundingMultiplyByPot(input >> 1, -1);
  const halfThree = (1 << 28) + (1 << 27);
  let x = F3_ONE;
  for (let i = 0; i < 5; i++) {
    // x^3 has format F9; back to F3 by 2^6.
    const x3 = saturatingRoundingMultiplyByPot(srdhm(srdhm(x, x), x), 6);
    // Both products have format F6; their difference back to F3 by 2^3.
    x = saturatingRoundingMultiplyByPot((srdhm(halfThree, x) - srdhm(halfInput, x3)) | 0, 3);
  }
  let multiplier = srdhm(x, 1518500250);
  if (shift < 0) {
    multiplier = (multiplier * 2 ** -shift) | 0;
    shift = 0;
  }
  return { multiplier, shift: shift * reverseShift || 0 };
}
