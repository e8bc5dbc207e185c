/**
 * RELU6: clamps to `[0, 6]`.
 *
 * NaN propagates, as in TensorFlow Lite's reference (`x > 6 ? 6 : x < 0 ? 0 : x`); the GPU
 * restores NaN that `clamp` drops.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { unaryBuilder } from "../_cpu/elementwise.ts";
import { relu6Integer } from "./quant.ts";

/**
 * The RELU6 kernel.
 *
 * @example
 * ```ts
 * import { relu6 } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-2, 8]) };
 * const [y] = relu6.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[1] !== 6) throw new Error("wrong");
 * ```
 */
export const relu6: KernelDef<Record<string, never>> = {
  ...unaryKernel({
    name: "RELU6",
    fn: (x) => (x > 6 ? 6 : x < 0 ? 0 : x),
    wgsl: (x) => `ew_keepnan(clamp(${x}, vec4<f32>(0.0), vec4<f32>(6.0)), ${x})`,
    helpers: ["keepnan"],
    range: [0.0 - 3, 6.0 + 3],
    edges: [0, -0, 0, 6, 0 - 1e-6, 6 + 1e-6, 1e-7, 100, -100],
    specials: [NaN, Infinity, -Infinity],
  }),
  traits: { cheap: true, inPlace: true },
  cpu: { float: unaryBuilder("un_clamp", [0, 6]) },
  quant: relu6Integer,
};
