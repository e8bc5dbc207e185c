/**
 * TensorFlow Lite's integer arithmetic, as the fast 8-bit CPU kernels use it. The functions live in
 * `kernels/_shared/quant_math.ts`, shared with the integer references of each op.
 *
 * @module
 */
export * from "../_shared/quant_math.ts";
