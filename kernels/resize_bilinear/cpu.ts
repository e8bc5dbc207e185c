/**
 * RESIZE_BILINEAR on the fast CPU backend: a float32 loop.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { resizeScale } from "../_shared/pool_resize.ts";
import { loopBuilder } from "../_cpu/build.ts";
/** RESIZE_BILINEAR of a float32 NHWC tensor, with TFLite's source coordinates. */
export const resizeBilinearFloat: CpuBuilder<unknown> = loopBuilder<unknown>(
  (ctx, node, [x, y]) => {
    const o = node.options as {
      alignCorners: boolean;
      halfPixelCenters: boolean;
      outH: number;
      outW: number;
    };
    const [B, H, W, C] = ctx.graph.tensors[node.inputs[0]].shape;
    const fr = Math.fround;
    const axis = (out: number, size: number) => {
      const scale = resizeScale({ size, out, alignCorners: o.alignCorners });
      const lo = new Int32Array(out), hi = new Int32Array(out), t = new Float32Array(out);
      for (let v = 0; v < out; v++) {
        const src = o.halfPixelCenters ? fr(fr((v + 0.5) * scale) - 0.5) : fr(v * scale);
        lo[v] = Math.max(Math.floor(src), 0);
        hi[v] = Math.min(Math.ceil(src), size - 1);
        t[v] = fr(src - lo[v]);
      }
      return { lo, hi, t };
    };
    const ay = axis(o.outH, H), ax = axis(o.outW, W);
    return (f) => {
      let k = y;
      for (let b = 0; b < B; b++) {
        for (let oy = 0; oy < o.outH; oy++) {
          const r0 = x + (b * H + ay.lo[oy]) * W * C, r1 = x + (b * H + ay.hi[oy]) * W * C;
          const ty = ay.t[oy];
          for (let ox = 0; ox < o.outW; ox++) {
            const c0 = ax.lo[ox] * C, c1 = ax.hi[ox] * C, tx = ax.t[ox];
            const w00 = (1 - ty) * (1 - tx),
              w10 = ty * (1 - tx),
              w01 = (1 - ty) * tx,
              w11 = ty * tx;
            for (let c = 0; c < C; c++) {
              f[k++] = f[r0 + c0 + c] * w00 + f[r1 + c0 + c] * w10 + f[r0 + c1 + c] * w01 +
                f[r1 + c1 + c] * w11;
            }
          }
        }
      }
    };
  },
);
