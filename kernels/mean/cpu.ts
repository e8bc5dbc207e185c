/**
 * MEAN on the fast CPU backend: the spatial mean of NHWC float32 tensors.
 *
 * @module
 */
import type { CpuBuildContext, CpuBuilder, CpuNode } from "../../core/kernel.ts";
import type { ReduceOptions } from "../_shared/pool_reduce.ts";
import { floatAddrs, loopBuilder, wasmStep, writeBlock } from "../_cpu/build.ts";
import { MEAN_PIXELS } from "../_cpu/blocks.ts";
/** The spatial axes of a MEAN over a 4-D tensor (1 and 2), or `undefined`. */
function spatial(ctx: CpuBuildContext, node: CpuNode<ReduceOptions>): number[] | undefined {
  const o = node.options as { axes: number[] };
  const shape = ctx.graph.tensors[node.inputs[0]].shape;
  const axes = [...o.axes].map((a) => (a < 0 ? a + shape.length : a)).sort();
  return shape.length === 4 && axes.length === 2 && axes[0] === 1 && axes[1] === 2
    ? shape
    : undefined;
}

/**
 * MEAN over axes 1 and 2 of a 4-D float32 tensor whose channels are a multiple of 4, over the pool:
 * the `mean_pixels` kernel sums in float64 and divides by the pixel count.
 */
export const meanPixelsFloat: CpuBuilder<ReduceOptions> = (ctx, node) => {
  const shape = spatial(ctx, node);
  const a = floatAddrs(ctx, [node.inputs[0], node.outputs[0]]);
  if (!shape || !a) return undefined;
  const [B, H, W, C] = shape;
  if (C % 4 !== 0 || H * W === 0 || H * W >= 2 ** 24) return undefined;
  const columns = B * Math.ceil(C / 16);
  const CT = Math.max(1, Math.ceil(columns / (ctx.threads * 2)));
  const p = writeBlock(ctx, MEAN_PIXELS, {
    x: a[0],
    y: a[1],
    pixels: H * W,
    channels: C,
    count: H * W,
    columns,
    columnsPerTask: CT,
  });
  return [wasmStep(ctx, "mean_pixels", p, Math.ceil(columns / CT))];
};

/** MEAN over axes 1 and 2 of a 4-D float32 tensor, accumulating in float64. */
export const meanFloat: CpuBuilder<ReduceOptions> = loopBuilder<ReduceOptions>(
  (ctx, node, [x, y]) => {
    const shape = spatial(ctx, node);
    if (!shape) return undefined;
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

/**
 * MEAN's float32 builder: {@linkcode meanPixelsFloat} where it applies, else {@linkcode meanFloat}.
 *
 * @example
 * ```ts ignore
 * export const mean = { ..., cpu: { float: meanCpuFloat } };
 * ```
 */
export const meanCpuFloat: CpuBuilder<ReduceOptions> = (ctx, node) =>
  meanPixelsFloat(ctx, node) ?? meanFloat(ctx, node);
