/**
 * 8-bit elementwise ops through a 256-entry lookup table, as TFLite evaluates LOGISTIC, TANH,
 * HARD_SWISH-free activations and others on uint8/int8 (`PopulateLookupTable` +
 * `EvalUsingLookupTable`).
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import { allocQuant, lookupTable, tensorQuant } from "./quant_math.ts";

/**
 * An 8-bit reference that maps every element through a table of `fn`.
 *
 * @example
 * ```ts
 * import { lutKernel } from "./quant_lut.ts";
 * const q = { scale: [1 / 16], zeroPoint: [0], quantizedDimension: 0 };
 * const x = { dtype: "int8" as const, shape: [1], quantization: q, data: new Int8Array([-16]) };
 * const [y] = lutKernel("ABS", Math.abs).reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 16) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param fn The function on float values.
 * @returns The 8-bit kernel half.
 */
export function lutKernel(op: string, fn: (x: number) => number): QuantKernelDef<unknown> {
  return {
    reference({ inputs, outputs }): HostTensor[] {
      const x = inputs[0]!;
      const y = allocQuant({ ...outputs[0], shape: x.shape });
      tensorQuant(op, x);
      tensorQuant(op, y);
      const lut = lookupTable({
        dtype: y.dtype,
        input: x.quantization!,
        output: y.quantization!,
        fn,
      });
      for (let i = 0; i < y.data.length; i++) y.data[i] = lut[Number(x.data[i]) & 255];
      return [y];
    },
  };
}
