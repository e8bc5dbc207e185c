/**
 * COS: cosine.
 *
 * `cos(±Infinity) = NaN`. The GPU reduces the argument by 2π itself (Cody-Waite, `ew_cos`): the
 * built-in's own reduction is off by ~1e-4 at |x| = 1000.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The COS kernel.
 *
 * @example
 * ```ts
 * import { cos } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([0, 1]) };
 * const [y] = cos.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 1) throw new Error("wrong");
 * ```
 */
export const cos: KernelDef<Record<string, never>> = unaryKernel({
  name: "COS",
  fn: (x) => Math.cos(x),
  wgsl: (x) => `ew_cos(${x})`,
  helpers: ["trig"],
  range: [-10, 10],
  edges: [0, -0, 1e-7, -1e-7, 3.5, -3.5, 100, -100, 1000],
  specials: [NaN, Infinity, -Infinity],
});
