/**
 * MINIMUM of 8-bit tensors (see `kernels/_shared/quant_binary.ts`).
 *
 * @module
 */
export { minimumInteger } from "../_shared/quant_binary.ts";
