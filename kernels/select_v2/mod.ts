/**
 * SELECT_V2: `condition ? x : y` with NumPy broadcasting of all three operands (bool condition, on
 * the host).
 *
 * @module
 */
import type { KernelDef } from "../../core/kernel.ts";
import { selectKernel } from "../_shared/select.ts";

/**
 * The SELECT_V2 kernel.
 *
 * @example
 * ```ts
 * import { selectV2 } from "./mod.ts";
 * if (selectV2.name !== "SELECT_V2") throw new Error("wrong");
 * ```
 */
export const selectV2: KernelDef<Record<string, never>> = selectKernel({
  name: "SELECT_V2",
  optionsType: "SelectV2Options",
  v2: true,
});
