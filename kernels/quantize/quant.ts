/**
 * QUANTIZE of a quantized input: TFLite's requantization from the input's scale and zero point to
 * the output's (uint8 to int8 and back, a new scale, int16 to int16 or int8), through a fixed-point
 * multiplier.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import { requantize } from "../_shared/quant_math.ts";

/**
 * The 8-bit QUANTIZE (requantization).
 *
 * @example
 * ```ts
 * import { quantizeInteger } from "./quant.ts";
 * const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
 * const x = { dtype: "uint8" as const, shape: [1], quantization: q(0.5, 128), data: new Uint8Array([130]) };
 * const [y] = quantizeInteger.reference({ inputs: [x], options: {}, outputs: [{ dtype: "int8", shape: [1], quantization: q(0.5, 0) }] });
 * if (y.data[0] !== 2) throw new Error("wrong");
 * ```
 */
export const quantizeInteger: QuantKernelDef<unknown> = {
  int16: true,
  reference({ inputs, outputs }): HostTensor[] {
    return [requantize(inputs[0]!, outputs[0])];
  },
};
