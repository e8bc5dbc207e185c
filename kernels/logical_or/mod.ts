/**
 * LOGICAL_OR: elementwise disjunction of bool tensors with broadcasting. The result is a bool tensor; it runs on the host (reference).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { predicateKernel } from "../_shared/predicate.ts";

/**
 * The LOGICAL_OR kernel.
 *
 * @example
 * ```ts
 * import { logicalOr } from "./mod.ts";
 * const a = { dtype: "bool" as const, shape: [2], data: new Uint8Array([1, 0]) };
 * const b = { dtype: "bool" as const, shape: [], data: new Uint8Array([0]) };
 * const [y] = logicalOr.reference({ inputs: [a, b], options: {}, outputs: [{ dtype: "bool", shape: [2] }] });
 * if (y.data[0] !== 1 || y.data[1] !== 0) throw new Error("wrong");
 * ```
 */
export const logicalOr: KernelDef<Record<string, never>> = predicateKernel({
  name: "LOGICAL_OR",
  optionsType: "LogicalOrOptions",
  arity: 2,
  dtypes: ["bool"],
  fn: (a, b) => a !== 0 || b !== 0,
});
