/**
 * TANH of 8-bit tensors: a lookup table of `tanh(x)` (TFLite's output scale is 1/128, zero point
 * 128 for uint8 and 0 for int8).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import { lutKernel } from "../_shared/quant_lut.ts";

/** The 8-bit TANH. */
export const tanhInteger: QuantKernelDef<unknown> = lutKernel("TANH", Math.tanh);
