/**
 * ARG_MAX: index of the largest element along a constant axis (ties: the smallest index).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import type { ArgOptions } from "../_shared/pool_arg.ts";
import { argKernel } from "../_shared/pool_arg.ts";

/** The ARG_MAX kernel. */
export const argMax: KernelDef<ArgOptions> = argKernel({
  name: "ARG_MAX",
  optionsType: "ArgMaxOptions",
  better: (v, best) => v > best,
  wgslOp: ">",
});
