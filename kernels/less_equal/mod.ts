/**
 * LESS_EQUAL: elementwise `a <= b` with broadcasting. The result is a bool tensor; it runs on the host (reference).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { COMPARE_DTYPES, predicateKernel } from "../_shared/predicate.ts";

/**
 * The LESS_EQUAL kernel.
 *
 * @example
 * ```ts
 * import { lessEqual } from "./mod.ts";
 * const a = { dtype: "float32" as const, shape: [2], data: new Float32Array([2, 3]) };
 * const b = { dtype: "float32" as const, shape: [], data: new Float32Array([2]) };
 * const [y] = lessEqual.reference({ inputs: [a, b], options: {}, outputs: [{ dtype: "bool", shape: [2] }] });
 * if (y.data[0] !== 1 || y.data[1] !== 0) throw new Error("wrong");
 * ```
 */
export const lessEqual: KernelDef<Record<string, never>> = predicateKernel({
  name: "LESS_EQUAL",
  optionsType: "LessEqualOptions",
  arity: 2,
  dtypes: COMPARE_DTYPES,
  fn: (a, b) => a <= b,
});
