/**
 * EQUAL: elementwise `a == b` with broadcasting, on numbers and bools. The result is a bool tensor; it runs on the host (reference).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { COMPARE_DTYPES, predicateKernel } from "../_shared/predicate.ts";

/**
 * The EQUAL kernel.
 *
 * @example
 * ```ts
 * import { equal } from "./mod.ts";
 * const a = { dtype: "float32" as const, shape: [2], data: new Float32Array([1, 2]) };
 * const b = { dtype: "float32" as const, shape: [], data: new Float32Array([2]) };
 * const [y] = equal.reference({ inputs: [a, b], options: {}, outputs: [{ dtype: "bool", shape: [2] }] });
 * if (y.data[0] !== 0 || y.data[1] !== 1) throw new Error("wrong");
 * ```
 */
export const equal: KernelDef<Record<string, never>> = predicateKernel({
  name: "EQUAL",
  optionsType: "EqualOptions",
  arity: 2,
  dtypes: [...COMPARE_DTYPES, "bool"],
  fn: (a, b) => a === b,
});
