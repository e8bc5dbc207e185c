/**
 * MAX_POOL_2D: windowed maximum over rows and columns (padding never wins).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { PoolParams } from "../_shared/pool_window.ts";
import { poolKernel } from "../_shared/pool_window.ts";
import { maxPool2dInteger } from "./quant.ts";
import { maxPoolBuilder } from "../_cpu/pool.ts";

/** The MAX_POOL_2D kernel. */
export const maxPool2d: KernelDef<PoolParams> = {
  ...poolKernel({ name: "MAX_POOL_2D", mode: "max" }),
  quant: maxPool2dInteger,
  traits: { split: "input" },
  cpu: { float: maxPoolBuilder(false) },
};
