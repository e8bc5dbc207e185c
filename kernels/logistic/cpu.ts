/**
 * LOGISTIC on the fast CPU backend: the `un_logistic` SIMD kernel over the pool.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { unaryBuilder } from "../_cpu/elementwise.ts";

/**
 * LOGISTIC on float32: `1 / (1 + exp(-x))` with a polynomial exponential (error below 2e-7 of the
 * result).
 */
export const logisticFloat: CpuBuilder<unknown> = unaryBuilder("un_logistic", [
  -Infinity,
  Infinity,
]);
