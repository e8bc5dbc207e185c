/**
 * RELU_N1_TO_1 of 8-bit tensors (see `kernels/_shared/quant_relu.ts`).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import { quantRelu } from "../_shared/quant_relu.ts";

/** The 8-bit RELU_N1_TO_1. */
export const reluN1To1Integer: QuantKernelDef<unknown> = quantRelu("RELU_N1_TO_1", -1, 1);
