/**
 * SQRT: square root.
 *
 * `sqrt(-0) = -0` and `sqrt(x < 0) = NaN`, as in C; WGSL leaves negative arguments undefined, so the
 * GPU selects those results itself.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The SQRT kernel.
 *
 * @example
 * ```ts
 * import { sqrt } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([4, -1]) };
 * const [y] = sqrt.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 2) throw new Error("wrong");
 * ```
 */
export const sqrt: KernelDef<Record<string, never>> = unaryKernel({
  name: "SQRT",
  fn: (x) => Math.sqrt(x),
  wgsl: (x) =>
    `ew_keepnan(select(select(sqrt(${x}), ${x}, ${x} == vec4<f32>(0.0)), ew_nan(), ${x} < vec4<f32>(0.0)), ${x})`,
  helpers: ["keepnan", "special"],
  range: [0, 10],
  edges: [0, -0, 1e-7, 1, 2, 3.5, 100, 1e30, -1],
  specials: [NaN, Infinity, -Infinity],
});
