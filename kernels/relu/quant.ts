/**
 * RELU of 8-bit tensors (see `kernels/_shared/quant_relu.ts`).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import { quantRelu } from "../_shared/quant_relu.ts";

/** The 8-bit RELU. */
export const reluInteger: QuantKernelDef<unknown> = quantRelu("RELU", 0, Infinity);
