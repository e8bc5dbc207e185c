/**
 * The RELU family on 8-bit tensors as TFLite computes it (`QuantizedReluX`): the input rescaled to
 * the output by one fixed-point multiplier (`s_in / s_out`), plus the output zero point, clamped to
 * the activation's bounds in the output's quantized domain (rounded half away from zero in
 * float32) and to the dtype.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import {
  allocQuant,
  dtypeRange,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  roundHalfAway,
  tensorQuant,
} from "./quant_math.ts";

/**
 * The 8-bit half of a clamp between `min` and `max` (real values; `Infinity` for none).
 *
 * @example
 * ```ts
 * import { quantRelu } from "./quant_relu.ts";
 * const q = { scale: [0.5], zeroPoint: [10], quantizedDimension: 0 };
 * const x = { dtype: "uint8" as const, shape: [3], quantization: q, data: new Uint8Array([2, 14, 40]) };
 * const [y] = quantRelu("RELU6", 0, 6).reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data.join() !== "10,14,22") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param min Lower bound.
 * @param max Upper bound.
 * @returns The 8-bit kernel half.
 */
export function quantRelu(op: string, min: number, max: number): QuantKernelDef<unknown> {
  return {
    reference({ inputs, outputs }): HostTensor[] {
      const x = inputs[0]!;
      const y = allocQuant({ ...outputs[0], shape: x.shape });
      const qx = tensorQuant(op, x), qy = tensorQuant(op, y);
      // TFLite's Prepare divides the float32 scales in float32.
      const m = quantizeMultiplier(Math.fround(Math.fround(qx.scale) / Math.fround(qy.scale)));
      const [qmin, qmax] = dtypeRange(y.dtype);
      const bound = (v: number) => qy.zeroPoint + roundHalfAway(Math.fround(v / qy.scale));
      const lo = Math.max(qmin, bound(min));
      const hi = max === Infinity ? qmax : Math.min(qmax, bound(max));
      for (let i = 0; i < y.data.length; i++) {
        const r = multiplyByQuantizedMultiplier(Number(x.data[i]) - qx.zeroPoint, m) + qy.zeroPoint;
        y.data[i] = r < lo ? lo : r > hi ? hi : r;
      }
      return [y];
    },
  };
}
