/**
 * EXP: `e^x`.
 *
 * Overflows to Infinity past 88.7 in float32 (past 11.1 in f16, whose edge cases are f32 only).
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The EXP kernel.
 *
 * @example
 * ```ts
 * import { exp } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([0, 1]) };
 * const [y] = exp.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 1) throw new Error("wrong");
 * ```
 */
export const exp: KernelDef<Record<string, never>> = unaryKernel({
  name: "EXP",
  fn: (x) => Math.exp(x),
  wgsl: (x) => `ew_keepnan(exp(${x}), ${x})`,
  helpers: ["keepnan"],
  edges: [0, -0, 1e-7, -1e-7, 3.5, -3.5, 10, 80, 88, -88, 100, -100],
  specials: [NaN, Infinity, -Infinity],
});
