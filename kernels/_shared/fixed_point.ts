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

// gemmlowp's FixedPoint<int16_t, I>: raw / 2^(15 - I). C++ int16 additions wrap.

function wrap16(x: number): number {
  return (x << 16) >> 16;
}

/** gemmlowp's 16-bit `SaturatingRoundingDoublingHighMul`. */
function srdhm16(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  const ab = a * b;
  return Math.trunc((ab + (ab >= 0 ? 1 << 14 : 1 - (1 << 14))) / 32768);
}

/** gemmlowp's 16-bit `SaturatingRoundingMultiplyByPOT`. */
function srmbp16(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPot(x, -exponent);
  const threshold = (1 << (15 - exponent)) - 1;
  if (x > threshold) return 32767;
  if (x < -threshold) return -32768;
  return x * 2 ** exponent;
}

/** A gemmlowp constant given as an int32 raw value, rescaled to 16 bits. */
function constant16(raw32: number): number {
  return roundingDivideByPot(raw32, 16);
}

/** exp(x) for x in [-1/4, 0), x in Q0.15. */
function expQuarter16(a: number): number {
  const constantTerm = constant16(1895147668);
  const oneThird = constant16(715827883);
  const x = wrap16(a + (1 << 12));
  const x2 = srdhm16(x, x);
  const x3 = srdhm16(x2, x);
  const x4 = srdhm16(x2, x2);
  const x4Over4 = srmbp16(x4, -2);
  const poly = srmbp16(wrap16(srdhm16(wrap16(x4Over4 + x3), oneThird) + x2), -1);
  const sum = constantTerm + srdhm16(constantTerm, wrap16(x + poly));
  return Math.min(32767, Math.max(-32768, sum));
}

const EXP_BARREL: readonly [number, number][] = [
  [-2, 1672461947],
  [-1, 1302514674],
  [0, 790015084],
  [1, 290630308],
  [2, 39332535],
  [3, 720401],
  [4, 242],
];

/** gemmlowp's `exp_on_negative_values` for `FixedPoint<int16_t, integerBits>`; result in Q0.15. */
function expNegative16(a: number, integerBits: number): number {
  const frac = 15 - integerBits;
  const quarter = 1 << (frac - 2);
  const aModQuarter = wrap16((a & (quarter - 1)) - quarter);
  let result = expQuarter16(srmbp16(aModQuarter, integerBits));
  const remainder = wrap16(aModQuarter - a);
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (integerBits > exponent && remainder & (1 << (frac + exponent))) {
      result = srdhm16(result, constant16(multiplier));
    }
  }
  if (integerBits > 5 && a < constant16(-(2 ** (36 - integerBits)))) result = 0;
  return a === 0 ? 32767 : result;
}

/** Newton-Raphson `1 / (1 + x)` (`logistic`) or `(1 - x) / (1 + x)` (`tanh`) for x in (0, 1). */
function divide16(a: number, minusOne: boolean): number {
  const halfDen = a + 32767 >= 0
    ? Math.trunc((a + 32767 + 1) / 2)
    : Math.trunc((a + 32767 - 1) / 2);
  const oneF2 = 1 << 13;
  let x = wrap16(constant16(1515870810) + srdhm16(halfDen, constant16(-1010580540)));
  for (let i = 0; i < 3; i++) {
    const oneMinus = wrap16(oneF2 - srdhm16(halfDen, x));
    x = wrap16(x + srmbp16(srdhm16(x, oneMinus), 2));
  }
  return minusOne ? srmbp16(wrap16(x - oneF2), 2) : srmbp16(x, 1);
}

/**
 * gemmlowp's `logistic` on `FixedPoint<int16_t, integerBits>`: the result in Q0.15, as TFLite's
 * integer LSTM applies it to its gates (`ApplySigmoid`, 3 integer bits).
 *
 * @example
 * ```ts
 * import { logistic16 } from "./fixed_point.ts";
 * if (logistic16(0, 3) !== 16384) throw new Error("wrong");
 * if (Math.abs(logistic16(4096, 3) / 32768 - 1 / (1 + Math.exp(-1))) > 1e-3) throw new Error("wrong");
 * ```
 *
 * @param a Raw int16 input.
 * @param integerBits Integer bits of the input format.
 * @returns Raw int16 output (1 is 32767).
 */
export function logistic16(a: number, integerBits: number): number {
  if (a === 0) return constant16(1 << 30);
  const abs = a > 0 ? a : wrap16(-a);
  const positive = divide16(expNegative16(wrap16(-abs), integerBits), false);
  return a > 0 ? positive : wrap16(32767 - positive);
}

/**
 * gemmlowp's `tanh` on `FixedPoint<int16_t, integerBits>`: the result in Q0.15 (TFLite's
 * `ApplyTanh`).
 *
 * @example
 * ```ts
 * import { tanh16 } from "./fixed_point.ts";
 * if (Math.abs(tanh16(4096, 3) / 32768 - Math.tanh(1)) > 1e-3) throw new Error("wrong");
 * ```
 *
 * @param a Raw int16 input.
 * @param integerBits Integer bits of the input format.
 * @returns Raw int16 output.
 */
export function tanh16(a: number, integerBits: number): number {
  if (a === 0) return 0;
  const negative = a < 0;
  const n = negative ? a : wrap16(-a);
  const t = divide16(expNegative16(n, integerBits + 1), true);
  return negative ? wrap16(-t) : t;
}
