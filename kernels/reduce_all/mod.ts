/**
 * REDUCE_ALL: logical AND of a bool tensor over constant axes (on the host).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { logicalReduceKernel } from "../_shared/reduce_logical.ts";

/**
 * The REDUCE_ALL kernel.
 *
 * @example
 * ```ts
 * import { reduceAll } from "./mod.ts";
 * if (reduceAll.name !== "REDUCE_ALL") throw new Error("wrong");
 * ```
 */
export const reduceAll: KernelDef<ReduceOptions> = logicalReduceKernel({
  name: "REDUCE_ALL",
  any: false,
});
