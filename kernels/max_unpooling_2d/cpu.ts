/**
 * MaxUnpooling2D on the fast CPU backend: the output is cleared, then each value is written at the
 * position its window index names (a float32 loop over the arena, channels innermost).
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import type { PoolParams } from "../_shared/pool_window.ts";
import { floatAddrs } from "../_cpu/build.ts";

/** Geometry of an unpooling: output size and leading padding per axis. */
export interface UnpoolGeometry {
  /** Output height. */
  outH: number;
  /** Output width. */
  outW: number;
  /** Rows cut before the first. */
  padH: number;
  /** Columns cut before the first. */
  padW: number;
}

/**
 * Builder of a float32 MaxUnpooling2D node (indices float32 or int32), with the op's geometry.
 *
 * @example
 * ```ts ignore
 * export const maxUnpooling2d = { ..., cpu: { float: unpoolBuilder(geometry) } };
 * ```
 *
 * @param geometry The op's output size and padding from the values' shape and the options.
 * @returns The builder.
 */
export function unpoolBuilder(
  geometry: (shape: readonly number[], p: PoolParams) => UnpoolGeometry,
): CpuBuilder<PoolParams> {
  return (ctx, node) => {
    const [vi, ii] = node.inputs;
    const T = ctx.graph.tensors;
    const a = floatAddrs(ctx, [vi, node.outputs[0]]);
    const ia = ctx.addr(ii);
    const dt = T[ii].dtype;
    if (!a || ia === undefined || (dt !== "float32" && dt !== "int32")) return undefined;
    const shape = T[vi].shape;
    if (shape.length !== 4) return undefined;
    const p = node.options;
    const [B, H, W, C] = shape;
    const g = geometry(shape, p);
    const [v, y] = [a[0] >> 2, a[1] >> 2];
    const ix0 = ia >> 2;
    const n = B * g.outH * g.outW * C;
    return [(rt) => {
      const f = rt.f32;
      const ind = dt === "int32" ? rt.i32 : f;
      f.fill(0, y, y + n);
      let k = 0;
      for (let b = 0; b < B; b++) {
        for (let iy = 0; iy < H; iy++) {
          const oy0 = iy * p.strideH - g.padH;
          for (let ix = 0; ix < W; ix++) {
            const ox0 = ix * p.strideW - g.padW;
            for (let c = 0; c < C; c++, k++) {
              const w = Math.trunc(ind[ix0 + k]);
              const oy = oy0 + Math.trunc(w / p.filterW), ox = ox0 + (w % p.filterW);
              if (oy >= 0 && oy < g.outH && ox >= 0 && ox < g.outW) {
                f[y + ((b * g.outH + oy) * g.outW + ox) * C + c] = f[v + k];
              }
            }
          }
        }
      }
    }];
  };
}
