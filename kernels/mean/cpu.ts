/**
 * MEAN on the fast CPU backend: the spatial mean of NHWC float32 tensors.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { loopBuilder } from "../_cpu/build.ts";
/** MEAN over axes 1 and 2 of a 4-D float32 tensor, accumulating in float64. */
export const meanFloat: CpuBuilder<ReduceOptions> = loopBuilder<ReduceOptions>(
  (ctx, node, [x, y]) => {
    const o = node.options as { axes: number[] };
    const shape = ctx.graph.tensors[node.inputs[0]].shape;
    const axes = [...o.axes].map((a) => (a < 0 ? a + shape.length : a)).sort();
    if (shape.length !== 4 || axes.length !== 2 || axes[0] !== 1 || axes[1] !== 2) return undefined;
    const [B, H, W, C] = shape;
    const acc = new Float64Array(C);
    return (f) => {
      for (let b = 0; b < B; b++) {
        acc.fill(0);
        for (let p = 0; p < H * W; p++) {
          const base = x + (b * H * W + p) * C;
          for (let c = 0; c < C; c++) acc[c] += f[base + c];
        }
        for (let c = 0; c < C; c++) f[y + b * C + c] = acc[c] / (H * W);
      }
    };
  },
);
