/**
 * FULLY_CONNECTED in TFLite's 8-bit arithmetic: `[O, I]` uint8 or int8 (per-channel) weights, int32
 * bias, fixed-point requantization, the fused activation as a clamp.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { quantFullyConnected } from "../_shared/quant_conv.ts";

/**
 * The 8-bit FULLY_CONNECTED.
 *
 * @example
 * ```ts
 * import { fullyConnectedInteger } from "./quant.ts";
 * const q = { scale: [1], zeroPoint: [0], quantizedDimension: 0 };
 * const x = { dtype: "int8" as const, shape: [1, 2], quantization: q, data: new Int8Array([3, 4]) };
 * const w = { dtype: "int8" as const, shape: [1, 2], quantization: q, data: new Int8Array([1, 2]) };
 * const [y] = fullyConnectedInteger.reference({ inputs: [x, w, undefined], options: { activation: "NONE" }, outputs: [{ ...x, shape: [1, 1] }] });
 * if (y.data[0] !== 11) throw new Error("wrong");
 * ```
 */
export const fullyConnectedInteger: QuantKernelDef<{ activation: FusedActivation }> = {
  reference({ inputs, options, outputs }): HostTensor[] {
    return [quantFullyConnected({
      x: inputs[0]!,
      w: inputs[1]!,
      bias: inputs[2],
      out: outputs[0],
      activation: options.activation,
    })];
  },
};
