/**
 * LOGISTIC: the sigmoid `1 / (1 + exp(-x))`.
 *
 * Computed stably for large |x|: with `e = exp(-|x|)`, `1 / (1 + e)` for x >= 0 and `e / (1 + e)`
 * for x < 0, so neither side overflows and small results keep their relative precision. This is the
 * exact function, as TensorFlow Lite's default (Eigen) kernel computes it.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { logisticInteger } from "./quant.ts";
import { logisticFloat } from "./cpu.ts";

/**
 * The LOGISTIC kernel.
 *
 * @example
 * ```ts
 * import { logistic } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([0, 100]) };
 * const [y] = logistic.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 0.5) throw new Error("wrong");
 * ```
 */
export const logistic: KernelDef<Record<string, never>> = {
  ...unaryKernel({
    name: "LOGISTIC",
    fn: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    wgsl: (x) =>
      `ew_keepnan(select(exp(-abs(${x})) / (1.0 + exp(-abs(${x}))), 1.0 / (1.0 + exp(-abs(${x}))), ${x} >= vec4<f32>(0.0)), ${x})`,
    helpers: ["keepnan"],
    range: [-10, 10],
    edges: [0, -0, 1e-7, -1e-7, 3.5, -3.5, 20, -20, 88, -88, 100, -100],
    specials: [NaN, Infinity, -Infinity],
  }),
  quant: logisticInteger,
  traits: { cheap: true, inPlace: true },
  cpu: { float: logisticFloat },
};
