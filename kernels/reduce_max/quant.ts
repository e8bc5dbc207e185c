/**
 * REDUCE_MAX of 8-bit tensors: the maximum raw value (see `kernels/_shared/quant_reduce.ts`).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { quantExtreme } from "../_shared/quant_reduce.ts";

/** The 8-bit REDUCE_MAX. */
export const reduceMaxInteger: QuantKernelDef<ReduceOptions> = quantExtreme("max");
