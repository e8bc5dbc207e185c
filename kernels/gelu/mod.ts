/**
 * GELU: Gaussian error linear unit.
 *
 * Option `approximate` (GeluOptions, default false): `0.5 x (1 + erf(x / sqrt 2))`, or with
 * `approximate` the tanh form `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`. The GPU evaluates erf
 * with an absolute error below 1.2e-7.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { boolOption } from "../_shared/options.ts";

/**
 * The error function in float64, to ~1e-15: a series with positive terms for |x| < 6, ±1 beyond.
 *
 * @example
 * ```ts
 * import { erf } from "./mod.ts";
 * if (Math.abs(erf(1) - 0.8427007929497149) > 1e-14) throw new Error("wrong");
 * ```
 *
 * @param x The argument.
 * @returns erf(x).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const z = Math.abs(x);
  if (z >= 6) return Math.sign(x);
  // erf(z) = 2/sqrt(pi) e^(-z^2) sum_n 2^n z^(2n+1) / (1 * 3 * ... * (2n+1)).
  let term = z;
  let sum = z;
  for (let n = 1; n < 300 && term > sum * 1e-17; n++) {
    term *= (2 * z * z) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
}

/**
 * The GELU kernel.
 *
 * @example
 * ```ts
 * import { gelu } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([0, 10]) };
 * const [y] = gelu.reference({ inputs: [x], options: { approximate: false }, outputs: [x] });
 * if (y.data[1] !== 10) throw new Error("wrong");
 * ```
 */
export const gelu: KernelDef<{ approximate: boolean }> = unaryKernel({
  name: "GELU",
  optionsType: "GeluOptions",
  parse: (options) => ({ approximate: boolOption("GELU", options, "approximate", false) }),
  fn: (x, { approximate }) =>
    approximate
      ? 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))
      : 0.5 * x * (1 + erf(x / Math.SQRT2)),
  wgsl: (x, { approximate }) =>
    approximate
      ? `(0.5 * ${x} * (1.0 + ew_tanh(0.7978845608028654 * (${x} + 0.044715 * ${x} * ${x} * ${x}))))`
      : `(0.5 * ${x} * (1.0 + ew_erf(${x} * 0.7071067811865476)))`,
  helpers: ["erf", "tanh"],
  optionSets: [{}, { approximate: true }],
  specials: [Infinity],
});
