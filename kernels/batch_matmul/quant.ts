/**
 * BATCH_MATMUL of 8-bit tensors in TFLite's integer arithmetic: int32 sums of zero-point-corrected
 * products over the inner dimension, one fixed-point multiplier (`s_x * s_y / s_out`), the output
 * zero point, a clamp to the dtype; batch dimensions broadcast, `adjX`/`adjY` transpose.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import { broadcastIndex } from "../_shared/tensor.ts";
import {
  allocQuant,
  dtypeRange,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  tensorQuant,
} from "../_shared/quant_math.ts";

/**
 * The 8-bit BATCH_MATMUL.
 *
 * @example
 * ```ts
 * import { batchMatMulInteger } from "./quant.ts";
 * const q = (z: number) => ({ scale: [1], zeroPoint: [z], quantizedDimension: 0 });
 * const x = { dtype: "int8" as const, shape: [1, 2], quantization: q(1), data: new Int8Array([3, 4]) };
 * const y = { dtype: "int8" as const, shape: [2, 1], quantization: q(0), data: new Int8Array([1, 2]) };
 * const [z] = batchMatMulInteger.reference({ inputs: [x, y], options: { adjX: false, adjY: false }, outputs: [{ dtype: "int8", shape: [1, 1], quantization: q(0) }] });
 * if (z.data[0] !== 8) throw new Error("wrong");
 * ```
 */
export const batchMatMulInteger: QuantKernelDef<{ adjX: boolean; adjY: boolean }> = {
  reference({ inputs, options, outputs }): HostTensor[] {
    const [x, y] = inputs as HostTensor[];
    const out = allocQuant(outputs[0]);
    const qx = tensorQuant("BATCH_MATMUL", x), qy = tensorQuant("BATCH_MATMUL", y);
    const qo = tensorQuant("BATCH_MATMUL", out);
    const m = quantizeMultiplier((qx.scale * qy.scale) / qo.scale);
    const [lo, hi] = dtypeRange(out.dtype);
    const xr = x.shape.at(-1)!, yr = y.shape.at(-1)!;
    const M = options.adjX ? xr : x.shape.at(-2)!, K = options.adjX ? x.shape.at(-2)! : xr;
    const N = options.adjY ? y.shape.at(-2)! : yr;
    const batch = out.shape.slice(0, -2);
    const nb = batch.reduce((a, b) => a * b, 1);
    for (let bi = 0; bi < nb; bi++) {
      const xb = broadcastIndex(bi, batch, x.shape.slice(0, -2)) * M * K;
      const yb = broadcastIndex(bi, batch, y.shape.slice(0, -2)) * K * N;
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let k = 0; k < K; k++) {
            const xi = options.adjX ? k * xr + i : i * xr + k;
            const yi = options.adjY ? j * yr + k : k * yr + j;
            acc += (Number(x.data[xb + xi]) - qx.zeroPoint) *
              (Number(y.data[yb + yi]) - qy.zeroPoint);
          }
          const r = multiplyByQuantizedMultiplier(acc | 0, m) + qo.zeroPoint;
          out.data[(bi * M + i) * N + j] = r < lo ? lo : r > hi ? hi : r;
        }
      }
    }
    return [out];
  },
};
