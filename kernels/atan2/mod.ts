/**
 * ATAN2: elementwise `atan2(a, b)`, the angle of the point `(b, a)` in `(-π, π]`, with NumPy
 * broadcasting.
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/**
 * The ATAN2 kernel.
 *
 * @example
 * ```ts
 * import { atan2 } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = atan2.reference({ inputs: [t([1]), t([-1])], options: { activation: "NONE" }, outputs: [t([0])] });
 * if (Math.abs(Number(y.data[0]) - 3 * Math.PI / 4) > 1e-6) throw new Error("wrong");
 * ```
 */
export const atan2: KernelDef<BinaryOptions> = binaryKernel({
  name: "ATAN2",
  hasActivation: false,
  fn: (a, b) => Math.atan2(a, b),
  wgsl: (a, b) => `atan2(${a}, ${b})`,
  // Away from the negative x axis, where the result jumps from π to -π.
  rangeB: [0.125, 2],
  edges: [{ a: [1, -1, 1, -1, 0.5, 3, -2], b: [1, 1, -1, -1, 0, 1e-3, 0] }],
  extraCases: [{
    name: "all quadrants [64] x [64]",
    inputs: [
      { dtype: "float32", shape: [64], range: [-3, 3] },
      { dtype: "float32", shape: [64], range: [-3, 3] },
    ],
    f16: false,
  }],
});
