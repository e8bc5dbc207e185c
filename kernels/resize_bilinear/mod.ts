/**
 * RESIZE_BILINEAR: bilinear resampling of NHWC images to a constant size, with TensorFlow Lite's alignCorners and
 * halfPixelCenters rules.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ResizeOptions } from "../_shared/pool_resize.ts";
import { resizeKernel } from "../_shared/pool_resize.ts";
import { resizeBilinearFloat } from "./cpu.ts";
import { resizeBilinearInteger } from "./quant.ts";

/** The RESIZE_BILINEAR kernel. */
export const resizeBilinear: KernelDef<ResizeOptions> = {
  ...resizeKernel({
    name: "RESIZE_BILINEAR",
    optionsType: "ResizeBilinearOptions",
    mode: "bilinear",
  }),
  cpu: { float: resizeBilinearFloat },
  quant: resizeBilinearInteger,
};
