/**
 * SIGN: `(0 < x) - (x < 0)`: -1, 0 or 1.
 *
 * NaN gives 0, as TensorFlow Lite's comparison formula does. int32 runs on the GPU too.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The SIGN kernel.
 *
 * @example
 * ```ts
 * import { sign } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([-2.5, 0]) };
 * const [y] = sign.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== -1) throw new Error("wrong");
 * ```
 */
export const sign: KernelDef<Record<string, never>> = unaryKernel({
  name: "SIGN",
  fn: (x) => Number(0 < x) - Number(x < 0),
  wgsl: (x) =>
    `(select(vec4<f32>(0.0), vec4<f32>(1.0), ${x} > vec4<f32>(0.0)) - select(vec4<f32>(0.0), vec4<f32>(1.0), ${x} < vec4<f32>(0.0)))`,
  intFn: (x) => Math.sign(x),
  wgslInt: (x) => `sign(${x})`,
  edges: [0, -0, 1e-7, -1e-7, 1e-30, -1e-30, 3.5, -3.5, 1e30, -1e30],
  specials: [NaN, Infinity, -Infinity],
});
