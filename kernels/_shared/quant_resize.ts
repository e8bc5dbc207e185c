/**
 * RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR of 8-bit tensors: the output keeps the input's scale
 * and zero point; nearest copies values, bilinear interpolates the quantized values in float32 and
 * rounds half away from zero (within one step of TFLite's and XNNPack's fixed-point forms).
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import { type ResizeMode, type ResizeOptions, resizeReference } from "./pool_resize.ts";
import { allocQuant, dtypeRange, roundHalfAway } from "./quant_math.ts";

/**
 * The 8-bit half of a resize.
 *
 * @example
 * ```ts
 * import { quantResize } from "./quant_resize.ts";
 * const q = { scale: [0.1], zeroPoint: [0], quantizedDimension: 0 };
 * const x = { dtype: "uint8" as const, shape: [1, 1, 2, 1], quantization: q, data: new Uint8Array([0, 3]) };
 * const o = { alignCorners: false, halfPixelCenters: false, outH: 1, outW: 4 };
 * const [y] = quantResize("bilinear").reference({ inputs: [x], options: o, outputs: [{ ...x, shape: [1, 1, 4, 1] }] });
 * if (y.data[1] !== 2) throw new Error("wrong");
 * ```
 *
 * @param mode `bilinear` or `nearest`.
 * @returns The 8-bit kernel half.
 */
export function quantResize(mode: ResizeMode): QuantKernelDef<ResizeOptions> {
  return {
    reference({ inputs, options, outputs }): HostTensor[] {
      const x = inputs[0]!;
      const f = resizeReference(mode, x, options);
      const y = allocQuant({
        ...outputs[0],
        quantization: outputs[0].quantization ?? x.quantization,
      });
      const [lo, hi] = dtypeRange(y.dtype);
      for (let i = 0; i < y.data.length; i++) {
        const v = roundHalfAway(Number(f.data[i]));
        y.data[i] = v < lo ? lo : v > hi ? hi : v;
      }
      return [y];
    },
  };
}
