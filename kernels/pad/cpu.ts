/**
 * PAD on the fast CPU backend: zero fill, then row copies.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { floatAddrs, gemmEpilogue, loopBuilder } from "../_cpu/build.ts";
import { pixelCopy } from "../_cpu/pixel_copy.ts";
/**
 * PAD of a 4-D float32 tensor with zeros, batch unpadded, over the pool: per output pixel, its input
 * pixel's channels (or a row of zeros where the pixel is padding) are copied to their place, and
 * padded channels get zeros, each a `pixelCopy`. A leading residual ADD and PRELU of the node's
 * epilogue (BlazeFace's channel-padded shortcut feeds an ADD) are applied in the same pass.
 */
export const padPixels: CpuBuilder<unknown> = (ctx, node) => {
  const o = node.options as { paddings: [number, number][] };
  const g = ctx.graph;
  const xs = g.tensors[node.inputs[0]].shape;
  const a = floatAddrs(ctx, [node.inputs[0], node.outputs[0]]);
  if (!a || xs.length !== 4 || o.paddings[0][0] !== 0 || o.paddings[0][1] !== 0) return undefined;
  const [B, H, W, C] = xs;
  const [[,], [pt, pb], [pl, pr], [cb, ca]] = o.paddings;
  const OH = H + pt + pb, OW = W + pl + pr, OC = C + cb + ca;
  const zero = ctx.alloc((Math.max(C, cb, ca) + 4) * 4);
  const inside = new Int32Array(B * OH * OW), zeros = new Int32Array(B * OH * OW).fill(zero);
  for (let b = 0, q = 0; b < B; b++) {
    for (let y = 0; y < OH; y++) {
      for (let x = 0; x < OW; x++, q++) {
        const iy = y - pt, ix = x - pl;
        const hit = iy >= 0 && iy < H && ix >= 0 && ix < W;
        inside[q] = hit ? a[0] + ((b * H + iy) * W + ix) * C * 4 : zero;
      }
    }
  }
  const ep = gemmEpilogue(ctx, node, OC);
  if (ep.hardSwish) return undefined;
  let slopes = 0;
  if (ep.slopes) {
    slopes = ctx.alloc((OC + 4) * 4);
    ctx.put(slopes, ep.slopes);
  }
  // Channels [from, from + n) of every output pixel, read from `pointers`.
  const part = (pointers: Int32Array, from: number, n: number) =>
    pixelCopy(ctx, {
      pointers,
      channels: n,
      out: a[1] + from * 4,
      outStride: OC * 4,
      epilogue: {
        residual: ep.residual ? ep.residual.addr + from * 4 : undefined,
        act: ep.residual?.act,
        slopes: slopes ? slopes + from * 4 : undefined,
      },
    });
  const steps = [
    ...(cb > 0 ? part(zeros, 0, cb) : []),
    ...part(inside, cb, C),
    ...(ca > 0 ? part(zeros, cb + C, ca) : []),
  ];
  return Object.assign(steps, { epilogueApplied: ep.applied });
};

/**
 * PAD of a float32 tensor with zeros. Trailing dimensions without padding are merged into the
 * copied row (NHWC padded in H and W copies whole image rows), so a row is one copy of
 * `inner · size` floats; the row offsets are computed once, at creation.
 */
export const padFloat: CpuBuilder<unknown> = loopBuilder<unknown>((ctx, node, a) => {
  const o = node.options as { paddings: [number, number][] };
  const g = ctx.graph;
  const xs = g.tensors[node.inputs[0]].shape, ys = g.tensors[node.outputs[0]].shape;
  const x = a[0], y = a[1];
  const n = numElements(ys), rank = xs.length;
  if (rank === 0) return (f) => f.copyWithin(y, x, x + 1);
  // The innermost padded dimension k: dimensions after it are copied whole.
  let k = rank - 1;
  while (k > 0 && o.paddings[k][0] === 0 && o.paddings[k][1] === 0) k--;
  const inner = numElements(xs.slice(k + 1));
  const len = xs[k] * inner;
  const rows = numElements(xs.slice(0, k));
  const ystr = ys.map((_, d) => numElements(ys.slice(d + 1)));
  const dst = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let rem = r, at = y + o.paddings[k][0] * ystr[k];
    for (let d = k - 1; d >= 0; d--) {
      const i = rem % xs[d];
      rem = Math.floor(rem / xs[d]);
      at += (i + o.paddings[d][0]) * ystr[d];
    }
    dst[r] = at;
  }
  return (f) => {
    f.fill(0, y, y + n);
    if (len >= 16) {
      for (let r = 0; r < rows; r++) f.copyWithin(dst[r], x + r * len, x + (r + 1) * len);
      return;
    }
    for (let r = 0, s = x; r < rows; r++) {
      for (let i = 0, d = dst[r]; i < len; i++) f[d + i] = f[s++];
    }
  };
});

/**
 * PAD's float32 builder: {@linkcode padPixels} where it applies, else {@linkcode padFloat}.
 *
 * @example
 * ```ts ignore
 * export const pad = { ..., cpu: { float: padCpuFloat } };
 * ```
 */
export const padCpuFloat: CpuBuilder<unknown> = (ctx, node) =>
  padPixels(ctx, node) ?? padFloat(ctx, node);
