/**
 * SELECT: `condition ? x : y` on operands of one shape, or with a vector condition choosing whole
 * rows along the first axis (bool condition, on the host).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { selectKernel } from "../_shared/select.ts";

/**
 * The SELECT kernel.
 *
 * @example
 * ```ts
 * import { select } from "./mod.ts";
 * if (select.name !== "SELECT") throw new Error("wrong");
 * ```
 */
export const select: KernelDef<Record<string, never>> = selectKernel({
  name: "SELECT",
  optionsType: "SelectOptions",
  v2: false,
});
