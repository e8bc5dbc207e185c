/**
 * NEG: `-x`.
 *
 * int32 runs on the GPU too.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The NEG kernel.
 *
 * @example
 * ```ts
 * import { neg } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-3, 2]) };
 * const [y] = neg.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 3) throw new Error("wrong");
 * ```
 */
export const neg: KernelDef<Record<string, never>> = unaryKernel({
  name: "NEG",
  fn: (x) => -x,
  wgsl: (x) => `(-${x})`,
  intFn: (x) => -x | 0,
  wgslInt: (x) => `(-${x})`,
  specials: [NaN, Infinity, -Infinity],
});
