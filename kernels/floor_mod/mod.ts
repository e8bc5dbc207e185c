/**
 * FLOOR_MOD: elementwise remainder of floor division, with the sign of `b`.
 *
 * Broadcasts NumPy-style. Float: C `fmod(a, b)`, plus `b` when nonzero and of the other sign than `b`,
 * as TensorFlow Lite computes it; the GPU computes `a - b * q` with `q` the exactly corrected floor of
 * `a / b` (`ew_floordiv`), exact on the grid inputs of the cases (exact in f16 too). int32: `a % b`
 * adjusted the same way; the GPU divides magnitudes as u32 and fixes the signs, never relying on how a
 * back end implements `%` for negative operands. An int32 modulo by zero is an error (the GPU gives 0).
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";

/**
 * The FLOOR_MOD kernel.
 *
 * @example
 * ```ts
 * import { floorMod } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = floorMod.reference({
 *   inputs: [t([7, -7]), t([2, 2])],
 *   options: { activation: "NONE" },
 *   outputs: [t([7, -7])],
 * });
 * if (y.data[1] !== 1) throw new Error("wrong");
 * ```
 */
export const floorMod: KernelDef<BinaryOptions> = binaryKernel({
  name: "FLOOR_MOD",
  optionsType: "FloorModOptions",
  hasActivation: false,
  fn: (a, b) => {
    const r = Math.fround(a % b);
    return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
  },
  wgsl: (a, b) => `ew_floormod(${a}, ${b})`,
  intFn: (a, b) => {
    if (b === 0) throw new OpError("FLOOR_MOD: integer modulo by zero");
    const r = a % b;
    return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
  },
  wgslInt: (a, b) => `ew_floormod_i(${a}, ${b})`,
  helpers: ["floormod", "floormodInt"],
  range: [-8, 8],
  step: 0.25,
  intRangeB: [1, 9],
  edges: [{ a: [7, -7, 7, -7, 0, 6, 5.5, -5.5, 1], b: [2, 2, -2, -2, 3, 3, 0.5, 2, 0] }],
  extraCases: [{
    name: "int32 signs",
    inputs: [
      { dtype: "int32", shape: [8], data: [7, -7, 7, -7, 0, 6, -6, 1] },
      { dtype: "int32", shape: [8], data: [2, 2, -2, -2, 3, -3, 3, -1] },
    ],
  }],
});
