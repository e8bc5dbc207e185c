/**
 * LOGICAL_AND: elementwise conjunction of bool tensors with broadcasting. The result is a bool tensor; it runs on the host (reference).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { predicateKernel } from "../_shared/predicate.ts";

/**
 * The LOGICAL_AND kernel.
 *
 * @example
 * ```ts
 * import { logicalAnd } from "./mod.ts";
 * const a = { dtype: "bool" as const, shape: [2], data: new Uint8Array([1, 0]) };
 * const b = { dtype: "bool" as const, shape: [], data: new Uint8Array([1]) };
 * const [y] = logicalAnd.reference({ inputs: [a, b], options: {}, outputs: [{ dtype: "bool", shape: [2] }] });
 * if (y.data[0] !== 1 || y.data[1] !== 0) throw new Error("wrong");
 * ```
 */
export const logicalAnd: KernelDef<Record<string, never>> = predicateKernel({
  name: "LOGICAL_AND",
  optionsType: "LogicalAndOptions",
  arity: 2,
  dtypes: ["bool"],
  fn: (a, b) => a !== 0 && b !== 0,
});
