/**
 * AVERAGE_POOL_2D: windowed mean over rows and columns; the mean counts only in-bounds elements.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { PoolParams } from "../_shared/pool_window.ts";
import { poolKernel } from "../_shared/pool_window.ts";
import { averagePool2dQuant } from "./quant.ts";
import { poolBuilder } from "../_cpu/pool.ts";
import { averagePoolQuant } from "./cpu.ts";

/** The AVERAGE_POOL_2D kernel. */
export const averagePool2d: KernelDef<PoolParams> = {
  ...poolKernel({
    name: "AVERAGE_POOL_2D",
    mode: "avg",
  }),
  quant: averagePool2dQuant,
  traits: { split: "input", quantPassThrough: true },
  cpu: { float: poolBuilder("avg"), quant: averagePoolQuant },
};
