/**
 * ROUND: rounds to the nearest integer, halves to even (banker's rounding).
 *
 * Cases use inputs on a 1/8 grid (exact in f16, and hitting halves).
 * WGSL `round` is defined as round-half-to-even, like TensorFlow Lite's `RoundToNearest`.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * Rounds to the nearest integer, halves to the even neighbour; keeps ±0, NaN and infinities.
 *
 * @example
 * ```ts
 * import { roundHalfEven } from "./mod.ts";
 * if (roundHalfEven(2.5) !== 2 || roundHalfEven(-3.5) !== -4 || roundHalfEven(0.7) !== 1) throw new Error("wrong");
 * ```
 *
 * @param x The value.
 * @returns The rounded value.
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && x < 0 ? -0 : r;
}

/**
 * The ROUND kernel.
 *
 * @example
 * ```ts
 * import { round } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([2.5, 3.5]) };
 * const [y] = round.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 2) throw new Error("wrong");
 * ```
 */
export const round: KernelDef<Record<string, never>> = unaryKernel({
  name: "ROUND",
  fn: roundHalfEven,
  wgsl: (x) => `round(${x})`,
  range: [-8, 8],
  step: 0.125,
  edges: [0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 1e-7, 1e30, -1e30],
  specials: [NaN, Infinity, -Infinity],
});
