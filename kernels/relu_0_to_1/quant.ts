/**
 * RELU_0_TO_1 of 8-bit tensors (see `kernels/_shared/quant_relu.ts`).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import { quantRelu } from "../_shared/quant_relu.ts";

/** The 8-bit RELU_0_TO_1. */
export const relu0To1Integer: QuantKernelDef<unknown> = quantRelu("RELU_0_TO_1", 0, 1);
