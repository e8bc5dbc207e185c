/**
 * REDUCE_MAX: maximum over constant axes.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { reduceKernel } from "../_shared/pool_reduce.ts";
import { reduceMaxInteger } from "./quant.ts";

/** The REDUCE_MAX kernel. */
export const reduceMax: KernelDef<ReduceOptions> = {
  ...reduceKernel({
    name: "REDUCE_MAX",
    kind: "max",
  }),
  quant: reduceMaxInteger,
};
