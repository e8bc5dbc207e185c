/**
 * ONES_LIKE: ones of the input's shape and dtype (on the host).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { likeKernel } from "../_shared/fill.ts";

/**
 * The ONES_LIKE kernel.
 *
 * @example
 * ```ts
 * import { onesLike } from "./mod.ts";
 * if (onesLike.name !== "ONES_LIKE") throw new Error("wrong");
 * ```
 */
export const onesLike: KernelDef<Record<string, never>> = likeKernel({
  name: "ONES_LIKE",
  value: 1,
});
