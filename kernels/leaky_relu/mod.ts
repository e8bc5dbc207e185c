/**
 * LEAKY_RELU: `x > 0 ? x : alpha * x`.
 *
 * Option `alpha` (LeakyReluOptions, default 0). NaN propagates.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { floatOption } from "../_shared/options.ts";
import { f32Lit } from "../_gpu/wgsl.ts";
import { leakyReluInteger } from "./quant.ts";

/**
 * The LEAKY_RELU kernel.
 *
 * @example
 * ```ts
 * import { leakyRelu } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-2, 3]) };
 * const [y] = leakyRelu.reference({ inputs: [x], options: { alpha: 0.25 }, outputs: [x] });
 * if (y.data[0] !== -0.5) throw new Error("wrong");
 * ```
 */
export const leakyRelu: KernelDef<{ alpha: number }> = {
  ...unaryKernel({
    name: "LEAKY_RELU",
    optionsType: "LeakyReluOptions",
    parse: (options) => ({ alpha: floatOption("LEAKY_RELU", options, "alpha", 0) }),
    fn: (x, { alpha }) => (x > 0 ? x : x * alpha),
    wgsl: (x, { alpha }) => `select(${x} * ${f32Lit(alpha)}, ${x}, ${x} > vec4<f32>(0.0))`,
    optionSets: [{ alpha: 0.2 }, { alpha: 0.01 }, {}, { alpha: 1.5 }, { alpha: -0.3 }],
    specials: [NaN, Infinity, -Infinity],
  }),
  quant: leakyReluInteger,
};
