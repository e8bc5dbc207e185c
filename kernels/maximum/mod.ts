/**
 * MAXIMUM: elementwise maximum.
 *
 * Broadcasts NumPy-style. Follows TensorFlow Lite's `a > b ? a : b`, so a NaN in `a` yields `b`
 * and a NaN in `b` yields NaN. The GPU does the same with an explicit select whose NaN tests read bit
 * patterns (`ew_max`): GPU compilers turn a bare `a > b ? a : b` into IEEE maxNum, which returns the
 * non-NaN operand. int32 runs on the GPU too.
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { maximumInteger } from "./quant.ts";

/**
 * The MAXIMUM kernel.
 *
 * @example
 * ```ts
 * import { maximum } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = maximum.reference({
 *   inputs: [t([5, 1]), t([2, 3])],
 *   options: { activation: "NONE" },
 *   outputs: [t([5, 1])],
 * });
 * if (y.data[1] !== 3) throw new Error("wrong");
 * ```
 */
export const maximum: KernelDef<BinaryOptions> = {
  ...binaryKernel({
    name: "MAXIMUM",
    optionsType: "MaximumMinimumOptions",
    hasActivation: false,
    fn: (a, b) => (a > b ? a : b),
    wgsl: (a, b) => `ew_max(${a}, ${b})`,
    helpers: ["maxmin"],
    intFn: (a, b) => (a > b ? a : b),
    wgslInt: (a, b) => `max(${a}, ${b})`,
    edges: [{
      a: [NaN, 1, Infinity, -Infinity, 0, -0, 1e-30, -5],
      b: [1, NaN, 3, -Infinity, -0, 0, -1e-30, -4],
    }],
  }),
  traits: { cheap: true, inPlace: true },
  quant: maximumInteger,
};
