/**
 * RELU6 of 8-bit tensors (see `kernels/_shared/quant_relu.ts`).
 *
 * @module
 */
import type { QuantKernelDef } from "../../core/kernel.ts";
import { quantRelu } from "../_shared/quant_relu.ts";

/** The 8-bit RELU6. */
export const relu6Integer: QuantKernelDef<unknown> = quantRelu("RELU6", 0, 6);
