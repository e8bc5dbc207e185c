/**
 * DEPTH_TO_SPACE on the fast CPU backend: each output pixel is one run of `C / bs²` channels of an
 * input pixel (`pixelCopy`).
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { floatAddrs } from "../_cpu/build.ts";
import { pixelCopy } from "../_cpu/pixel_copy.ts";
import type { BlockOptions } from "./mod.ts";

/**
 * DEPTH_TO_SPACE on float32 (DCR order): output pixel `(b, y, x)` copies channels
 * `((y % bs) · bs + x % bs) · C'` onwards of input pixel `(b, y / bs, x / bs)`.
 *
 * @example
 * ```ts ignore
 * export const depthToSpace = { ..., cpu: { float: depthToSpaceFloat } };
 * ```
 */
export const depthToSpaceFloat: CpuBuilder<BlockOptions> = (ctx, node) => {
  const a = floatAddrs(ctx, [node.inputs[0], node.outputs[0]]);
  const shape = ctx.graph.tensors[node.inputs[0]].shape;
  if (!a || shape.length !== 4) return undefined;
  const [B, H, W, C] = shape;
  const bs = node.options.blockSize;
  const [, OH, OW, OC] = node.options.shape;
  const pointers = new Int32Array(B * OH * OW);
  let q = 0;
  for (let b = 0; b < B; b++) {
    for (let y = 0; y < OH; y++) {
      for (let x = 0; x < OW; x++) {
        const pixel = (b * H + Math.floor(y / bs)) * W + Math.floor(x / bs);
        pointers[q++] = a[0] + (pixel * C + ((y % bs) * bs + (x % bs)) * OC) * 4;
      }
    }
  }
  return pixelCopy(ctx, { pointers, channels: OC, out: a[1] });
};
