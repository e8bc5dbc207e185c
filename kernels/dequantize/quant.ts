/**
 * DEQUANTIZE of 8-bit tensors as TFLite computes it: `float(scale * (q - zero_point))`, per tensor
 * or per channel.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import { allocTensor, stridesOf } from "../_shared/tensor.ts";
import { channelQuant, tensorQuant } from "../_shared/quant_math.ts";

/**
 * Dequantizes an 8-bit host tensor to float32.
 *
 * @example
 * ```ts
 * import { dequantizeTensor } from "./quant.ts";
 * const q = { scale: [0.5], zeroPoint: [10], quantizedDimension: 0 };
 * const y = dequantizeTensor({ dtype: "uint8", shape: [1], quantization: q, data: new Uint8Array([14]) });
 * if (y.data[0] !== 2) throw new Error("wrong");
 * ```
 *
 * @param x The quantized tensor.
 * @returns Its float32 values.
 */
export function dequantizeTensor(x: HostTensor): HostTensor {
  tensorQuant("DEQUANTIZE", x);
  const q = x.quantization!;
  const y = allocTensor("float32", x.shape);
  const d = q.quantizedDimension;
  const perChannel = q.scale.length > 1;
  const stride = perChannel ? stridesOf(x.shape)[d] : 1;
  for (let i = 0; i < y.data.length; i++) {
    const c = perChannel ? Math.floor(i / stride) % x.shape[d] : 0;
    const { scale, zeroPoint } = channelQuant(q, c);
    y.data[i] = Math.fround(scale * (Number(x.data[i]) - zeroPoint));
  }
  return y;
}

/** The 8-bit DEQUANTIZE. */
export const dequantizeInteger: QuantKernelDef<unknown> = {
  infer({ inputs }) {
    return [{ dtype: "float32", shape: [...inputs[0]!.shape] }];
  },
  reference({ inputs }): HostTensor[] {
    return [dequantizeTensor(inputs[0]!)];
  },
};
