/**
 * RESHAPE of 8-bit tensors: the bytes, unchanged (see `kernels/_shared/quant_move.ts`).
 *
 * @module
 */
export { quantCopy as reshapeInteger } from "../_shared/quant_move.ts";
