/**
 * ZEROS_LIKE: zeros of the input's shape and dtype (on the host).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { likeKernel } from "../_shared/fill.ts";

/**
 * The ZEROS_LIKE kernel.
 *
 * @example
 * ```ts
 * import { zerosLike } from "./mod.ts";
 * if (zerosLike.name !== "ZEROS_LIKE") throw new Error("wrong");
 * ```
 */
export const zerosLike: KernelDef<Record<string, never>> = likeKernel({
  name: "ZEROS_LIKE",
  optionsType: "ZerosLikeOptions",
  value: 0,
});
