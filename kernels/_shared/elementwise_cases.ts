/**
 * Case-data helpers of the elementwise ops: seeded values on a grid (exact in f16, so ops with
 * discontinuities such as FLOOR or FLOOR_MOD see the same inputs in f16 runs as the reference), and
 * the rule deciding whether fixed edge values make sense in f16.
 *
 * @module
 */
import { numElements } from "../../core/ir.ts";
import { f16BitsToNumber, numberToF16Bits } from "./tensor.ts";

/**
 * Deterministic values on a grid: `count` multiples of `step` in `[lo, hi]`, never zero unless the
 * grid only holds zero. With `step` a power of two and `|hi/step| <= 2048` every value is exact in f16.
 *
 * @example
 * ```ts
 * import { gridValues } from "./elementwise_cases.ts";
 * const v = gridValues({ shape: [10], range: [-4, 4], step: 0.25, seed: 1 });
 * if (v.length !== 10 || v.some((x) => x % 0.25 !== 0 || x === 0)) throw new Error("wrong");
 * ```
 *
 * @param args Shape (gives the count), range, grid step and seed.
 * @returns The values, row-major.
 */
export function gridValues(args: {
  shape: readonly number[];
  range: [number, number];
  step: number;
  seed: number;
}): number[] {
  const { range: [lo, hi], step } = args;
  let s = (args.seed * 2654435761) >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const kLo = Math.ceil(lo / step);
  const kHi = Math.floor(hi / step);
  const out: number[] = [];
  const n = numElements(args.shape);
  for (let i = 0; i < n; i++) {
    let k = kLo + Math.floor(next() * (kHi - kLo + 1));
    if (k === 0 && (kLo !== 0 || kHi !== 0)) k = kHi !== 0 ? kHi : kLo;
    out.push(k * step);
  }
  return out;
}

/**
 * Whether fixed inputs make a meaningful f16 case: the op applied to the inputs rounded to f16, its
 * results rounded to f16, stays well within the f16 tolerance of the float32 results (NaN and
 * infinities at the same places). Tiny values that f16 flushes are fine unless the op amplifies them.
 *
 * @example
 * ```ts
 * import { f16Survives } from "./elementwise_cases.ts";
 * if (!f16Survives([[0, 3.5, NaN]], (x) => 2 * x) || f16Survives([[1e-7, 1]], (x) => 1 / x)) {
 *   throw new Error("wrong");
 * }
 * ```
 *
 * @param inputs The values of each input (same length).
 * @param fn The op on one element of each input.
 * @returns `true` when the case belongs in f16 runs.
 */
export function f16Survives(
  inputs: readonly (readonly number[])[],
  fn: (...x: number[]) => number,
): boolean {
  const half = (x: number) => f16BitsToNumber(numberToF16Bits(x));
  let num = 0;
  let den = 0;
  let maxAbs = 0;
  let refMax = 0;
  for (let i = 0; i < inputs[0].length; i++) {
    const ref = Math.fround(fn(...inputs.map((v) => v[i])));
    const got = half(fn(...inputs.map((v) => half(v[i]))));
    if (!Number.isFinite(ref) || !Number.isFinite(got)) {
      if (!(Object.is(ref, got) || (Number.isNaN(ref) && Number.isNaN(got)))) return false;
      continue;
    }
    num += (got - ref) ** 2;
    den += ref * ref;
    maxAbs = Math.max(maxAbs, Math.abs(got - ref));
    refMax = Math.max(refMax, Math.abs(ref));
  }
  const rel = den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
  return rel < 2e-3 && maxAbs < 1e-2 * Math.max(1, refMax);
}

/** The smallest normal float32, `2^-126`. */
const F32_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * Rejects subnormal float32 values in fixed edge cases. GPUs may flush subnormal inputs and results
 * to zero (WebGPU allows it, and NVIDIA does: SIGN(1e-40) gave 0), so a subnormal edge tests the
 * device's denormal mode rather than the kernel; tiny *normal* values (1e-30) stay in the cases.
 *
 * @example
 * ```ts
 * import { assertNoSubnormals } from "./elementwise_cases.ts";
 * assertNoSubnormals("ABS", [0, -0, 1e-30, NaN, Infinity]);
 * ```
 *
 * @param op Op name, for the error.
 * @param values Edge values.
 */
export function assertNoSubnormals(op: string, values: readonly number[]): void {
  const bad = values.find((v) => v !== 0 && Math.abs(v) < F32_MIN_NORMAL);
  if (bad !== undefined) {
    throw new RangeError(`${op}: edge value ${bad} is subnormal in float32; use a normal value`);
  }
}
