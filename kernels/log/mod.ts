/**
 * LOG: natural logarithm.
 *
 * `log(±0) = -Infinity`, `log(x < 0) = NaN`, as in C; WGSL leaves `log` undefined there, so the GPU
 * selects those results itself.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The LOG kernel.
 *
 * @example
 * ```ts
 * import { log } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([1, 0]) };
 * const [y] = log.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[1] !== -Infinity) throw new Error("wrong");
 * ```
 */
export const log: KernelDef<Record<string, never>> = unaryKernel({
  name: "LOG",
  fn: (x) => Math.log(x),
  wgsl: (x) =>
    `ew_keepnan(select(select(log(${x}), -ew_inf(), ${x} == vec4<f32>(0.0)), ew_nan(), ${x} < vec4<f32>(0.0)), ${x})`,
  helpers: ["keepnan", "special"],
  range: [0.01, 10],
  edges: [0, -0, 1e-7, 1, 3.5, 100, 1e30, -1, -3.5],
  specials: [NaN, Infinity, -Infinity],
});
