/**
 * The float32 convolution machinery shared by CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED:
 * indirection buffers over a 2-D window and the packed indirect GEMM (`conv_gemm`).
 *
 * @module
 */
import type { CpuBuildContext, CpuStep } from "../../core/kernel.ts";
import { convAxes, type ConvOptions } from "../_shared/conv_common.ts";
import { CONV_GEMM } from "./blocks.ts";
import { variant, wasmStep, writeBlock } from "./build.ts";
import { GEMM_ROWS } from "./kernels_float.ts";

/**
 * The GEMM-like convolution shared by CONV_2D and FULLY_CONNECTED: `rows` output pixels, each the
 * dot of `taps` input rows of `K` floats (addresses from `pointers`) with packed weights.
 */
export function gemm(
  ctx: CpuBuildContext,
  g: {
    pointers: Int32Array;
    taps: number;
    K: number;
    N: number;
    weight: (oc: number, tap: number, k: number) => number;
    bias?: Float32Array;
    out: number;
    act: [number, number];
    /** PRELU slopes per output channel, applied last. */
    slopes?: Float32Array;
    /** A tensor of the output's shape added after the clamp, with its own clamp range. */
    residual?: { addr: number; act: [number, number] };
    /** Per output pixel, the address of its first channel (instead of `out + pixel · N · 4`). */
    outPointers?: Int32Array;
    /** HARD_SWISH after the clamp (not with `residual` or `slopes`). */
    hardSwish?: boolean;
  },
): CpuStep {
  const { taps: T, K, N } = g;
  const M = g.pointers.length / T;
  // Panels of 8 channels, or of 4 for at most 4 (conv_gemm_n4: half the wasted lanes).
  const NR = N <= 4 ? 4 : 8;
  const NP = Math.ceil(N / NR);
  const packed = new Float32Array(NP * T * K * NR);
  let i = 0;
  for (let j = 0; j < NP; j++) {
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < K; k++) {
        for (let l = 0; l < NR; l++) {
          const oc = j * NR + l;
          packed[i++] = oc < N ? g.weight(oc, t, k) : 0;
        }
      }
    }
  }
  const bias = new Float32Array(NP * NR);
  if (g.bias) bias.set(g.bias.subarray(0, N));
  const wAddr = ctx.alloc(packed.byteLength);
  ctx.put(wAddr, packed);
  const bAddr = ctx.alloc(bias.byteLength);
  ctx.put(bAddr, bias);
  const ind = ctx.alloc(g.pointers.byteLength);
  ctx.put(ind, g.pointers);
  let outIndirection = 0;
  if (g.outPointers) {
    outIndirection = ctx.alloc(g.outPointers.byteLength);
    ctx.put(outIndirection, g.outPointers);
  }
  let slopes = 0;
  if (g.slopes) {
    const padded = new Float32Array(NP * NR);
    padded.set(g.slopes.subarray(0, N));
    slopes = ctx.alloc(padded.byteLength);
    ctx.put(slopes, padded);
  }
  // Blocking: weights of a task's panels within ~256 KiB, its input rows within ~64 KiB.
  const panelBytes = T * K * NR * 4;
  let NCP = Math.max(1, Math.min(NP, Math.floor((256 << 10) / panelBytes)));
  // Pixel blocks are whole register tiles (GEMM_ROWS pixels).
  const R = GEMM_ROWS;
  const tiles = (n: number) => Math.ceil(n / R) * R;
  let MC = Math.max(R, Math.round(16384 / (T * K) / R) * R);
  MC = Math.min(MC, tiles(M));
  const tasks = () => Math.ceil(M / MC) * Math.ceil(NP / NCP);
  const want = ctx.threads * 4;
  while (tasks() < want && MC > 4 * R) MC = Math.max(4 * R, tiles(MC >> 1));
  while (tasks() < ctx.threads * 2 && NCP > 1) NCP = Math.ceil(NCP / 2);
  const TM = Math.ceil(M / MC);
  const p = writeBlock(ctx, CONV_GEMM, {
    indirection: ind,
    pixels: M,
    taps: T,
    depth: K,
    weights: wAddr,
    bias: bAddr,
    out: g.out,
    channels: N,
    outStride: N * 4,
    min: g.act[0],
    max: g.act[1],
    pixelsPerTask: MC,
    panelsPerTask: NCP,
    tasksM: TM,
    panels: NP,
    slopes,
    residual: g.residual?.addr ?? 0,
    residualMin: g.residual?.act[0] ?? 0,
    residualMax: g.residual?.act[1] ?? 0,
    outIndirection,
    hardSwish: g.hardSwish ? 1 : 0,
  });
  return wasmStep(ctx, variant(ctx, NR === 4 ? "conv_gemm_n4" : "conv_gemm"), p, tasks());
}

/** Allocates a zeroed row of `floats` floats (the padding taps of a window point at it). */
export function zeros(ctx: CpuBuildContext, floats: number): number {
  return ctx.alloc(floats * 4 + 64);
}

/**
 * Indirection buffer of a 2-D window: per output pixel (every one, or those of `pixels`, indices
 * `(n · OH + oy) · OW + ox` in order), per tap, the input pixel's address.
 */
export function indirection(
  g: {
    x: number;
    shape: number[];
    kernel: [number, number];
    stride: [number, number];
    dilation: [number, number];
    pad: [number, number];
    out: [number, number];
    zero: number;
    pixelBytes: number;
    pixels?: Int32Array;
  },
): Int32Array {
  const [N, H, W] = g.shape;
  const [KH, KW] = g.kernel;
  const [OH, OW] = g.out;
  const all = Int32Array.from({ length: g.pixels ? 0 : N * OH * OW }, (_, q) => q);
  const pixels = g.pixels ?? all;
  const ptr = new Int32Array(pixels.length * KH * KW);
  let i = 0;
  for (const q of pixels) {
    const n = Math.floor(q / (OH * OW)), oy = Math.floor(q / OW) % OH, ox = q % OW;
    for (let ky = 0; ky < KH; ky++) {
      const iy = oy * g.stride[0] - g.pad[0] + ky * g.dilation[0];
      for (let kx = 0; kx < KW; kx++) {
        const ix = ox * g.stride[1] - g.pad[1] + kx * g.dilation[1];
        ptr[i++] = iy < 0 || iy >= H || ix < 0 || ix >= W
          ? g.zero
          : g.x + ((n * H + iy) * W + ix) * g.pixelBytes;
      }
    }
  }
  return ptr;
}

/** Output size and leading padding of a convolution window over an NHWC input. */
export function convWindow(x: number[], kh: number, kw: number, o: ConvOptions) {
  const { oh: ay, ow: ax } = convAxes(o, [x[1], x[2]], [kh, kw]);
  return {
    out: [ay.out, ax.out] as [number, number],
    pad: [ay.before, ax.before] as [number, number],
  };
}
