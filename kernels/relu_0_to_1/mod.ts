/**
 * RELU_0_TO_1: clamps to `[0, 1]`.
 *
 * NaN propagates, as in TensorFlow Lite's reference (`x > 1 ? 1 : x < 0 ? 0 : x`); the GPU
 * restores NaN that `clamp` drops.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { unaryBuilder } from "../_cpu/elementwise.ts";
import { relu0To1Integer } from "./quant.ts";

/**
 * The RELU_0_TO_1 kernel.
 *
 * @example
 * ```ts
 * import { relu0To1 } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-2, 3]) };
 * const [y] = relu0To1.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[1] !== 1) throw new Error("wrong");
 * ```
 */
export const relu0To1: KernelDef<Record<string, never>> = {
  ...unaryKernel({
    name: "RELU_0_TO_1",
    fn: (x) => (x > 1 ? 1 : x < 0 ? 0 : x),
    wgsl: (x) => `ew_keepnan(clamp(${x}, vec4<f32>(0.0), vec4<f32>(1.0)), ${x})`,
    helpers: ["keepnan"],
    range: [0.0 - 3, 1.0 + 3],
    edges: [0, -0, 0, 1, 0 - 1e-6, 1 + 1e-6, 1e-7, 100, -100],
    specials: [NaN, Infinity, -Infinity],
  }),
  cpu: { float: unaryBuilder("un_clamp", [0, 1]) },
  quant: relu0To1Integer,
};
