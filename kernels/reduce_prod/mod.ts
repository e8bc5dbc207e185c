/**
 * REDUCE_PROD: product over constant axes.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { reduceKernel } from "../_shared/pool_reduce.ts";

/** The REDUCE_PROD kernel. */
export const reduceProd: KernelDef<ReduceOptions> = reduceKernel({
  name: "REDUCE_PROD",
  kind: "prod",
  range: [0.5, 1.5],
  maxCount: 64,
});
