/**
 * SOFTMAX of 8-bit tensors along the last axis: the input's differences to the row maximum,
 * `exp(beta * scale * (q - max))` in float32, normalised and quantized to the output (TFLite's
 * output scale is 1/256, zero point 0 for uint8 and -128 for int8), halves away from zero.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import type { RowOptions } from "../_shared/pool_rowwise.ts";
import { allocQuant, dtypeRange, roundHalfAway, tensorQuant } from "../_shared/quant_math.ts";

/**
 * The 8-bit SOFTMAX.
 *
 * @example
 * ```ts
 * import { softmaxInteger } from "./quant.ts";
 * const x = { dtype: "uint8" as const, shape: [1, 2], quantization: { scale: [0.1], zeroPoint: [0], quantizedDimension: 0 }, data: new Uint8Array([5, 5]) };
 * const out = { dtype: "uint8" as const, shape: [1, 2], quantization: { scale: [1 / 256], zeroPoint: [0], quantizedDimension: 0 } };
 * const [y] = softmaxInteger.reference({ inputs: [x], options: { beta: 1, activation: "NONE" }, outputs: [out] });
 * if (y.data[0] !== 128) throw new Error("wrong");
 * ```
 */
export const softmaxInteger: QuantKernelDef<RowOptions> = {
  reference({ inputs, options, outputs }): HostTensor[] {
    const x = inputs[0]!;
    const y = allocQuant({ ...outputs[0], shape: x.shape });
    const qx = tensorQuant("SOFTMAX", x), qy = tensorQuant("SOFTMAX", y);
    const [lo, hi] = dtypeRange(y.dtype);
    const f = Math.fround;
    const n = x.shape.at(-1) ?? 1;
    const e = new Float32Array(n);
    for (let r = 0; r < x.data.length / n; r++) {
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, Number(x.data[r * n + j]));
      let sum = 0;
      for (let j = 0; j < n; j++) {
        e[j] = f(Math.exp(f(options.beta * qx.scale) * (Number(x.data[r * n + j]) - max)));
        sum += e[j];
      }
      for (let j = 0; j < n; j++) {
        const v = roundHalfAway(f(e[j] / sum) / qy.scale) + qy.zeroPoint;
        y.data[r * n + j] = v < lo ? lo : v > hi ? hi : v;
      }
    }
    return [y];
  },
};
