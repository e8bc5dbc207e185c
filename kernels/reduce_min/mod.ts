/**
 * REDUCE_MIN: minimum over constant axes.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { reduceKernel } from "../_shared/pool_reduce.ts";
import { reduceMinInteger } from "./quant.ts";

/** The REDUCE_MIN kernel. */
export const reduceMin: KernelDef<ReduceOptions> = {
  ...reduceKernel({
    name: "REDUCE_MIN",
    kind: "min",
  }),
  quant: reduceMinInteger,
};
