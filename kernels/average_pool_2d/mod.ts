/**
 * AVERAGE_POOL_2D: windowed mean over rows and columns; the mean counts only in-bounds elements.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { PoolParams } from "../_shared/pool_window.ts";
import { poolKernel } from "../_shared/pool_window.ts";
import { averagePool2dInteger } from "./quant.ts";
import { averagePoolBuilder } from "../_cpu/pool.ts";
import { averagePoolCpuQuant } from "./cpu.ts";

/** The AVERAGE_POOL_2D kernel. */
export const averagePool2d: KernelDef<PoolParams> = {
  ...poolKernel({
    name: "AVERAGE_POOL_2D",
    mode: "avg",
  }),
  quant: averagePool2dInteger,
  traits: { split: "input", quantPassThrough: true },
  cpu: { float: averagePoolBuilder, quant: averagePoolCpuQuant },
};
