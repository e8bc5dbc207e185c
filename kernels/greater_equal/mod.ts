/**
 * GREATER_EQUAL: elementwise `a >= b` with broadcasting. The result is a bool tensor; it runs on the host (reference).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { COMPARE_DTYPES, predicateKernel } from "../_shared/predicate.ts";

/**
 * The GREATER_EQUAL kernel.
 *
 * @example
 * ```ts
 * import { greaterEqual } from "./mod.ts";
 * const a = { dtype: "float32" as const, shape: [2], data: new Float32Array([1, 2]) };
 * const b = { dtype: "float32" as const, shape: [], data: new Float32Array([2]) };
 * const [y] = greaterEqual.reference({ inputs: [a, b], options: {}, outputs: [{ dtype: "bool", shape: [2] }] });
 * if (y.data[0] !== 0 || y.data[1] !== 1) throw new Error("wrong");
 * ```
 */
export const greaterEqual: KernelDef<Record<string, never>> = predicateKernel({
  name: "GREATER_EQUAL",
  optionsType: "GreaterEqualOptions",
  arity: 2,
  dtypes: COMPARE_DTYPES,
  fn: (a, b) => a >= b,
});
