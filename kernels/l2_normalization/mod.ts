/**
 * L2_NORMALIZATION: `x / max(sqrt(sum(x^2)), 1e-6)` over the last axis, then the fused activation.
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { RowOptions } from "../_shared/pool_rowwise.ts";
import { l2NormOptions, rowKernel } from "../_shared/pool_rowwise.ts";

/** The L2_NORMALIZATION kernel. */
export const l2Normalization: KernelDef<RowOptions> = rowKernel({
  name: "L2_NORMALIZATION",
  optionsType: "L2NormOptions",
  kind: "l2",
  parse: l2NormOptions,
});
