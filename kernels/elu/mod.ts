/**
 * ELU: `x < 0 ? expm1(x) : x`.
 *
 * The GPU uses a Taylor polynomial for `expm1` near zero, where `exp(x) - 1` cancels.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The ELU kernel.
 *
 * @example
 * ```ts
 * import { elu } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-1, 3]) };
 * const [y] = elu.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[1] !== 3) throw new Error("wrong");
 * ```
 */
export const elu: KernelDef<Record<string, never>> = unaryKernel({
  name: "ELU",
  fn: (x) => (x < 0 ? Math.expm1(x) : x),
  wgsl: (x) => `select(${x}, ew_expm1(${x}), ${x} < vec4<f32>(0.0))`,
  helpers: ["expm1"],
  edges: [0, -0, 1e-7, -1e-7, -0.01, -0.07, 3.5, -3.5, 100, -100],
  specials: [NaN, Infinity, -Infinity],
});
