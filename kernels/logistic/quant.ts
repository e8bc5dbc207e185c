/**
 * LOGISTIC of 8-bit tensors: a lookup table of `1 / (1 + e^-x)` (TFLite's output scale is 1/256,
 * zero point 0 for uint8 and -128 for int8).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import { lutKernel } from "../_shared/quant_lut.ts";

/** The 8-bit LOGISTIC. */
export const logisticInteger: QuantKernelDef<unknown> = lutKernel(
  "LOGISTIC",
  (x) => 1 / (1 + Math.exp(-x)),
);
