/**
 * RESIZE_NEAREST_NEIGHBOR on the fast CPU backend: a copy of each output pixel's source pixel
 * (`pixelCopy`).
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { type ResizeOptions, resizeReference } from "../_shared/pool_resize.ts";
import { floatAddrs } from "../_cpu/build.ts";
import { pixelCopy } from "../_cpu/pixel_copy.ts";

/**
 * RESIZE_NEAREST_NEIGHBOR on float32. The source pixel of every output pixel comes from the
 * reference itself, resizing an image whose values are its pixel indices, so the two cannot
 * disagree; each output pixel is then `0 + x · 1` of its source (exact, but for the sign of zero).
 */
export const resizeNearestFloat: CpuBuilder<ResizeOptions> = (ctx, node) => {
  const o = node.options;
  const a = floatAddrs(ctx, [node.inputs[0], node.outputs[0]]);
  const shape = ctx.graph.tensors[node.inputs[0]].shape;
  if (!a || shape.length !== 4) return undefined;
  const [B, H, W, C] = shape;
  if (H * W >= 2 ** 24) return undefined;
  const ids = Float32Array.from({ length: H * W }, (_, i) => i);
  const src = resizeReference("nearest", { dtype: "float32", shape: [1, H, W, 1], data: ids }, o)
    .data;
  const per = src.length;
  const pointers = new Int32Array(B * per);
  for (let b = 0; b < B; b++) {
    for (let q = 0; q < per; q++) {
      pointers[b * per + q] = a[0] + (b * H * W + Number(src[q])) * C * 4;
    }
  }
  return pixelCopy(ctx, { pointers, channels: C, out: a[1] });
};
