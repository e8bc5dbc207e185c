/**
 * REDUCE_ANY: logical OR of a bool tensor over constant axes (on the host).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { logicalReduceKernel } from "../_shared/reduce_logical.ts";

/**
 * The REDUCE_ANY kernel.
 *
 * @example
 * ```ts
 * import { reduceAny } from "./mod.ts";
 * if (reduceAny.name !== "REDUCE_ANY") throw new Error("wrong");
 * ```
 */
export const reduceAny: KernelDef<ReduceOptions> = logicalReduceKernel({
  name: "REDUCE_ANY",
  any: true,
});
