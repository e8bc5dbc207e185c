/**
 * Workgroup-size heuristics for the convolution and matmul kernels: pure functions of the op's
 * thread grid and the device limits, so they can be unit-tested and benchmarked
 * (`bench/conv_bench.ts` compares the table's pick with its neighbours).
 *
 * The starting point is TFLite GPU's OpenGL default, which picks `(x, y, z)` from the number of
 * output slices `z` (4-channel groups) a grid covers; the kernels here map `x` to output columns (or
 * blocks of them), `y` to batch x output rows, and `z` to output slices (or blocks of them).
 *
 * @module
 */
import type { GpuLimitsInfo } from "../../core/kernel.ts";

/** A workgroup size `[x, y, z]`. */
export type Workgroup = [number, number, number];

/**
 * TFLite GPU's OpenGL default table: `[minimum z (slices), workgroup]`, largest first. Each entry has
 * 1024 invocations; the grid's `z` extent picks the row.
 */
export const DEFAULT_WORKGROUP_TABLE: readonly (readonly [number, Workgroup])[] = [
  [64, [4, 4, 64]],
  [32, [8, 4, 32]],
  [16, [8, 8, 16]],
  [8, [16, 8, 8]],
  [4, [16, 16, 4]],
  [2, [32, 16, 2]],
  [1, [32, 32, 1]],
];

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Shrinks a workgroup until it fits the device: halves its largest dimension (ties: z, then y) while the product
 * exceeds `maxInvocations` or a dimension exceeds its own limit.
 *
 * @example
 * ```ts
 * import { fitWorkgroup } from "./workgroup.ts";
 * const wg = fitWorkgroup([4, 4, 64], { maxInvocations: 256, maxWorkgroupSize: [256, 256, 64] });
 * if (wg.join() !== "4,4,16") throw new Error("wrong");
 * ```
 *
 * @param wg The wanted size.
 * @param limits `maxInvocations` and `maxWorkgroupSize` of the device.
 * @returns A size that fits, each dimension a power of two no larger than asked.
 */
export function fitWorkgroup(
  wg: Readonly<Workgroup>,
  limits: Pick<GpuLimitsInfo, "maxInvocations" | "maxWorkgroupSize">,
): Workgroup {
  const out: Workgroup = [wg[0], wg[1], wg[2]];
  for (let d = 0; d < 3; d++) {
    while (out[d] > limits.maxWorkgroupSize[d] && out[d] > 1) out[d] = Math.floor(out[d] / 2);
  }
  while (out[0] * out[1] * out[2] > limits.maxInvocations) {
    // Ties go to z, then y: x (columns) keeps neighbouring threads on neighbouring memory.
    const d = out[2] >= out[1] && out[2] >= out[0] ? 2 : out[1] >= out[0] ? 1 : 0;
    out[d] = Math.max(1, Math.floor(out[d] / 2));
  }
  return out;
}

/**
 * The workgroup of a 3-D thread grid: TFLite GPU's default table row chosen by the grid's `z`
 * extent, each dimension then clamped to the grid (the next power of two at or above it, so no
 * workgroup is mostly idle threads), and fitted to the device with {@linkcode fitWorkgroup}.
 * Dimensions freed by the clamp are given to `x` then `y` (up to their grid extents), so small-`z`
 * grids still fill a workgroup.
 *
 * @example
 * ```ts
 * import { convWorkgroup } from "./workgroup.ts";
 * const limits = { maxInvocations: 256, maxWorkgroupSize: [256, 256, 64] as [number, number, number] };
 * // 112x112 output, 8 slices: row (16, 8, 8), fitted to 256 invocations.
 * if (convWorkgroup([112, 112, 8], limits).join() !== "8,8,4") throw new Error("wrong");
 * ```
 *
 * @param grid Number of threads along `x`, `y`, `z`.
 * @param limits `maxInvocations` and `maxWorkgroupSize` of the device.
 * @returns The workgroup size.
 */
export function convWorkgroup(
  grid: Readonly<Workgroup>,
  limits: Pick<GpuLimitsInfo, "maxInvocations" | "maxWorkgroupSize">,
): Workgroup {
  const row = DEFAULT_WORKGROUP_TABLE.find(([z]) => grid[2] >= z) ??
    DEFAULT_WORKGROUP_TABLE[DEFAULT_WORKGROUP_TABLE.length - 1];
  const budget = row[1][0] * row[1][1] * row[1][2];
  const cap = grid.map((g) => nextPow2(Math.max(1, g))) as Workgroup;
  const wg = row[1].map((w, d) => Math.min(w, cap[d])) as Workgroup;
  for (const d of [0, 1]) {
    while (wg[0] * wg[1] * wg[2] * 2 <= budget && wg[d] * 2 <= cap[d]) wg[d] *= 2;
  }
  return fitWorkgroup(wg, limits);
}

/**
 * Workgroup counts covering a grid with a workgroup size.
 *
 * @example
 * ```ts
 * import { groupsFor } from "./workgroup.ts";
 * if (groupsFor([100, 7, 3], [8, 4, 2]).join() !== "13,2,2") throw new Error("wrong");
 * ```
 *
 * @param grid Threads along `x`, `y`, `z`.
 * @param wg Workgroup size.
 * @returns `[ceil(grid / wg)]` per dimension.
 */
export function groupsFor(grid: Readonly<Workgroup>, wg: Readonly<Workgroup>): Workgroup {
  return [
    Math.ceil(grid[0] / wg[0]),
    Math.ceil(grid[1] / wg[1]),
    Math.ceil(grid[2] / wg[2]),
  ];
}

/**
 * Thread mapping of a GEMM-like kernel (pointwise conv, FULLY_CONNECTED): `m` positions (rows) times
 * `outSlices` output slices, reducing over `inSlices` input slices. A workgroup has
 * `tpm * tpn * ks` threads: `tpm` along positions (fastest, so neighbouring threads read
 * neighbouring input vec4s), `tpn` along output slices, and `ks` lanes that split the reduction
 * (each lane takes every `ks`-th reduction step, then the lanes' partial sums are added in workgroup
 * memory). Each thread keeps `mb * nb` `vec4<f32>` accumulators: `mb` positions `tpm` apart and `nb`
 * slices `tpn` apart.
 */
export interface GemmMapping {
  /** Positions per thread. */
  mb: number;
  /** Output slices per thread. */
  nb: number;
  /** Threads along positions in a workgroup. */
  tpm: number;
  /** Threads along output slices in a workgroup. */
  tpn: number;
  /** Lanes splitting the reduction over input channels. */
  ks: number;
  /**
   * Reduction step: `slice` (one input vec4 and the four weight vec4s of each output slice per
   * step) or `channel` (one input channel per step: consecutive lanes read consecutive weight vec4s
   * of an O4I4 row, the coalesced order for a GEMV that is bound by weight reads).
   */
  unit: "slice" | "channel";
}

/** Shape of a GEMM-like problem. */
export interface GemmShape {
  /** Positions (rows): batch x height x width, or FULLY_CONNECTED rows. */
  m: number;
  /** Input slices (reduction length / 4). */
  inSlices: number;
  /** Output slices. */
  outSlices: number;
}

/**
 * Threads a GEMM-like kernel aims to have in flight: enough to fill a large GPU (an H100 has 132
 * SMs of up to 2048 resident threads); below it the reduction is split over more lanes.
 */
export const GEMM_FILL_THREADS = 32768;
/** Fewest reduction steps a split lane keeps (below it the reduction costs more than it saves). */
export const GEMM_MIN_STEPS = 4;
/** Largest workgroup a GEMM-like kernel uses. */
export const GEMM_MAX_THREADS = 256;

function floorPow2(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/**
 * Chooses the thread mapping of a GEMM-like kernel from its shape and the device limits.
 *
 * - GEMV (`m <= 2`): one workgroup per output slice, its threads splitting the input channels
 *   (`unit: "channel"`, so the weight reads are coalesced).
 * - Otherwise each thread computes up to 4 positions x 2 slices; when that leaves fewer than
 *   `fill` threads (few positions, few output channels), the reduction is split over up to
 *   `GEMM_MAX_THREADS` lanes, keeping at least `GEMM_MIN_STEPS` steps per lane; if that still
 *   leaves fewer than `fill / 2`, the register tile shrinks (positions first, then slices).
 *
 * The workgroup's reduction buffer (`tpm * tpn * ks * mb * nb` vec4s when `ks > 1`) always fits
 * `maxWorkgroupStorageSize`.
 *
 * @example
 * ```ts
 * import { gemmMapping } from "./workgroup.ts";
 * const limits = { maxInvocations: 256, maxWorkgroupSize: [256, 256, 64] as [number, number, number], maxWorkgroupStorageSize: 16384 };
 * // The 1x1x1024 -> 1001 classifier of MobileNet: a GEMV.
 * const g = gemmMapping({ m: 1, inSlices: 256, outSlices: 251 }, limits);
 * if (g.unit !== "channel" || g.ks !== 256) throw new Error("wrong");
 * ```
 *
 * @param shape Positions, input and output slices.
 * @param limits Device limits.
 * @param fill Threads to aim for (default {@linkcode GEMM_FILL_THREADS}).
 * @returns The mapping.
 */
export function gemmMapping(
  shape: GemmShape,
  limits: Pick<GpuLimitsInfo, "maxInvocations" | "maxWorkgroupSize" | "maxWorkgroupStorageSize">,
  fill: number = GEMM_FILL_THREADS,
): GemmMapping {
  const { m, inSlices, outSlices } = shape;
  const maxNt = floorPow2(
    Math.min(GEMM_MAX_THREADS, limits.maxInvocations, limits.maxWorkgroupSize[0]),
  );
  const budget = Math.floor(limits.maxWorkgroupStorageSize / 16);
  if (m <= 2) {
    let ks = Math.min(maxNt, nextPow2(inSlices));
    while (ks > 1 && ks * m > budget) ks /= 2;
    return { mb: m, nb: 1, tpm: 1, tpn: 1, ks, unit: "channel" };
  }
  let mb = Math.min(4, m);
  let nb = outSlices >= 2 ? 2 : 1;
  let rows = Math.ceil(m / mb);
  let cols = Math.ceil(outSlices / nb);
  let ks = 1;
  while (
    rows * cols * ks < fill && ks * 2 <= maxNt && inSlices >= ks * 2 * GEMM_MIN_STEPS
  ) ks *= 2;
  // Still far from filling the GPU with the reduction split all it can be: smaller register tiles.
  while (rows * cols * ks < fill / 2 && (mb > 1 || nb > 1)) {
    if (mb > 1) mb = Math.ceil(mb / 2);
    else nb = 1;
    rows = Math.ceil(m / mb);
    cols = Math.ceil(outSlices / nb);
  }
  let tpm = Math.min(nextPow2(rows), 64, maxNt / ks);
  let tpn = Math.min(nextPow2(cols), maxNt / (ks * tpm));
  while (ks > 1 && tpm * tpn * ks * mb * nb > budget) {
    if (tpn > 1) tpn /= 2;
    else if (tpm > 1) tpm /= 2;
    else ks /= 2;
  }
  return { mb, nb, tpm, tpn, ks, unit: "slice" };
}
