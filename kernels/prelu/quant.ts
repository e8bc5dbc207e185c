/**
 * PRELU in TFLite's 8-bit arithmetic (see `kernels/_shared/quant_binary.ts`).
 *
 * @module
 */
export { preluInteger } from "../_shared/quant_binary.ts";
