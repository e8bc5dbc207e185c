/**
 * TFLite's 8-bit AVERAGE_POOL_2D and MAX_POOL_2D (`reference_integer_ops::AveragePool`/`MaxPool`):
 * the output keeps the input's scale and zero point; the average is the int32 window sum divided by
 * the count of in-bounds elements, rounded half away from zero; the fused activation clamps.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import { poolGeometry, type PoolMode, type PoolParams } from "./pool_window.ts";
import { allocQuant, outputRange } from "./quant_math.ts";

function reduce(mode: PoolMode, sum: number, max: number, count: number): number {
  if (mode === "max") return max;
  const half = Math.trunc(count / 2);
  return sum > 0 ? Math.trunc((sum + half) / count) : Math.trunc((sum - half) / count);
}

/**
 * The 8-bit form of a 2-D pool.
 *
 * @example
 * ```ts
 * import { quantPool } from "./quant_pool.ts";
 * const q = { scale: [1], zeroPoint: [0], quantizedDimension: 0 };
 * const x = { dtype: "int8" as const, shape: [1, 1, 2, 1], quantization: q, data: new Int8Array([-3, -4]) };
 * const p = { padding: "VALID" as const, strideW: 2, strideH: 1, filterW: 2, filterH: 1, activation: "NONE" as const };
 * const [y] = quantPool("avg").reference({ inputs: [x], options: p, outputs: [{ ...x, shape: [1, 1, 1, 1] }] });
 * if (y.data[0] !== -4) throw new Error("wrong");
 * ```
 *
 * @param mode `avg` or `max`.
 * @returns The 8-bit kernel half.
 */
export function quantPool(mode: PoolMode): QuantKernelDef<PoolParams> {
  const op = mode === "avg" ? "AVERAGE_POOL_2D" : "MAX_POOL_2D";
  return {
    reference({ inputs, options: p, outputs }): HostTensor[] {
      const x = inputs[0]!;
      const y = allocQuant(outputs[0]);
      const geo = poolGeometry(op, x.shape, p);
      const [B, H, W, C] = geo.input;
      const [lo, hi] = outputRange(op, p.activation, y);
      let k = 0;
      for (let b = 0; b < B; b++) {
        for (let oy = 0; oy < geo.y.out; oy++) {
          for (let ox = 0; ox < geo.x.out; ox++) {
            for (let c = 0; c < C; c++) {
              let sum = 0, max = -Infinity, count = 0;
              for (let fy = 0; fy < p.filterH; fy++) {
                const iy = oy * p.strideH - geo.y.pad + fy;
                if (iy < 0 || iy >= H) continue;
                for (let fx = 0; fx < p.filterW; fx++) {
                  const ix = ox * p.strideW - geo.x.pad + fx;
                  if (ix < 0 || ix >= W) continue;
                  const v = Number(x.data[((b * H + iy) * W + ix) * C + c]);
                  sum += v;
                  if (v > max) max = v;
                  count++;
                }
              }
              const r = count === 0 ? lo : reduce(mode, sum, max, count);
              y.data[k++] = r < lo ? lo : r > hi ? hi : r;
            }
          }
        }
      }
      return [y];
    },
  };
}
