/**
 * LEAKY_RELU of 8-bit tensors as TFLite computes it: the zero-point-corrected input times one
 * fixed-point multiplier (`s_in / s_out`) when non-negative, another (`alpha * s_in / s_out`) when
 * negative, plus the output zero point, clamped. A non-positive alpha goes through a lookup table.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import {
  allocQuant,
  dtypeRange,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  tensorQuant,
} from "../_shared/quant_math.ts";
import { lutKernel } from "../_shared/quant_lut.ts";

/**
 * The 8-bit LEAKY_RELU.
 *
 * @example
 * ```ts
 * import { leakyReluInteger } from "./quant.ts";
 * const q = { scale: [0.5], zeroPoint: [10], quantizedDimension: 0 };
 * const x = { dtype: "uint8" as const, shape: [2], quantization: q, data: new Uint8Array([2, 18]) };
 * const [y] = leakyReluInteger.reference({ inputs: [x], options: { alpha: 0.25 }, outputs: [x] });
 * if (y.data[0] !== 8 || y.data[1] !== 18) throw new Error("wrong");
 * ```
 */
export const leakyReluInteger: QuantKernelDef<{ alpha: number }> = {
  reference(args): HostTensor[] {
    const { inputs, options, outputs } = args;
    if (!(options.alpha > 0)) {
      return lutKernel("LEAKY_RELU", (v) => (v > 0 ? v : v * options.alpha)).reference(args);
    }
    const x = inputs[0]!;
    const y = allocQuant({ ...outputs[0], shape: x.shape });
    const qx = tensorQuant("LEAKY_RELU", x), qy = tensorQuant("LEAKY_RELU", y);
    // TFLite's Prepare evaluates both on float operands, in float32.
    const f = Math.fround;
    const identity = quantizeMultiplier(f(f(qx.scale) / f(qy.scale)));
    const alpha = quantizeMultiplier(f(f(f(qx.scale) * f(options.alpha)) / f(qy.scale)));
    const [lo, hi] = dtypeRange(y.dtype);
    for (let i = 0; i < y.data.length; i++) {
      const v = Number(x.data[i]) - qx.zeroPoint;
      const r = multiplyByQuantizedMultiplier(v, v >= 0 ? identity : alpha) + qy.zeroPoint;
      y.data[i] = r < lo ? lo : r > hi ? hi : r;
    }
    return [y];
  },
};
