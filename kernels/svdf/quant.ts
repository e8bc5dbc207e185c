/**
 * SVDF of int8 tensors in TFLite's integer arithmetic (`EvalIntegerSVDF`): int8 input and feature
 * weights, int16 time weights and state (zero point 0), int32 bias, int8 output.
 *
 * One step shifts the flattened state left by one, writes each filter's
 * `MBQM(W_f · (x - z_x), s_x s_f / s_state)` (clamped to int16) into its newest slot, takes each
 * filter's int32 dot product of state and time weights, sums groups of `rank` filters per unit,
 * adds the bias and requantizes by `s_state s_t / s_out` to the output zero point. TFLite accepts
 * only a fused RELU here and applies no clamp for it beyond the int8 range.
 *
 * @module
 */
import type { HostTensor, OpInput, QuantKernelDef } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import {
  allocQuant,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  tensorQuant,
} from "../_shared/quant_math.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";

const OP = "SVDF";

/**
 * Checks the dtypes and activation of an integer SVDF node.
 *
 * @example
 * ```ts ignore
 * checkIntegerSvdf(inputs, "RELU");
 * ```
 *
 * @param inputs The node's five inputs.
 * @param activation Its fused activation.
 */
export function checkIntegerSvdf(
  inputs: readonly (OpInput | undefined)[],
  activation: FusedActivation,
): void {
  const want = ["int8", "int8", "int16", "int32", "int16"];
  inputs.forEach((t, k) => {
    if (t && t.dtype !== want[k]) {
      throw new OpError(`${OP}: integer input ${k} must be ${want[k]}, got ${t.dtype}`);
    }
  });
  if (activation !== "RELU") {
    throw new OpError(`${OP}: the integer kernel takes only a fused RELU, got ${activation}`);
  }
}

/**
 * The integer SVDF.
 *
 * @example
 * ```ts
 * import { svdfInteger } from "./quant.ts";
 * const q = (s: number, z = 0) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
 * const x = { dtype: "int8" as const, shape: [1, 1], quantization: q(1), data: new Int8Array([2]) };
 * const wf = { dtype: "int8" as const, shape: [1, 1], quantization: q(1), data: new Int8Array([3]) };
 * const wt = { dtype: "int16" as const, shape: [1, 2], quantization: q(1), data: new Int16Array([5, 1]) };
 * const state = { dtype: "int16" as const, shape: [1, 2], quantization: q(1), data: new Int16Array(2) };
 * const [y] = svdfInteger.reference({ inputs: [x, wf, wt, undefined, state], options: { rank: 1, activation: "RELU" }, outputs: [{ dtype: "int8", shape: [1, 1], quantization: q(1) }] });
 * if (y.data[0] !== 6) throw new Error("wrong"); // newest slot 2 * 3, time weight 1
 * ```
 */
export const svdfInteger: QuantKernelDef<{ rank: number; activation: FusedActivation }> = {
  reference({ inputs, options, outputs }): HostTensor[] {
    const [x, wf, wt, bias, s0] = inputs as HostTensor[];
    const out = allocQuant(outputs[0]);
    const f = Math.fround;
    const sx = tensorQuant(OP, x), sf = tensorQuant(OP, wf), st = tensorQuant(OP, wt);
    const ss = tensorQuant(OP, s0), so = tensorQuant(OP, out);
    if (ss.zeroPoint !== 0) throw new OpError(`${OP}: the int16 state must have zero point 0`);
    const m1 = quantizeMultiplier(f(f(sx.scale * sf.scale) / ss.scale));
    const m2 = quantizeMultiplier(f(f(ss.scale * st.scale) / so.scale));
    const [batch, nInput] = x.shape;
    const [filters, memory] = wt.shape;
    const units = filters / options.rank;
    // The flattened state shifted left by one element, as TFLite's std::copy does.
    const state = new Int16Array(batch * filters * memory);
    for (let i = 0; i + 1 < state.length; i++) state[i] = Number(s0.data[i + 1]);
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < filters; r++) {
        let dot = 0;
        for (let c = 0; c < nInput; c++) {
          dot += Number(wf.data[r * nInput + c]) * (Number(x.data[b * nInput + c]) - sx.zeroPoint);
        }
        const v = multiplyByQuantizedMultiplier(dot | 0, m1);
        state[(b * filters + r) * memory + memory - 1] = Math.min(32767, Math.max(-32768, v));
      }
      for (let u = 0; u < units; u++) {
        let acc = bias ? Number(bias.data[u]) : 0;
        for (let k = 0; k < options.rank; k++) {
          const row = (b * filters + u * options.rank + k) * memory;
          let dot = 0;
          for (let m = 0; m < memory; m++) {
            dot += Number(wt.data[(row % (filters * memory)) + m]) * state[row + m];
          }
          acc += dot | 0;
        }
        const y = multiplyByQuantizedMultiplier(acc | 0, m2) + so.zeroPoint;
        out.data[b * units + u] = Math.min(127, Math.max(-128, y));
      }
    }
    return [out];
  },
};
