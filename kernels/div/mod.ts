/**
 * DIV: elementwise quotient `a / b`.
 *
 * Broadcasts NumPy-style and applies the fused activation (`fusedActivationFunction`).
 * Float division follows IEEE 754 (x/0 = ±Infinity, 0/0 = NaN); int32 division truncates toward zero
 * and an int32 division by zero is an error, as in TensorFlow Lite.
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";

/**
 * The DIV kernel.
 *
 * @example
 * ```ts
 * import { div } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = div.reference({
 *   inputs: [t([6, 1]), t([2, 0])],
 *   options: { activation: "NONE" },
 *   outputs: [t([6, 1])],
 * });
 * if (y.data[1] !== Infinity) throw new Error("wrong");
 * ```
 */
export const div: KernelDef<BinaryOptions> = {
  ...binaryKernel({
    name: "DIV",
    optionsType: "DivOptions",
    hasActivation: true,
    fn: (a, b) => a / b,
    wgsl: (a, b) => `(${a} / ${b})`,
    intFn: (a, b) => {
      if (b === 0) throw new OpError("DIV: integer division by zero");
      return Math.trunc(a / b) | 0;
    },
    wgslInt: (a, b) => `(${a} / ${b})`,
    stepB: 1 / 16,
    intRangeB: [1, 9],
    extraCases: [{
      name: "constant scalar zero divisor",
      inputs: [
        { dtype: "float32", shape: [1, 3, 3, 2], data: [1, -1, 0, 2, -3, 0.5] },
        { dtype: "float32", shape: [], data: [0], constant: true },
      ],
    }],
    edges: [
      { a: [1, -1, 0, 1, 5, 1e-30, 3, -7], b: [0, 0, 0, -0, 1e-30, 3, 1e-35, 2] },
      { a: [1, 2, -3, 0.5, 1000, -1000], b: [3, -7, 0.1, 1e-3, 1e-4, -3e-4] },
    ],
  }),
  traits: { cheap: true, inPlace: true },
};
