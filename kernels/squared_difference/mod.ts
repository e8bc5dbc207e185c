/**
 * SQUARED_DIFFERENCE: elementwise `(a - b)^2`.
 *
 * Broadcasts NumPy-style. int32 runs on the GPU too (wrapping).
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The SQUARED_DIFFERENCE kernel.
 *
 * @example
 * ```ts
 * import { squaredDifference } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = squaredDifference.reference({
 *   inputs: [t([5, 1]), t([2, 3])],
 *   options: { activation: "NONE" },
 *   outputs: [t([5, 1])],
 * });
 * if (y.data[0] !== 9) throw new Error("wrong");
 * ```
 */
export const squaredDifference: KernelDef<BinaryOptions> = binaryKernel({
  name: "SQUARED_DIFFERENCE",
  optionsType: "SquaredDifferenceOptions",
  hasActivation: false,
  fn: (a, b) => (a - b) * (a - b),
  wgsl: (a, b) => `((${a} - ${b}) * (${a} - ${b}))`,
  intFn: (a, b) => Math.imul(a - b, a - b),
  wgslInt: (a, b) => `((${a} - ${b}) * (${a} - ${b}))`,
  edges: [{ a: [0, -0, 1e20, -3, 1e-20, 2], b: [-0, 5, -1e20, -3, 0, 1e-7] }],
});
