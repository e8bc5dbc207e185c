/**
 * HARD_SWISH of 8-bit tensors: a lookup table of `x * relu6(x + 3) / 6` in float32, rounded to the
 * output's grid (within one step of TFLite's fixed-point evaluation).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import { lutKernel } from "../_shared/quant_lut.ts";

/** The 8-bit HARD_SWISH. */
export const hardSwishInteger: QuantKernelDef<unknown> = lutKernel(
  "HARD_SWISH",
  (x) => (x * Math.min(6, Math.max(0, x + 3))) / 6,
);
