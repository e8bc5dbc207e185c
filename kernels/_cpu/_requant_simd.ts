/**
 * SIMD forms of TFLite's fixed-point requantization (`MultiplyByQuantizedMultiplier`), shared by
 * the 8-bit kernels.
 *
 * @module
 */
import type { FuncBuilder, Local } from "./emit.ts";

/** Splatted constants of one SIMD requantization with uniform shifts. */
export interface VecRequant {
  left: Local;
  right: Local;
  nudge: Local;
  mask: Local;
  thr: Local;
  zero: Local;
  zy: Local;
  qmin: Local;
  qmax: Local;
  m: Local;
  lo: Local;
  hi: Local;
}

/** Sets up {@linkcode VecRequant} from scalar i32 values pushed by the callbacks. */
export function vecRequantSetup(
  f: FuncBuilder,
  g: { left: () => void; right: () => void; zy: () => void; qmin: () => void; qmax: () => void },
): VecRequant {
  const v = (): Local => f.local("v128");
  const q: VecRequant = {
    left: f.local("i32"),
    right: f.local("i32"),
    nudge: v(),
    mask: v(),
    thr: v(),
    zero: v(),
    zy: v(),
    qmin: v(),
    qmax: v(),
    m: v(),
    lo: v(),
    hi: v(),
  };
  g.left();
  f.set(q.left);
  g.right();
  f.set(q.right);
  f.i64(2 ** 30).op("i64x2.splat").set(q.nudge);
  f.i32(1).get(q.right).op("i32.shl").i32(1).op("i32.sub").op("i32x4.splat").set(q.mask);
  f.i32(1).get(q.right).op("i32.shl").i32(1).op("i32.sub").i32(1).op("i32.shr_s");
  f.op("i32x4.splat").set(q.thr);
  f.i32(0).op("i32x4.splat").set(q.zero);
  g.zy();
  f.op("i32x4.splat").set(q.zy);
  g.qmin();
  f.op("i32x4.splat").set(q.qmin);
  g.qmax();
  f.op("i32x4.splat").set(q.qmax);
  return q;
}

/** Low and high 32-bit halves of two i64x2 vectors, as i32x4 lanes in order. */
const LOW_HALVES = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const HIGH_HALVES = LOW_HALVES.map((b) => b + 4);

/**
 * `v = (v * q.m + 2^30) >> 31` per lane on 64-bit products, kept to 32 bits: bits 31 to 62 of each
 * sum, `(high << 1) | (low >>> 31)` of its halves, written `(high << 1) - (low >> 31)` (the
 * arithmetic shift is 0 or -1). x86-64 has no 64-bit arithmetic shift before AVX-512, so this is
 * cheaper than `i64x2.shr_s`; the bits kept are the same.
 */
function highMul(f: FuncBuilder, v: Local, q: VecRequant): void {
  f.get(v).get(q.m).op("i64x2.extmul_low_i32x4_s").get(q.nudge).op("i64x2.add").set(q.lo);
  f.get(v).get(q.m).op("i64x2.extmul_high_i32x4_s").get(q.nudge).op("i64x2.add").set(q.hi);
  f.get(q.lo).get(q.hi).shuffle(HIGH_HALVES).i32(1).op("i32x4.shl");
  f.get(q.lo).get(q.hi).shuffle(LOW_HALVES).i32(31).op("i32x4.shr_s");
  f.op("i32x4.sub").set(v);
}

/**
 * SIMD TFLite requantization of the i32x4 in `v` (in place), with lane multipliers pushed by
 * `mult` and shifts shared by the lanes. The doubling high multiply is `(a * b + 2^30) >> 31` on
 * 64-bit lanes (equal to gemmlowp's nudge-and-truncate form for all non-saturating inputs).
 */
export function requantVec(f: FuncBuilder, v: Local, mult: () => void, q: VecRequant): void {
  f.get(v).get(q.left).op("i32x4.shl").set(v);
  mult();
  f.set(q.m);
  highMul(f, v, q);
  f.get(v).get(q.right).op("i32x4.shr_s");
  f.get(v).get(q.mask).op("v128.and");
  f.get(q.thr).get(v).get(q.zero).op("i32x4.lt_s", "i32x4.sub", "i32x4.gt_s", "i32x4.sub");
  f.get(q.zy).op("i32x4.add").get(q.qmin).op("i32x4.max_s").get(q.qmax).op("i32x4.min_s").set(v);
}

/** Splatted constants of {@linkcode requantBounded}: the rounding terms and the output range. */
export interface BoundedRequant {
  round: Local;
  negOn: Local;
  right: Local;
  zy: Local;
  qmin: Local;
  qmax: Local;
  m: Local;
  lo: Local;
  hi: Local;
}

/**
 * Sets up {@linkcode BoundedRequant} from scalar i32 values pushed by the callbacks: the right
 * shift, the output zero point and range.
 */
export function boundedRequantSetup(
  f: FuncBuilder,
  g: { right: () => void; zy: () => void; qmin: () => void; qmax: () => void },
): BoundedRequant {
  const v = (): Local => f.local("v128");
  const q: BoundedRequant = {
    round: v(),
    negOn: v(),
    right: f.local("i32"),
    zy: v(),
    qmin: v(),
    qmax: v(),
    m: v(),
    lo: v(),
    hi: v(),
  };
  g.right();
  f.set(q.right);
  // 2^31 + (2^right >> 1) * 2^32 in each 64-bit lane; -1 in each lane where right > 0.
  f.i64(2 ** 31).i32(1).get(q.right).op("i32.shl").i32(1).op("i32.shr_u", "i64.extend_i32_s");
  f.i64(32).op("i64.shl", "i64.add", "i64x2.splat").set(q.round);
  f.i32(0).get(q.right).op("i32.sub").i32(31).op("i32.shr_s", "i32x4.splat").set(q.negOn);
  g.zy();
  f.op("i32x4.splat").set(q.zy);
  g.qmin();
  f.op("i32x4.splat").set(q.qmin);
  g.qmax();
  f.op("i32x4.splat").set(q.qmax);
  return q;
}

/**
 * SIMD TFLite requantization of the i32x4 in `v` (in place) for accumulators the builder has
 * bounded: `|v| < 2^30`, no left shift, a right shift shared by the lanes (at least 1 unless
 * `anyShift`, which costs one more instruction), and lane
 * multipliers `M` in `[2^30, 2^31)` pushed by `mult` as `2M - 2^32` (`2M` as an i32). Bit for bit
 * {@linkcode requantVec} there, in fewer instructions: gemmlowp's high multiply plus half of
 * `2^right` is the high word of `v * 2M + 2^31 + 2^(right-1) * 2^32` (one 64-bit product per lane;
 * the signed product with `2M - 2^32` is short of it by `v` in the high word), and its rounding
 * division by `2^right`, ties away from zero, subtracts 1 for negative `v` before the arithmetic
 * shift (for `v = -1` and `M = 2^30` the high multiply is 0, and both give 0). The bound keeps every
 * sum inside its 32 or 64 bits.
 */
export function requantBounded(
  f: FuncBuilder,
  v: Local,
  mult: () => void,
  q: BoundedRequant,
  anyShift = false,
): void {
  mult();
  f.set(q.m);
  f.get(v).get(q.m).op("i64x2.extmul_low_i32x4_s").get(q.round).op("i64x2.add").set(q.lo);
  f.get(v).get(q.m).op("i64x2.extmul_high_i32x4_s").get(q.round).op("i64x2.add").set(q.hi);
  f.get(q.lo).get(q.hi).shuffle(HIGH_HALVES).get(v).op("i32x4.add");
  f.get(v).i32(31).op("i32x4.shr_s");
  if (anyShift) f.get(q.negOn).op("v128.and");
  f.op("i32x4.add").get(q.right).op("i32x4.shr_s");
  f.get(q.zy).op("i32x4.add").get(q.qmin).op("i32x4.max_s").get(q.qmax).op("i32x4.min_s").set(v);
}

/**
 * Bytes per group of 8 channels of {@linkcode requantBoundedPerChannel}'s constants: the rounding
 * terms (one i64 per lane), `2^(32 - r)` and `2^(31 - r)` (one i32 per lane each).
 */
export const BOUNDED_GROUP_BYTES = 128;

/**
 * The per-channel constants of {@linkcode requantBoundedPerChannel} for right shifts `right`
 * (each at least 1), `pad` channels (a multiple of 8), as i32 words.
 *
 * @example
 * ```ts
 * import { boundedPerChannelConstants } from "./_requant_simd.ts";
 * if (boundedPerChannelConstants([3], 8).length !== 32) throw new Error("wrong");
 * ```
 *
 * @param right Right shift per channel.
 * @param pad Channels, padded (a multiple of 8).
 * @returns `pad / 8` groups of {@linkcode BOUNDED_GROUP_BYTES} bytes.
 */
export function boundedPerChannelConstants(
  right: ArrayLike<number>,
  pad: number,
): Int32Array<ArrayBuffer> {
  const words = new Int32Array((pad / 8) * (BOUNDED_GROUP_BYTES / 4));
  for (let c = 0; c < pad; c++) {
    const r = c < right.length ? right[c] : 1, g = (c >> 3) * 32, l = c & 7;
    // Rounding term 2^31 + 2^(r-1) * 2^32: low word 2^31, high word 2^(r-1).
    words[g + 2 * l] = 2 ** 31 | 0;
    words[g + 2 * l + 1] = 2 ** (r - 1);
    words[g + 16 + l] = 2 ** (32 - r) | 0;
    words[g + 24 + l] = 2 ** (31 - r) | 0;
  }
  return words;
}

/**
 * {@linkcode requantBounded} with a right shift per lane: the same 64-bit product and rounding
 * (the rounding term per lane, from `a.right`), then the per-lane `floor(X / 2^r)` as the high word
 * of the unsigned product `(X + 2^31) * 2^(32 - r)`, less `2^(31 - r)`. `a.mult` addresses this
 * group of 8 channels' multipliers (as `2M`), `a.right` its {@linkcode BOUNDED_GROUP_BYTES} bytes of
 * constants; `off` is 0 for lanes 0-3, 16 for lanes 4-7. `sign` holds `0x80000000` in every lane.
 */
export function requantBoundedPerChannel(
  f: FuncBuilder,
  v: Local,
  a: { mult: Local; right: Local },
  off: number,
  q: BoundedRequant & { sign: Local },
): void {
  f.get(a.mult).mem("v128.load", off).set(q.m);
  f.get(v).get(q.m).op("i64x2.extmul_low_i32x4_s").get(a.right).mem("v128.load", 2 * off);
  f.op("i64x2.add").set(q.lo);
  f.get(v).get(q.m).op("i64x2.extmul_high_i32x4_s").get(a.right).mem("v128.load", 2 * off + 16);
  f.op("i64x2.add").set(q.hi);
  f.get(q.lo).get(q.hi).shuffle(HIGH_HALVES).get(v).op("i32x4.add");
  f.get(v).i32(31).op("i32x4.shr_s", "i32x4.add").get(q.sign).op("v128.xor").set(v);
  f.get(a.right).mem("v128.load", 64 + off).set(q.m);
  f.get(v).get(q.m).op("i64x2.extmul_low_i32x4_u").set(q.lo);
  f.get(v).get(q.m).op("i64x2.extmul_high_i32x4_u").set(q.hi);
  f.get(q.lo).get(q.hi).shuffle(HIGH_HALVES).get(a.right).mem("v128.load", 96 + off);
  f.op("i32x4.sub");
  f.get(q.zy).op("i32x4.add").get(q.qmin).op("i32x4.max_s").get(q.qmax).op("i32x4.min_s").set(v);
}

/**
 * SIMD TFLite requantization of the i32x4 in `v` (in place) with per-lane multipliers and shifts,
 * bit for bit `MultiplyByQuantizedMultiplier`. Per group of 8 channels, `a.left` holds `2^left`
 * (a wrapping `i32x4.mul` is the scalar `i32.shl`), `a.mult` the Q31 multipliers and `a.right` 256
 * bytes of i32 lanes: `mask = 2^r - 1`, `mask >> 1`, five lane selectors (-1 where bit b of
 * `r - rmin` is set), then `rmin` (the group's smallest shift, byte 224) and the bits any lane has
 * beyond it (byte 228). gemmlowp's `RoundingDivideByPOT` is then `(v >> r) + ((v & mask) > (mask >>
 * 1) + (v < 0))`, the per-lane `v >> r` as `v >> rmin` and then conditional shifts by 1, 2, 4, 8
 * and 16, each only where some lane needs it. `off` is 0 for lanes 0-3, 16 for lanes 4-7.
 */
export function requantPerChannel(
  f: FuncBuilder,
  v: Local,
  a: { mult: Local; left: Local; right: Local },
  off: number,
  q: VecRequant,
): void {
  f.get(v).get(a.left).mem("v128.load", off).op("i32x4.mul").set(v);
  f.get(a.mult).mem("v128.load", off).set(q.m);
  highMul(f, v, q);
  f.get(v).get(a.right).mem("v128.load", off).op("v128.and");
  f.get(a.right).mem("v128.load", 32 + off).get(v).i32(31).op("i32x4.shr_s", "i32x4.sub");
  f.op("i32x4.gt_s").set(q.m);
  f.get(v).get(a.right).mem("i32.load", 224).op("i32x4.shr_s").set(v);
  for (let b = 0; b < 5; b++) {
    f.get(a.right).mem("i32.load", 228).i32(1 << b).op("i32.and").open("if");
    f.get(v).i32(1 << b).op("i32x4.shr_s").get(v);
    f.get(a.right).mem("v128.load", 64 + 32 * b + off).op("v128.bitselect").set(v);
    f.end();
  }
  f.get(v).get(q.m).op("i32x4.sub");
  f.get(q.zy).op("i32x4.add").get(q.qmin).op("i32x4.max_s").get(q.qmax).op("i32x4.min_s").set(v);
}
