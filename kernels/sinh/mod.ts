/**
 * Sinh (custom op, as LiteRT's custom-op test model names it): elementwise hyperbolic sine.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The Sinh kernel.
 *
 * @example
 * ```ts
 * import { sinh } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([0, 1]) };
 * const [y] = sinh.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (Math.abs(Number(y.data[1]) - 1.1752012) > 1e-6) throw new Error("wrong");
 * ```
 */
export const sinh: KernelDef<Record<string, never>> = {
  ...unaryKernel({
    name: "Sinh",
    fn: (x) => Math.sinh(x),
    // sinh(x) = (e^x - e^-x) / 2 loses every digit near 0: there the Taylor series is exact to f32.
    wgsl: (x) =>
      `select(sinh(${x}), ${x} + ${x} * ${x} * ${x} / 6.0, abs(${x}) < vec4<f32>(0.03125))`,
    range: [-4, 4],
    edges: [0, -0, 1e-7, -1e-7, 0.01, -0.5, 3.5, -3.5, 10],
    specials: [Infinity, -Infinity, NaN],
  }),
  custom: true,
};
