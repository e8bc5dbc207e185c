/**
 * MAX_POOL_2D of 8-bit tensors (see `kernels/_shared/quant_pool.ts`).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import type { PoolParams } from "../_shared/pool_window.ts";
import { quantPool } from "../_shared/quant_pool.ts";

/** The 8-bit MAX_POOL_2D. */
export const maxPool2dInteger: QuantKernelDef<PoolParams> = quantPool("max");
