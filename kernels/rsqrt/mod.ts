/**
 * RSQRT: `1 / sqrt(x)`.
 *
 * `rsqrt(±0) = ±Infinity`, `rsqrt(x < 0) = NaN`, `rsqrt(Infinity) = 0`; WGSL leaves `inverseSqrt`
 * undefined for x <= 0, so the GPU selects those results itself.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { rsqrtInteger } from "./quant.ts";

/**
 * The RSQRT kernel.
 *
 * @example
 * ```ts
 * import { rsqrt } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([4, 0]) };
 * const [y] = rsqrt.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 0.5) throw new Error("wrong");
 * ```
 */
export const rsqrt: KernelDef<Record<string, never>> = {
  ...unaryKernel({
    name: "RSQRT",
    fn: (x) => 1 / Math.sqrt(x),
    wgsl: (x) =>
      `ew_keepnan(select(select(inverseSqrt(${x}), 1.0 / ${x}, ${x} == vec4<f32>(0.0)), ew_nan(), ${x} < vec4<f32>(0.0)), ${x})`,
    helpers: ["keepnan", "special"],
    range: [0.01, 10],
    edges: [0, -0, 1e-7, 1, 4, 3.5, 100, 1e30, -1],
    specials: [NaN, Infinity, -Infinity],
  }),
  quant: rsqrtInteger,
};
