/**
 * SUM: sum over constant axes.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { reduceKernel } from "../_shared/pool_reduce.ts";

/** The SUM kernel. */
export const sum: KernelDef<ReduceOptions> = reduceKernel({ name: "SUM", kind: "sum" });
