/**
 * CONV_2D in TFLite's 8-bit arithmetic: uint8 per-tensor and int8 per-channel weights, int32 bias,
 * one fixed-point multiplier per output channel, grouped convolution.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import type { ConvOptions } from "../_shared/conv_common.ts";
import { quantConv } from "../_shared/quant_conv.ts";

/**
 * The 8-bit CONV_2D.
 *
 * @example
 * ```ts
 * import { conv2dInteger } from "./quant.ts";
 * const q = { scale: [1], zeroPoint: [0], quantizedDimension: 0 };
 * const x = { dtype: "int8" as const, shape: [1, 1, 1, 1], quantization: q, data: new Int8Array([3]) };
 * const w = { dtype: "int8" as const, shape: [1, 1, 1, 1], quantization: q, data: new Int8Array([-2]) };
 * const options = { padding: "VALID" as const, strideW: 1, strideH: 1, dilationW: 1, dilationH: 1, activation: "NONE" as const };
 * const [y] = conv2dInteger.reference({ inputs: [x, w, undefined], options, outputs: [{ dtype: "int8", shape: [1, 1, 1, 1], quantization: q }] });
 * if (y.data[0] !== -6) throw new Error("wrong");
 * ```
 */
export const conv2dInteger: QuantKernelDef<ConvOptions> = {
  reference({ inputs, options, outputs }): HostTensor[] {
    return [quantConv({
      op: "CONV_2D",
      x: inputs[0]!,
      w: inputs[1]!,
      bias: inputs[2],
      out: outputs[0],
      options,
    })];
  },
};
