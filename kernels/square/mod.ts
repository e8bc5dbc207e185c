/**
 * SQUARE: `x * x`.
 *
 * Overflows to Infinity past 1.8e19 in float32.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The SQUARE kernel.
 *
 * @example
 * ```ts
 * import { square } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-3, 2]) };
 * const [y] = square.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 9) throw new Error("wrong");
 * ```
 */
export const square: KernelDef<Record<string, never>> = unaryKernel({
  name: "SQUARE",
  fn: (x) => x * x,
  wgsl: (x) => `(${x} * ${x})`,
  edges: [0, -0, 1e-7, -1e-7, 3.5, -3.5, 100, -100, 1e20],
  specials: [NaN, Infinity, -Infinity],
});
