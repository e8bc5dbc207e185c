/**
 * Error measures between a result and the reference.
 *
 * @module
 */
import type { HostTensor } from "../core/kernel.ts";
import { readNumber } from "../kernels/_shared/tensor.ts";

/** Differences between two tensors. */
export interface Difference {
  /** `||a - ref|| / ||ref||` (0 when both are zero; Infinity on NaN mismatch or shape mismatch). */
  rel: number;
  /** Max `|a - ref|`. */
  maxAbs: number;
  /** Max `|ref|`. */
  refMax: number;
  /** Elements where exactly one side is NaN, or infinities differ. */
  nanMismatches: number;
  /** First mismatching flat index, if any NaN/shape mismatch. */
  firstBad?: number;
}

/**
 * Compares a result with the reference.
 *
 * @example
 * ```ts
 * import { compareTensors } from "./compare.ts";
 * const a = { dtype: "float32" as const, shape: [2], data: new Float32Array([1, 2]) };
 * if (compareTensors(a, a).rel !== 0) throw new Error("wrong");
 * ```
 *
 * @param got The result.
 * @param ref The reference.
 * @returns The differences.
 */
export function compareTensors(got: HostTensor, ref: HostTensor): Difference {
  if (
    got.data.length !== ref.data.length || got.shape.join() !== ref.shape.join()
  ) {
    return {
      rel: Infinity,
      maxAbs: Infinity,
      refMax: 0,
      nanMismatches: 0,
      firstBad: 0,
    };
  }
  let num = 0;
  let den = 0;
  let maxAbs = 0;
  let refMax = 0;
  let nanMismatches = 0;
  let firstBad: number | undefined;
  for (let i = 0; i < ref.data.length; i++) {
    const r = readNumber(ref, i);
    const g = readNumber(got, i);
    if (
      Number.isNaN(r) || Number.isNaN(g) || !Number.isFinite(r) ||
      !Number.isFinite(g)
    ) {
      if (!(Object.is(r, g) || (Number.isNaN(r) && Number.isNaN(g)))) {
        nanMismatches++;
        firstBad ??= i;
      }
      continue;
    }
    const d = Math.abs(g - r);
    num += d * d;
    den += r * r;
    if (d > maxAbs) maxAbs = d;
    if (Math.abs(r) > refMax) refMax = Math.abs(r);
  }
  const rel = nanMismatches > 0
    ? Infinity
    : den === 0
    ? (num === 0 ? 0 : Math.sqrt(num))
    : Math.sqrt(num / den);
  return {
    rel,
    maxAbs: nanMismatches > 0 ? Infinity : maxAbs,
    refMax,
    nanMismatches,
    firstBad,
  };
}
