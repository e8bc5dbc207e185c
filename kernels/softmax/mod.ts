/**
 * SOFTMAX: `exp((x - max) * beta) / sum` over the last axis.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { RowOptions } from "../_shared/pool_rowwise.ts";
import { rowKernel, softmaxOptions } from "../_shared/pool_rowwise.ts";
import { softmaxInteger } from "./quant.ts";
import { softmaxFloat } from "./cpu.ts";

/** The SOFTMAX kernel. */
export const softmax: KernelDef<RowOptions> = {
  ...rowKernel({
    name: "SOFTMAX",
    optionsType: "SoftmaxOptions",
    kind: "softmax",
    parse: softmaxOptions,
  }),
  quant: softmaxInteger,
  cpu: { float: softmaxFloat },
};
