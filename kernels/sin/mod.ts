/**
 * SIN: sine.
 *
 * `sin(±Infinity) = NaN`. The GPU reduces the argument by 2π itself (Cody-Waite, `ew_sin`): the
 * built-in's own reduction is off by ~1e-4 at |x| = 1000.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The SIN kernel.
 *
 * @example
 * ```ts
 * import { sin } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([0, 1]) };
 * const [y] = sin.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 0) throw new Error("wrong");
 * ```
 */
export const sin: KernelDef<Record<string, never>> = unaryKernel({
  name: "SIN",
  fn: (x) => Math.sin(x),
  wgsl: (x) => `ew_sin(${x})`,
  helpers: ["trig"],
  range: [-10, 10],
  edges: [0, -0, 1e-7, -1e-7, 3.5, -3.5, 100, -100, 1000],
  specials: [NaN, Infinity, -Infinity],
});
