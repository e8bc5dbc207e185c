/**
 * RESIZE_NEAREST_NEIGHBOR: nearest resampling of NHWC images to a constant size, with TensorFlow Lite's alignCorners and
 * halfPixelCenters rules.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ResizeOptions } from "../_shared/pool_resize.ts";
import { resizeKernel } from "../_shared/pool_resize.ts";
import { resizeNearestNeighborInteger } from "./quant.ts";
import { resizeNearestFloat } from "./cpu.ts";

/** The RESIZE_NEAREST_NEIGHBOR kernel. */
export const resizeNearestNeighbor: KernelDef<ResizeOptions> = {
  ...resizeKernel({
    name: "RESIZE_NEAREST_NEIGHBOR",
    optionsType: "ResizeNearestNeighborOptions",
    mode: "nearest",
  }),
  quant: resizeNearestNeighborInteger,
  cpu: { float: resizeNearestFloat },
};
