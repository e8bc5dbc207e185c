/**
 * FILL: a tensor of a constant shape filled with a scalar (on the host).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { fillKernel, type FillOptions } from "../_shared/fill.ts";

/**
 * The FILL kernel.
 *
 * @example
 * ```ts
 * import { fill } from "./mod.ts";
 * if (fill.name !== "FILL") throw new Error("wrong");
 * ```
 */
export const fill: KernelDef<FillOptions> = fillKernel;
