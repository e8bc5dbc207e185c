/**
 * TensorFlow Lite's arithmetic for int16 activations (the 16x8 scheme): the 64-bit
 * `MultiplyByQuantizedMultiplier` that requantizes int64 accumulators, and the 513-entry
 * interpolated lookup tables (`LUTPopulate<int16_t>` + `LookupTable`) of elementwise functions.
 *
 * @module
 */
import type { Quantization } from "../../core/ir.ts";
import type { QuantizedMultiplier } from "./quant_math.ts";

const TWO16 = 65536;

/**
 * TFLite's `MultiplyByQuantizedMultiplier(int64_t x, ...)` (double-rounding build): the multiplier
 * rounded to 15 bits, one rounding shift, the result truncated to int32. Exact for
 * `|x| < 2^47`, the range TFLite asserts.
 *
 * @example
 * ```ts
 * import { multiplyByQuantizedMultiplier64 } from "./quant_int16.ts";
 * import { quantizeMultiplier } from "./quant_math.ts";
 * if (multiplyByQuantizedMultiplier64(2 ** 40, quantizeMultiplier(2 ** -20)) !== 2 ** 20) throw new Error("wrong");
 * ```
 *
 * @param x The accumulator (an integer below 2^47 in magnitude).
 * @param q The multiplier.
 * @returns The scaled value as int32.
 */
export function multiplyByQuantizedMultiplier64(x: number, q: QuantizedMultiplier): number {
  const reduced = q.multiplier < 0x7fff0000 ? (q.multiplier + (1 << 15)) >> 16 : 0x7fff;
  const totalShift = 15 - q.shift;
  // x * reduced can pass 2^53: split x = hi * 2^16 + lo with 0 <= lo < 2^16 and carry exactly.
  const hi = Math.floor(x / TWO16), lo = x - hi * TWO16;
  const round = 2 ** (totalShift - 1);
  let r: number;
  if (totalShift >= 16) {
    const low = lo * reduced + (round % TWO16);
    const carry = Math.floor(low / TWO16);
    r = Math.floor((hi * reduced + Math.floor(round / TWO16) + carry) / 2 ** (totalShift - 16));
  } else {
    r = Math.floor((hi * reduced * TWO16 + lo * reduced + round) / 2 ** totalShift);
  }
  // C++ truncates the int64 result to int32 (wrapping when the contract is broken).
  return Number(BigInt.asIntN(32, BigInt(r)));
}

/**
 * TFLite's `LUTPopulate<int16_t>`: 513 samples of `fn` over the input's int16 range, each rounded
 * output value corrected by half the interpolation error at the midpoint, in float32 as TFLite
 * computes them.
 *
 * @example
 * ```ts
 * import { int16Table } from "./quant_int16.ts";
 * const q = { scale: [1 / 32768], zeroPoint: [0], quantizedDimension: 0 };
 * const lut = int16Table({ input: q, output: q, fn: (x) => x });
 * if (lut.length !== 513 || lut[0] !== -32768 || lut[512] !== 32767) throw new Error("wrong");
 * ```
 *
 * @param o Input and output quantization, the function on float values (its result is rounded
 * to float32).
 * @returns The table.
 */
export function int16Table(
  o: { input: Quantization; output: Quantization; fn: (x: number) => number },
): Int16Array {
  const f = Math.fround;
  const sIn = f(o.input.scale[0]), zIn = o.input.zeroPoint[0] ?? 0;
  const sOut = f(o.output.scale[0]), zOut = o.output.zeroPoint[0] ?? 0;
  const inMin = f(sIn * (-32768 - zIn)), inMax = f(sIn * (32767 - zIn));
  const outMin = f(sOut * (-32768 - zOut)), outMax = f(sOut * (32767 - zOut));
  const step = f(f(inMax - inMin) / 512);
  const halfStep = f(step / 2);
  const inv = f(65536 / f(outMax - outMin));
  const fn = (x: number) => f(o.fn(x));
  const clamp = (v: number) => Math.min(32767, Math.max(-32768, v));
  const lut = new Int16Array(513);
  for (let i = 0; i < 512; i++) {
    const at = f(inMin + f(i * step));
    const v = fn(at);
    const mid = fn(f(at + halfStep));
    const next = fn(f(inMin + f((i + 1) * step)));
    const sample = roundf(f(v * inv));
    const midInterp = roundf(f(f(f(next * inv) + sample) / 2));
    const midTrue = roundf(f(mid * inv));
    const bias = roundf(f(f(midInterp - midTrue) / 2));
    lut[i] = clamp(f(sample - bias));
  }
  lut[512] = clamp(roundf(f(fn(inMax) * inv)));
  return lut;
}

/** C's `std::round` on a float. */
function roundf(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/**
 * TFLite's `LookupTable` for int16: the table index from the top 9 bits of the offset input, linear
 * interpolation between neighbours by the low 7 bits, rounded.
 *
 * @example
 * ```ts
 * import { int16Lookup, int16Table } from "./quant_int16.ts";
 * const q = { scale: [1 / 32768], zeroPoint: [0], quantizedDimension: 0 };
 * const lut = int16Table({ input: q, output: q, fn: (x) => x });
 * if (int16Lookup(lut, 1000) !== 1000) throw new Error("wrong");
 * ```
 *
 * @param lut A 513-entry table from {@linkcode int16Table}.
 * @param x The int16 input.
 * @returns The int16 output.
 */
export function int16Lookup(lut: Int16Array, x: number): number {
  const index = 256 + (x >> 7);
  const a = lut[index];
  return (a + (((lut[index + 1] - a) * (x & 127) + 64) >> 7)) << 16 >> 16;
}
