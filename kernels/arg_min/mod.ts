/**
 * ARG_MIN: index of the smallest element along a constant axis (ties: the smallest index).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ArgOptions } from "../_shared/pool_arg.ts";
import { argKernel } from "../_shared/pool_arg.ts";

/** The ARG_MIN kernel. */
export const argMin: KernelDef<ArgOptions> = argKernel({
  name: "ARG_MIN",
  optionsType: "ArgMinOptions",
  better: (v, best) => v < best,
  wgslOp: "<",
});
