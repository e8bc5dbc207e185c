/**
 * AVERAGE_POOL_2D on the fast CPU backend: the 8-bit builder (float32 uses the shared
 * `poolBuilder("avg")`).
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { poolGeometry, type PoolParams } from "../_shared/pool_window.ts";
import { quantizedActivationRange } from "../_shared/quant_math.ts";
import { view8 } from "../_cpu/build.ts";
/** AVERAGE_POOL_2D on 8-bit tensors: integer sums, rounded division, clamp. */
export const averagePoolCpuQuant: CpuBuilder<PoolParams> = (ctx, node) => {
  const p = node.options;
  const T = ctx.graph.tensors;
  const x = T[node.inputs[0]], y = T[node.outputs[0]];
  const xa = ctx.addr(node.inputs[0]), ya = ctx.addr(node.outputs[0]);
  const range = quantizedActivationRange(p.activation, y.dtype, y.quantization!);
  if (!range || xa === undefined || ya === undefined || x.shape.length !== 4) return undefined;
  const geo = poolGeometry(node.op, x.shape, p);
  const [B, H, W, C] = geo.input;
  const acc = new Int32Array(C);
  return [(rt) => {
    const xs = view8(rt.u8, x.dtype, xa, numElements(x.shape));
    const ys = view8(rt.u8, y.dtype, ya, numElements(y.shape));
    let o = 0;
    for (let b = 0; b < B; b++) {
      for (let oy = 0; oy < geo.y.out; oy++) {
        const y0 = oy * p.strideH - geo.y.pad;
        const y1 = Math.max(y0, 0), y2 = Math.min(y0 + p.filterH, H);
        for (let ox = 0; ox < geo.x.out; ox++) {
          const x0 = ox * p.strideW - geo.x.pad;
          const x1 = Math.max(x0, 0), x2 = Math.min(x0 + p.filterW, W);
          acc.fill(0);
          for (let iy = y1; iy < y2; iy++) {
            for (let ix = x1; ix < x2; ix++) {
              const base = ((b * H + iy) * W + ix) * C;
              for (let c = 0; c < C; c++) acc[c] += xs[base + c];
            }
          }
          const count = (y2 - y1) * (x2 - x1), half = Math.trunc(count / 2);
          for (let c = 0; c < C; c++) {
            const v = acc[c] >= 0
              ? Math.trunc((acc[c] + half) / count)
              : Math.trunc((acc[c] - half) / count);
            ys[o++] = Math.min(range[1], Math.max(range[0], v));
          }
        }
      }
    }
  }];
};
