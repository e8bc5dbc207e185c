/**
 * HARD_SWISH: `x * relu6(x + 3) / 6`.
 *
 * NaN propagates (as `x * 0` does in TensorFlow Lite's reference).
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { unaryBuilder } from "../_cpu/elementwise.ts";
import { hardSwishInteger } from "./quant.ts";

/**
 * The HARD_SWISH kernel.
 *
 * @example
 * ```ts
 * import { hardSwish } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-4, 3]) };
 * const [y] = hardSwish.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[1] !== 3) throw new Error("wrong");
 * ```
 */
export const hardSwish: KernelDef<Record<string, never>> = {
  ...unaryKernel({
    name: "HARD_SWISH",
    optionsType: "HardSwishOptions",
    fn: (x) => (x * Math.min(6, Math.max(0, x + 3))) / 6,
    wgsl: (x) => `ew_keepnan(${x} * clamp(${x} + 3.0, vec4<f32>(0.0), vec4<f32>(6.0)) / 6.0, ${x})`,
    helpers: ["keepnan"],
    range: [-6, 6],
    edges: [0, -0, -3, 3, -3.0001, 2.9999, 1e-7, 100, -100],
    specials: [NaN, Infinity, -Infinity],
  }),
  cpu: { float: unaryBuilder("un_hard_swish", [-Infinity, Infinity]) },
  quant: hardSwishInteger,
};
