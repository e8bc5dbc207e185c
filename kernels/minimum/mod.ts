/**
 * MINIMUM: elementwise minimum.
 *
 * Broadcasts NumPy-style. Follows TensorFlow Lite's `a < b ? a : b`, so a NaN in `a` yields `b`
 * and a NaN in `b` yields NaN. The GPU does the same with an explicit select whose NaN tests read bit
 * patterns (`ew_min`): GPU compilers turn a bare `a < b ? a : b` into IEEE minNum, which returns the
 * non-NaN operand. int32 runs on the GPU too.
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { minimumInteger } from "./quant.ts";

/**
 * The MINIMUM kernel.
 *
 * @example
 * ```ts
 * import { minimum } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = minimum.reference({
 *   inputs: [t([5, 1]), t([2, 3])],
 *   options: { activation: "NONE" },
 *   outputs: [t([5, 1])],
 * });
 * if (y.data[0] !== 2) throw new Error("wrong");
 * ```
 */
export const minimum: KernelDef<BinaryOptions> = {
  ...binaryKernel({
    name: "MINIMUM",
    optionsType: "MaximumMinimumOptions",
    hasActivation: false,
    fn: (a, b) => (a < b ? a : b),
    wgsl: (a, b) => `ew_min(${a}, ${b})`,
    helpers: ["maxmin"],
    intFn: (a, b) => (a < b ? a : b),
    wgslInt: (a, b) => `min(${a}, ${b})`,
    edges: [{
      a: [NaN, 1, Infinity, -Infinity, 0, -0, 1e-30, -5],
      b: [1, NaN, 3, Infinity, -0, 0, -1e-30, -4],
    }],
  }),
  traits: { cheap: true, inPlace: true },
  quant: minimumInteger,
};
