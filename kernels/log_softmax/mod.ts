/**
 * LOG_SOFTMAX: `x - max - log(sum(exp(x - max)))` over the last axis.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { RowOptions } from "../_shared/pool_rowwise.ts";
import { rowKernel } from "../_shared/pool_rowwise.ts";

/** The LOG_SOFTMAX kernel. */
export const logSoftmax: KernelDef<RowOptions> = rowKernel({
  name: "LOG_SOFTMAX",
  optionsType: "LogSoftmaxOptions",
  kind: "log_softmax",
  parse: () => ({ beta: 1, activation: "NONE" }),
});
