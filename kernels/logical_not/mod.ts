/**
 * LOGICAL_NOT: elementwise negation of a bool tensor. The result is a bool tensor; it runs on the host (reference).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { predicateKernel } from "../_shared/predicate.ts";

/**
 * The LOGICAL_NOT kernel.
 *
 * @example
 * ```ts
 * import { logicalNot } from "./mod.ts";
 * const a = { dtype: "bool" as const, shape: [2], data: new Uint8Array([1, 0]) };
 * const [y] = logicalNot.reference({ inputs: [a], options: {}, outputs: [{ dtype: "bool", shape: [2] }] });
 * if (y.data[0] !== 0 || y.data[1] !== 1) throw new Error("wrong");
 * ```
 */
export const logicalNot: KernelDef<Record<string, never>> = predicateKernel({
  name: "LOGICAL_NOT",
  optionsType: "LogicalNotOptions",
  arity: 1,
  dtypes: ["bool"],
  fn: (a) => a === 0,
});
