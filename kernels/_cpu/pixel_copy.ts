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
  /** Byte address of the output's first value. */
  out: number;
  /** Bytes from one output pixel to the next (default `channels · 4`). */
  outStride?: number;
  /**
   * Epilogue in registers, as the `depthwise` kernel applies it: a residual ADD read at the same
   * place as the output in a tensor of the output's layout (`residual` is the address matching
   * `out`) with its clamp, then PRELU slopes (address of the slope of the first copied channel).
   */
  epilogue?: { residual?: number; act?: [number, number]; slopes?: number };
}

/**
 * The steps copying each output pixel's run of channels from its source address: `0 + x · 1` per
 * value (exact, but for the sign of zero), then the epilogue if any.
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
  const { pointers, channels: C, out, epilogue: ep = {} } = copy;
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
    outStride: copy.outStride ?? C * 4,
    min: -Infinity,
    max: Infinity,
    pixelsPerTask: PC,
    ...NO_EPILOGUE,
    residual: ep.residual ?? 0,
    residualMin: ep.act?.[0] ?? 0,
    residualMax: ep.act?.[1] ?? 0,
    slopes: ep.slopes ?? 0,
  });
  return [wasmStep(ctx, variant(ctx, "depthwise"), p, Math.ceil(M / PC))];
}
