/**
 * DEPTHWISE_CONV_2D in TFLite's 8-bit arithmetic: uint8 per-tensor and int8 per-channel weights
 * (quantized along the last dimension), int32 bias, depth multipliers.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import type { ConvOptions } from "../_shared/conv_common.ts";
import { quantConv } from "../_shared/quant_conv.ts";

/**
 * The 8-bit DEPTHWISE_CONV_2D.
 *
 * @example
 * ```ts
 * import { depthwiseConv2dInteger } from "./quant.ts";
 * const q = { scale: [1], zeroPoint: [0], quantizedDimension: 3 };
 * const x = { dtype: "int8" as const, shape: [1, 1, 1, 1], quantization: q, data: new Int8Array([3]) };
 * const w = { dtype: "int8" as const, shape: [1, 1, 1, 2], quantization: q, data: new Int8Array([2, -1]) };
 * const options = { padding: "VALID" as const, strideW: 1, strideH: 1, dilationW: 1, dilationH: 1, activation: "NONE" as const };
 * const [y] = depthwiseConv2dInteger.reference({ inputs: [x, w, undefined], options, outputs: [{ ...x, shape: [1, 1, 1, 2] }] });
 * if (y.data[0] !== 6 || y.data[1] !== -3) throw new Error("wrong");
 * ```
 */
export const depthwiseConv2dInteger: QuantKernelDef<ConvOptions> = {
  reference({ inputs, options, outputs }): HostTensor[] {
    return [quantConv({
      op: "DEPTHWISE_CONV_2D",
      x: inputs[0]!,
      w: inputs[1]!,
      bias: inputs[2],
      out: outputs[0],
      options,
      depthwise: true,
    })];
  },
};
