/**
 * MAXIMUM of 8-bit tensors (see `kernels/_shared/quant_binary.ts`).
 *
 * @module
 */
export { maximumInteger } from "../_shared/quant_binary.ts";
