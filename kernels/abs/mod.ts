/**
 * ABS: absolute value.
 *
 * `abs(-0) = 0`; int32 runs on the GPU too (`abs(-2^31)` wraps, as in C).
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The ABS kernel.
 *
 * @example
 * ```ts
 * import { abs } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-3, 2]) };
 * const [y] = abs.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 3) throw new Error("wrong");
 * ```
 */
export const abs: KernelDef<Record<string, never>> = unaryKernel({
  name: "ABS",
  fn: (x) => Math.abs(x),
  wgsl: (x) => `abs(${x})`,
  intFn: (x) => Math.abs(x) | 0,
  wgslInt: (x) => `abs(${x})`,
  specials: [NaN, Infinity, -Infinity],
});
