/**
 * The 8-bit form of ops that move bytes without arithmetic (RESHAPE, SQUEEZE, EXPAND_DIMS): the
 * output keeps the input's bytes, and TFLite requires it to keep the input's scale and zero point.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import { allocQuant } from "./quant_math.ts";

/**
 * An 8-bit reference that copies the input's bytes into the declared output.
 *
 * @example
 * ```ts
 * import { quantCopy } from "./quant_move.ts";
 * const q = { scale: [1], zeroPoint: [0], quantizedDimension: 0 };
 * const x = { dtype: "uint8" as const, shape: [1, 2], quantization: q, data: new Uint8Array([7, 9]) };
 * const [y] = quantCopy.reference({ inputs: [x], options: {}, outputs: [{ ...x, shape: [2] }] });
 * if (y.shape.length !== 1 || y.data[1] !== 9) throw new Error("wrong");
 * ```
 */
export const quantCopy: QuantKernelDef<unknown> = {
  reference({ inputs, outputs }): HostTensor[] {
    const y = allocQuant({
      ...outputs[0],
      quantization: outputs[0].quantization ?? inputs[0]!.quantization,
    });
    y.data.set(inputs[0]!.data as never);
    return [y];
  },
};
