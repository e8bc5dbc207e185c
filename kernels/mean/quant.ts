/**
 * MEAN of 8-bit tensors in TFLite's integer arithmetic (`reference_integer_ops::Mean`): the int32
 * sum of zero-point-corrected inputs over the reduced axes, one fixed-point multiplier
 * (`s_in / s_out`), an integer division by the element count rounded half away from zero, the
 * output zero point, and a clamp.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import {
  allocQuant,
  dtypeRange,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  tensorQuant,
} from "../_shared/quant_math.ts";
import { reducedIndex } from "../_shared/quant_reduce.ts";

/**
 * The 8-bit MEAN.
 *
 * @example
 * ```ts
 * import { meanInteger } from "./quant.ts";
 * const q = { scale: [0.5], zeroPoint: [10], quantizedDimension: 0 };
 * const x = { dtype: "uint8" as const, shape: [1, 2, 1, 1], quantization: q, data: new Uint8Array([12, 15]) };
 * const [y] = meanInteger.reference({ inputs: [x], options: { axes: [1, 2], keepDims: true }, outputs: [{ ...x, shape: [1, 1, 1, 1] }] });
 * if (y.data[0] !== 14) throw new Error("wrong");
 * ```
 */
export const meanInteger: QuantKernelDef<ReduceOptions> = {
  reference({ inputs, options, outputs }): HostTensor[] {
    const x = inputs[0]!;
    const y = allocQuant(outputs[0]);
    const qx = tensorQuant("MEAN", x), qy = tensorQuant("MEAN", y);
    const m = quantizeMultiplier(qx.scale / qy.scale);
    const [lo, hi] = dtypeRange(y.dtype);
    const count = options.axes.reduce((a, d) => a * x.shape[d], 1);
    const sums = new Int32Array(y.data.length);
    const index = reducedIndex(x.shape, options.axes);
    for (let i = 0; i < index.length; i++) sums[index[i]] += Number(x.data[i]) - qx.zeroPoint;
    const half = Math.trunc(count / 2);
    for (let o = 0; o < sums.length; o++) {
      const s = multiplyByQuantizedMultiplier(sums[o], m);
      const r = (s > 0 ? Math.trunc((s + half) / count) : Math.trunc((s - half) / count)) +
        qy.zeroPoint;
      y.data[o] = r < lo ? lo : r > hi ? hi : r;
    }
    return [y];
  },
};
