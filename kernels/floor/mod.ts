/**
 * FLOOR: rounds toward negative infinity.
 *
 * Cases use inputs on a 1/8 grid (exact in f16, and hitting halves).
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The FLOOR kernel.
 *
 * @example
 * ```ts
 * import { floor } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-2.5, 2.5]) };
 * const [y] = floor.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== -3) throw new Error("wrong");
 * ```
 */
export const floor: KernelDef<Record<string, never>> = unaryKernel({
  name: "FLOOR",
  fn: (x) => Math.floor(x),
  wgsl: (x) => `floor(${x})`,
  range: [-8, 8],
  step: 0.125,
  edges: [0, -0, 0.5, -0.5, 1.5, -2.5, 1e-7, -1e-7, 1e30, -1e30],
  specials: [NaN, Infinity, -Infinity],
});
