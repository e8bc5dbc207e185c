/**
 * REDUCE_MIN of 8-bit tensors: the minimum raw value (see `kernels/_shared/quant_reduce.ts`).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { quantExtreme } from "../_shared/quant_reduce.ts";

/** The 8-bit REDUCE_MIN. */
export const reduceMinInteger: QuantKernelDef<ReduceOptions> = quantExtreme("min");
