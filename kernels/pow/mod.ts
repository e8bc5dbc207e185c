/**
 * POW: elementwise power `a ** b` with C `pow` semantics.
 *
 * Broadcasts NumPy-style. Matches C `powf`, as TensorFlow Lite calls it: a negative base with an
 * integer exponent keeps the sign of odd powers, a negative base with a non-integer exponent is NaN,
 * `pow(x, ±0) = 1` and `pow(1, y) = 1` even for NaN, `pow(±0, y<0)` is an infinity, `pow(-1, ±inf) = 1`.
 * WGSL `pow` is undefined for negative bases, so the GPU computes `exp2(b * log2|a|)` and applies
 * the sign and special cases itself.
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef, OpCase } from "../../core/kernel.ts";
import { gridValues } from "../_shared/elementwise_cases.ts";

/**
 * C `pow` on float64: JavaScript's `**` differs only where C defines `pow(1, y) = 1` (even for NaN)
 * and `pow(-1, ±Infinity) = 1`.
 *
 * @example
 * ```ts
 * import { cPow } from "./mod.ts";
 * if (cPow(1, NaN) !== 1 || cPow(-1, Infinity) !== 1 || cPow(-2, 3) !== -8) throw new Error("wrong");
 * ```
 *
 * @param a Base.
 * @param b Exponent.
 * @returns `a` to the power `b`.
 */
export function cPow(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return a ** b;
}

function negativeBases(shape: number[]): OpCase {
  return {
    name: `negative bases, integer exponents [${shape}]`,
    inputs: [
      { dtype: "float32", shape, data: gridValues({ shape, range: [-3, 3], step: 0.25, seed: 7 }) },
      { dtype: "float32", shape, data: gridValues({ shape, range: [-4, 4], step: 1, seed: 8 }) },
    ],
  };
}

/**
 * The POW kernel.
 *
 * @example
 * ```ts
 * import { pow } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = pow.reference({
 *   inputs: [t([-2, 4]), t([3, 0.5])],
 *   options: { activation: "NONE" },
 *   outputs: [t([-2, 4])],
 * });
 * if (y.data[0] !== -8) throw new Error("wrong");
 * ```
 */
export const pow: KernelDef<BinaryOptions> = binaryKernel({
  name: "POW",
  optionsType: "PowOptions",
  hasActivation: false,
  fn: cPow,
  wgsl: (a, b) => `ew_pow(${a}, ${b})`,
  helpers: ["pow"],
  range: [0.1, 3],
  rangeB: [-3, 3],
  edges: [
    { a: [-2, -2, -2, -0.5, -3, -8, 0, -0, -0, 0], b: [3, 2, -3, -2, 0.5, 1 / 3, -1, -1, -2, 0] },
    {
      a: [NaN, 1, -1, -1, 2, 0.5, NaN, -2, 4, 10],
      b: [0, NaN, Infinity, -Infinity, Infinity, Infinity, 2, 1e10, 0.5, 30],
    },
    {
      a: [Infinity, -Infinity, -Infinity, Infinity, -0, 0, 1e-3, -1e-3],
      b: [2, 3, 2, -1, 3, 3, -3, -3],
    },
  ],
  extraCases: [negativeBases([1, 6, 6, 5]), negativeBases([41])],
});
