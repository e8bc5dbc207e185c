/**
 * RESIZE_NEAREST_NEIGHBOR of 8-bit tensors (see `kernels/_shared/quant_resize.ts`).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import type { ResizeOptions } from "../_shared/pool_resize.ts";
import { quantResize } from "../_shared/quant_resize.ts";

/** The 8-bit RESIZE_NEAREST_NEIGHBOR. */
export const resizeNearestNeighborInteger: QuantKernelDef<ResizeOptions> = quantResize("nearest");
