/**
 * TANH: hyperbolic tangent.
 *
 * On the GPU: an odd Taylor polynomial for |x| < 1/8 (some drivers' `tanh` loses relative precision
 * near zero), and the argument clamped to [-10, 10] elsewhere (some drivers overflow for large |x|;
 * tanh(±10) rounds to ±1 in float32). NaN propagates.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { tanhInteger } from "./quant.ts";

/**
 * The TANH kernel.
 *
 * @example
 * ```ts
 * import { tanh } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([0, 100]) };
 * const [y] = tanh.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[1] !== 1) throw new Error("wrong");
 * ```
 */
export const tanh: KernelDef<Record<string, never>> = {
  ...unaryKernel({
    name: "TANH",
    fn: (x) => Math.tanh(x),
    wgsl: (x) => `ew_tanh(${x})`,
    helpers: ["tanh"],
    edges: [0, -0, 1e-7, -1e-7, 1e-3, 0.1249, 0.1251, 3.5, -3.5, 100, -100],
    specials: [NaN, Infinity, -Infinity],
    extraCases: [{
      name: "small values",
      inputs: [{ dtype: "float32", shape: [1, 4, 4, 5], range: [-0.2, 0.2] }],
    }],
  }),
  quant: tanhInteger,
  traits: { cheap: true, inPlace: true },
};
