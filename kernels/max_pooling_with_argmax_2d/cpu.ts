/**
 * MaxPoolingWithArgmax2D on the fast CPU backend: a float32 loop over the arena with channels
 * innermost (contiguous NHWC rows), keeping each channel's maximum and its window index.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { poolGeometry, type PoolParams } from "../_shared/pool_window.ts";
import { ACT_RANGE, loopBuilder } from "../_cpu/build.ts";

/**
 * MaxPoolingWithArgmax2D on float32: values (clamped by the fused activation) and indices
 * `dy * filterW + dx + 0.1` as float32, the first maximum winning ties, as the reference does.
 */
export const argmaxPoolFloat: CpuBuilder<PoolParams> = loopBuilder<PoolParams>(
  (ctx, node, [x, vals, idx]) => {
    const p = node.options;
    const range = ACT_RANGE[p.activation];
    const shape = ctx.graph.tensors[node.inputs[0]].shape;
    if (!range || shape.length !== 4 || idx === undefined) return undefined;
    const g = poolGeometry(node.op, shape, p);
    const [B, H, W, C] = g.input;
    const [lo, hi] = range;
    const code = Float32Array.from(
      { length: p.filterH * p.filterW },
      (_, k) => Math.fround(k + Math.fround(0.1)),
    );
    return (f) => {
      let o = 0;
      for (let b = 0; b < B; b++) {
        for (let oy = 0; oy < g.y.out; oy++) {
          const y0 = oy * p.strideH - g.y.pad;
          const ys = Math.max(y0, 0), ye = Math.min(y0 + p.filterH, H);
          for (let ox = 0; ox < g.x.out; ox++, o += C) {
            const x0 = ox * p.strideW - g.x.pad;
            const xs = Math.max(x0, 0), xe = Math.min(x0 + p.filterW, W);
            const vo = vals + o, io = idx + o;
            f.fill(-Infinity, vo, vo + C);
            f.fill(code[0], io, io + C);
            for (let iy = ys; iy < ye; iy++) {
              for (let ix = xs; ix < xe; ix++) {
                const base = x + ((b * H + iy) * W + ix) * C;
                const k = code[(iy - y0) * p.filterW + ix - x0];
                for (let c = 0; c < C; c++) {
                  const v = f[base + c];
                  if (v > f[vo + c]) {
                    f[vo + c] = v;
                    f[io + c] = k;
                  }
                }
              }
            }
            if (lo > -Infinity || hi < Infinity) {
              for (let c = vo; c < vo + C; c++) f[c] = Math.min(hi, Math.max(lo, f[c]));
            }
          }
        }
      }
    };
  },
);
