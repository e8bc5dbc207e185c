/**
 * CEIL: rounds toward positive infinity.
 *
 * Cases use inputs on a 1/8 grid (exact in f16, and hitting halves).
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The CEIL kernel.
 *
 * @example
 * ```ts
 * import { ceil } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-2.5, 2.5]) };
 * const [y] = ceil.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== -2) throw new Error("wrong");
 * ```
 */
export const ceil: KernelDef<Record<string, never>> = unaryKernel({
  name: "CEIL",
  fn: (x) => Math.ceil(x),
  wgsl: (x) => `ceil(${x})`,
  range: [-8, 8],
  step: 0.125,
  edges: [0, -0, 0.5, -0.5, 1.5, -2.5, 1e-7, -1e-7, 1e30, -1e30],
  specials: [NaN, Infinity, -Infinity],
});
