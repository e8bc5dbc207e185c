/**
 * CONCATENATION of 8-bit tensors as TFLite's `ConcatenationWithScaling` does it: an input whose
 * scale and zero point equal the output's is copied; another is rescaled in float32
 * (`round(q * s_in / s_out - z_in * s_in / s_out) + z_out`, halves away from zero) and clamped.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import { allocQuant, dtypeRange, roundHalfAway, tensorQuant } from "../_shared/quant_math.ts";
import type { ConcatenationOptions } from "./mod.ts";

/**
 * The 8-bit CONCATENATION.
 *
 * @example
 * ```ts
 * import { concatenationInteger } from "./quant.ts";
 * const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
 * const a = { dtype: "uint8" as const, shape: [1, 1], quantization: q(1, 0), data: new Uint8Array([10]) };
 * const b = { dtype: "uint8" as const, shape: [1, 1], quantization: q(0.5, 0), data: new Uint8Array([10]) };
 * const options = { shape: [1, 2], axis: 1, offsets: [0, 1, 2], activation: "NONE" as const };
 * const [y] = concatenationInteger.reference({ inputs: [a, b], options, outputs: [{ ...a, shape: [1, 2] }] });
 * if (y.data[0] !== 10 || y.data[1] !== 5) throw new Error("wrong");
 * ```
 */
export const concatenationInteger: QuantKernelDef<ConcatenationOptions> = {
  reference({ inputs, options, outputs }): HostTensor[] {
    const y = allocQuant(outputs[0]);
    const qy = tensorQuant("CONCATENATION", y);
    const [lo, hi] = dtypeRange(y.dtype);
    const f = Math.fround;
    const inv = f(1 / qy.scale);
    const outer = y.shape.slice(0, options.axis).reduce((a, b) => a * b, 1);
    const inner = y.shape.slice(options.axis + 1).reduce((a, b) => a * b, 1);
    const total = options.offsets.at(-1)!;
    inputs.forEach((x, i) => {
      const qx = tensorQuant("CONCATENATION", x!);
      const same = qx.scale === qy.scale && qx.zeroPoint === qy.zeroPoint;
      const scale = f(qx.scale * inv), bias = f(-qx.zeroPoint * scale);
      const len = (options.offsets[i + 1] - options.offsets[i]) * inner;
      for (let o = 0; o < outer; o++) {
        const dst = (o * total + options.offsets[i]) * inner;
        for (let j = 0; j < len; j++) {
          const q = Number(x!.data[o * len + j]);
          const v = same ? q : roundHalfAway(f(f(q * scale) + bias)) + qy.zeroPoint;
          y.data[dst + j] = v < lo ? lo : v > hi ? hi : v;
        }
      }
    });
    return [y];
  },
};
