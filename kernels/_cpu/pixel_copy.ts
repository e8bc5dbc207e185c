/**
 * Pixel gathers on float32 NHWC tensors: every output pixel is a copy of one contiguous run of
 * `channels` input values (RESIZE_NEAREST_NEIGHBOR, DEPTH_TO_SPACE). They run as the `depthwise`
 * kernel with one tap of unit weight over an indirection buffer of source addresses, over the pool.
 *
 * @module
 */
import type { CpuBuildContext, CpuStep } from "../../core/kernel.ts";
import { DEPTHWISE, NO_EPILOGUE } from "./blocks.ts";
import { variant, wasmStep, writeBlock } from "./build.ts";

/** What {@linkcode pixelCopy} copies. */
export interface PixelCopy {
  /** Per output pixel, in order, the byte address of its first source value. */
  pointers: Int32Array;
  /** Values per pixel. */
  channels: number;
  /** Byte address of the output (pixels contiguous, `channels` apart). */
  out: number;
}

/**
 * The steps copying each output pixel's run of channels from its source address: `0 + x · 1` per
 * value (exact, but for the sign of zero).
 *
 * @example
 * ```ts ignore
 * const steps = pixelCopy(ctx, { pointers, channels: C, out: addr[1] });
 * ```
 *
 * @param ctx Build context.
 * @param copy Source addresses, channels per pixel, output address.
 * @returns One step over the pool.
 */
export function pixelCopy(ctx: CpuBuildContext, copy: PixelCopy): CpuStep[] {
  const { pointers, channels: C, out } = copy;
  const Cp = (C + 3) & ~3;
  const wA = ctx.alloc(Cp * 4), bA = ctx.alloc(Cp * 4), ind = ctx.alloc(pointers.byteLength);
  ctx.put(wA, new Float32Array(Cp).fill(1));
  ctx.put(ind, pointers);
  const M = pointers.length;
  const PC = Math.max(1, Math.ceil(M / (ctx.threads * 8)));
  const p = writeBlock(ctx, DEPTHWISE, {
    indirection: ind,
    pixels: M,
    taps: 1,
    channels: C,
    weights: wA,
    bias: bA,
    out,
    outStride: C * 4,
    min: -Infinity,
    max: Infinity,
    pixelsPerTask: PC,
    ...NO_EPILOGUE,
  });
  return [wasmStep(ctx, variant(ctx, "depthwise"), p, Math.ceil(M / PC))];
}
