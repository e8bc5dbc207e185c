/**
 * The float32 2-D pooling builder shared by AVERAGE_POOL_2D and MAX_POOL_2D.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { poolGeometry, type PoolParams } from "../_shared/pool_window.ts";
import { ACT_RANGE, loopBuilder } from "./build.ts";

/**
 * Builder of a float32 AVERAGE_POOL_2D or MAX_POOL_2D node: a loop over the window, accumulating in
 * float64, then the fused activation.
 *
 * @example
 * ```ts ignore
 * export const maxPool2d = { ..., cpu: { float: poolBuilder("max") } };
 * ```
 *
 * @param mode Average or maximum.
 * @returns The builder.
 */
export function poolBuilder(mode: "avg" | "max"): CpuBuilder<PoolParams> {
  return loopBuilder<PoolParams>((ctx, node, [x, y]) => {
    const p = node.options;
    const range = ACT_RANGE[p.activation];
    const shape = ctx.graph.tensors[node.inputs[0]].shape;
    if (!range || shape.length !== 4) return undefined;
    const geo = poolGeometry(node.op, shape, p);
    const [B, H, W, C] = geo.input;
    const acc = new Float64Array(C);
    const [lo, hi] = range;
    return (f) => {
      let o = y;
      for (let b = 0; b < B; b++) {
        for (let oy = 0; oy < geo.y.out; oy++) {
          const y0 = oy * p.strideH - geo.y.pad;
          const ys = Math.max(y0, 0), ye = Math.min(y0 + p.filterH, H);
          for (let ox = 0; ox < geo.x.out; ox++) {
            const x0 = ox * p.strideW - geo.x.pad;
            const xs = Math.max(x0, 0), xe = Math.min(x0 + p.filterW, W);
            acc.fill(mode === "avg" ? 0 : -Infinity);
            for (let iy = ys; iy < ye; iy++) {
              for (let ix = xs; ix < xe; ix++) {
                const base = x + ((b * H + iy) * W + ix) * C;
                if (mode === "avg") { for (let c = 0; c < C; c++) acc[c] += f[base + c]; }
                else for (let c = 0; c < C; c++) acc[c] = Math.max(acc[c], f[base + c]);
              }
            }
            const inv = mode === "avg" ? 1 / ((ye - ys) * (xe - xs)) : 1;
            for (let c = 0; c < C; c++) f[o++] = Math.min(hi, Math.max(lo, acc[c] * inv));
          }
        }
      }
    };
  });
}
