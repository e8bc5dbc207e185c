/**
 * PRELU: parametric ReLU, `x >= 0 ? x : x * alpha`.
 *
 * The second input `alpha` broadcasts against `x` (usually a constant per channel, `[1, 1, C]` or
 * `[C]`, sometimes per position); the output has the broadcast shape.
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { binaryBuilder } from "../_cpu/elementwise.ts";
import { preluInteger } from "./quant.ts";

/**
 * The PRELU kernel.
 *
 * @example
 * ```ts
 * import { prelu } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = prelu.reference({
 *   inputs: [t([-2, 3]), t([0.25, 0.25])],
 *   options: { activation: "NONE" },
 *   outputs: [t([-2, 3])],
 * });
 * if (y.data[0] !== -0.5) throw new Error("wrong");
 * ```
 */
export const prelu: KernelDef<BinaryOptions> = {
  ...binaryKernel({
    name: "PRELU",
    hasActivation: false,
    fn: (x, alpha) => (x >= 0 ? x : x * alpha),
    wgsl: (x, alpha) => `select(${x} * ${alpha}, ${x}, ${x} >= vec4<f32>(0.0))`,
    range: [-3, 3],
    rangeB: [0, 0.5],
    shapes: [
      [[1, 8, 8, 3], [1, 1, 3]],
      [[1, 5, 7, 5], [5]],
      [[1, 6, 6, 7], [6, 6, 7]],
      [[2, 4, 4, 8], [1, 1, 8]],
      [[1, 64, 64, 16], [1, 1, 16]],
      [[3, 9], [9]],
      [[1, 4, 4, 4], [1]],
      [[1, 9, 9, 13], [1, 1, 13]],
    ],
    constantB: (i) => i !== 3 && i !== 5,
    edges: [{ a: [NaN, Infinity, -Infinity, -0, 0, -2, -2], b: [0.5, 0.5, 0.5, 0.5, 0.5, -1, 0] }],
  }),
  cpu: { float: binaryBuilder("prelu") },
  quant: preluInteger,
};
