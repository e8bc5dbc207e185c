/**
 * FLOOR_DIV: elementwise `floor(a / b)`.
 *
 * Broadcasts NumPy-style. Float: `floor` of the float32 quotient, as TensorFlow Lite computes it. GPU
 * division is not correctly rounded (6 / 3 may give 1.9999999), so the GPU corrects `floor(a / b)` by
 * exact comparisons of `q * b` against `a` (`ew_floordiv`): integral quotients come out exact.
 * int32: division rounding toward negative infinity (on the GPU too, by u32 division of magnitudes);
 * an int32 division by zero is an error, as in TensorFlow Lite (the GPU gives 0). Cases use inputs on a grid exact in f16, so that f16 storage does not
 * move a quotient across an integer.
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";

/**
 * The FLOOR_DIV kernel.
 *
 * @example
 * ```ts
 * import { floorDiv } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = floorDiv.reference({
 *   inputs: [t([7, -7]), t([2, 2])],
 *   options: { activation: "NONE" },
 *   outputs: [t([7, -7])],
 * });
 * if (y.data[1] !== -4) throw new Error("wrong");
 * ```
 */
export const floorDiv: KernelDef<BinaryOptions> = binaryKernel({
  name: "FLOOR_DIV",
  optionsType: "FloorDivOptions",
  hasActivation: false,
  fn: (a, b) => Math.floor(Math.fround(a / b)),
  wgsl: (a, b) => `ew_floordiv(${a}, ${b})`,
  intFn: (a, b) => {
    if (b === 0) throw new OpError("FLOOR_DIV: integer division by zero");
    return Math.floor(a / b) | 0;
  },
  wgslInt: (a, b) => `ew_floordiv_i(${a}, ${b})`,
  helpers: ["floordiv", "floordivInt"],
  range: [-8, 8],
  step: 0.25,
  intRangeB: [1, 9],
  edges: [{ a: [7, -7, 7, -7, 0, -0, 1, -1, 0], b: [2, 2, -2, -2, 3, 3, 0, 0, 0] }],
  extraCases: [{
    name: "int32 signs",
    inputs: [
      { dtype: "int32", shape: [8], data: [7, -7, 7, -7, 0, 6, -6, 1] },
      { dtype: "int32", shape: [8], data: [2, 2, -2, -2, 3, -3, 3, -1] },
    ],
  }],
});
