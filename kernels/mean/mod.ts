/**
 * MEAN: mean over constant axes (sum divided by the number of reduced elements).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { reduceKernel } from "../_shared/pool_reduce.ts";
import { meanFloat } from "./cpu.ts";
import { meanInteger } from "./quant.ts";

/** The MEAN kernel. */
export const mean: KernelDef<ReduceOptions> = {
  ...reduceKernel({
    name: "MEAN",
    kind: "sum",
    mean: true,
  }),
  cpu: { float: meanFloat },
  quant: meanInteger,
};
