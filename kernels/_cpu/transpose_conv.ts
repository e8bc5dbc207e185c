/**
 * Float32 transposed convolution on the fast CPU backend, shared by TRANSPOSE_CONV and MediaPipe's
 * Convolution2DTransposeBias. Two kernels over the pool, no scatter:
 *
 * 1. a GEMM (`conv_gemm`, one tap per input pixel) multiplies every input pixel by every tap's
 *    weights: `Y[p][t][o] = Σ_i x[p][i] · w[o][t][i]` for the `T = KH·KW` taps;
 * 2. a gather (`depthwise` with unit weights) sums, per output pixel, the rows of `Y` that land on
 *    it (at most `⌈KH/sH⌉·⌈KW/sW⌉`, missing ones pointing at a zero row), adds the bias and
 *    clamps.
 *
 * @module
 */
import type { CpuBuildContext, CpuBuilder, CpuSteps, HostTensor } from "../../core/kernel.ts";
import type { TransposeGeometry } from "../_shared/transpose_conv.ts";
import { DEPTHWISE, NO_EPILOGUE } from "./blocks.ts";
import {
  ACT_RANGE,
  f32Of,
  floatAddrs,
  gemmEpilogue,
  variant,
  wasmStep,
  writeBlock,
} from "./build.ts";
import { gemm, zeros } from "./gemm.ts";

/** What {@linkcode transposeConvSteps} lowers. */
export interface TransposeConvArgs {
  /** Byte address of the NHWC input. */
  x: number;
  /** Input shape `[N, H, W, I]`. */
  shape: readonly number[];
  /** Weights `[O, KH, KW, I]` (float32). */
  weights: HostTensor;
  /** Bias `[O]`, if any. */
  bias?: HostTensor;
  /** Byte address of the output. */
  out: number;
  /** Output shape `[N, OH, OW, O]`. */
  outShape: readonly number[];
  /** Strides `[sH, sW]`. */
  stride: readonly [number, number];
  /** Output rows and columns cut before the first `[top, left]`. */
  pad: readonly [number, number];
  /** Clamp range of the result. */
  act: readonly [number, number];
  /** PRELU slopes per output channel after the clamp, applied where the kernels can. */
  slopes?: Float32Array;
}

/**
 * Per output pixel, the addresses of the `Y` rows (input pixel, tap) that land on it, `J` each,
 * padded with `zero`.
 *
 * @example
 * ```ts
 * import { gatherPointers } from "./transpose_conv.ts";
 * // 1x2 input, 1x2 kernel, stride 2: every output pixel has exactly one source.
 * const { pointers, J } = gatherPointers({
 *   shape: [1, 1, 2, 1], kernel: [1, 2], outShape: [1, 1, 4, 1], stride: [1, 2], pad: [0, 0],
 *   y: 1000, rowBytes: 4, zero: 0,
 * });
 * if (J !== 1 || pointers.join() !== "1000,1004,1008,1012") throw new Error("wrong");
 * ```
 *
 * @param g Geometry: input shape, kernel, output shape, strides, cut, `Y`'s address and bytes per
 *   `Y` row (`O` floats), the zero row.
 * @returns The pointers and how many per output pixel.
 */
export function gatherPointers(g: {
  shape: readonly number[];
  kernel: readonly [number, number];
  outShape: readonly number[];
  stride: readonly [number, number];
  pad: readonly [number, number];
  y: number;
  rowBytes: number;
  zero: number;
}): { pointers: Int32Array; J: number } {
  const [N, H, W] = g.shape;
  const [KH, KW] = g.kernel;
  const [, OH, OW] = g.outShape;
  const [sH, sW] = g.stride;
  const T = KH * KW;
  const J = Math.ceil(KH / sH) * Math.ceil(KW / sW);
  const pointers = new Int32Array(N * OH * OW * J).fill(g.zero);
  let q = 0;
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      const ry = oy + g.pad[0];
      for (let ox = 0; ox < OW; ox++, q++) {
        const rx = ox + g.pad[1];
        let j = 0;
        for (let ky = ry % sH; ky < KH; ky += sH) {
          const iy = (ry - ky) / sH;
          if (iy < 0 || iy >= H) continue;
          for (let kx = rx % sW; kx < KW; kx += sW) {
            const ix = (rx - kx) / sW;
            if (ix < 0 || ix >= W) continue;
            const p = (n * H + iy) * W + ix;
            pointers[q * J + j++] = g.y + (p * T + ky * KW + kx) * g.rowBytes;
          }
        }
      }
    }
  }
  return { pointers, J };
}

/**
 * The steps of a float32 transposed convolution: the tap GEMM into a private buffer, then the
 * gather with bias and clamp into the output.
 *
 * @example
 * ```ts ignore
 * const steps = transposeConvSteps(ctx, { x, shape, weights, bias, out, outShape, stride, pad, act });
 * ```
 *
 * @param ctx Build context.
 * @param a The convolution.
 * @returns Its steps.
 */
export function transposeConvSteps(ctx: CpuBuildContext, a: TransposeConvArgs): CpuSteps {
  const [N, H, W, I] = a.shape;
  const [O, KH, KW] = a.weights.shape;
  const T = KH * KW;
  const P = N * H * W;
  const wd = f32Of(a.weights);
  const [, OH, OW] = a.outShape;
  if (
    a.stride[0] === KH && a.stride[1] === KW && a.pad[0] === 0 && a.pad[1] === 0 &&
    OH === H * KH && OW === W * KW
  ) {
    return tiledSteps(ctx, a);
  }
  // Y rows of O floats, one per (input pixel, tap); its own allocation (a tap GEMM's output).
  const y = ctx.alloc(P * T * O * 4 + 64);
  const first = gemm(ctx, {
    pointers: Int32Array.from({ length: P }, (_, p) => a.x + p * I * 4),
    taps: 1,
    K: I,
    N: T * O,
    weight: (c, _t, k) => wd[((c % O) * T + Math.floor(c / O)) * I + k],
    out: y,
    act: [-Infinity, Infinity],
  });
  const Cp = (O + 3) & ~3;
  const zero = zeros(ctx, Cp);
  const { pointers, J } = gatherPointers({
    shape: a.shape,
    kernel: [KH, KW],
    outShape: a.outShape,
    stride: a.stride,
    pad: a.pad,
    y,
    rowBytes: O * 4,
    zero,
  });
  const ones = new Float32Array(J * Cp).fill(1);
  const bias = new Float32Array(Cp);
  if (a.bias) bias.set(f32Of(a.bias).subarray(0, O));
  const wA = ctx.alloc(ones.byteLength), bA = ctx.alloc(bias.byteLength);
  const ind = ctx.alloc(pointers.byteLength);
  ctx.put(wA, ones);
  ctx.put(bA, bias);
  ctx.put(ind, pointers);
  const M = pointers.length / J;
  const PC = Math.max(1, Math.ceil(M / (ctx.threads * 8)));
  const p = writeBlock(ctx, DEPTHWISE, {
    indirection: ind,
    pixels: M,
    taps: J,
    channels: O,
    weights: wA,
    bias: bA,
    out: a.out,
    outStride: O * 4,
    min: a.act[0],
    max: a.act[1],
    pixelsPerTask: PC,
    ...NO_EPILOGUE,
  });
  return [first, wasmStep(ctx, variant(ctx, "depthwise"), p, Math.ceil(M / PC))];
}

/**
 * Windows that tile the output (stride = kernel, nothing cut): every output pixel has exactly one
 * source, so each kernel row `ky` is one GEMM of the input pixels by that row's `KW·O` weights,
 * writing each pixel's run of `KW` output pixels through an output indirection, with bias, clamp
 * and PRELU in registers; no intermediate buffer, no gather.
 */
function tiledSteps(ctx: CpuBuildContext, a: TransposeConvArgs): CpuSteps {
  const [N, H, W, I] = a.shape;
  const [O, KH, KW] = a.weights.shape;
  const [, OH, OW] = a.outShape;
  const wd = f32Of(a.weights);
  const P = N * H * W;
  const tile = (v: Float32Array | undefined) =>
    v && Float32Array.from({ length: KW * O }, (_, c) => v[c % O]);
  const bias = tile(a.bias ? f32Of(a.bias) : undefined);
  const slopes = tile(a.slopes);
  const pointers = Int32Array.from({ length: P }, (_, p) => a.x + p * I * 4);
  const steps = Array.from({ length: KH }, (_, ky) => {
    const outPointers = new Int32Array(P);
    for (let n = 0, p = 0; n < N; n++) {
      for (let iy = 0; iy < H; iy++) {
        for (let ix = 0; ix < W; ix++, p++) {
          outPointers[p] = a.out + ((n * OH + iy * KH + ky) * OW + ix * KW) * O * 4;
        }
      }
    }
    return gemm(ctx, {
      pointers,
      taps: 1,
      K: I,
      N: KW * O,
      // Column c is output pixel kx = c / O, channel c % O of this kernel row.
      weight: (c, _t, k) => wd[(((c % O) * KH + ky) * KW + Math.floor(c / O)) * I + k],
      bias,
      out: 0,
      act: [a.act[0], a.act[1]],
      slopes,
      outPointers,
    });
  });
  return Object.assign(steps, { epilogueApplied: slopes ? 1 : 0 });
}

/**
 * Builder of a float32 transposed-convolution op whose input, weights and bias sit at the given
 * input positions, with the op's own geometry (strides, cut, activation).
 *
 * @example
 * ```ts ignore
 * export const transposeConv = { ..., cpu: { float: transposeBuilder([2, 1, 3], geometry) } };
 * ```
 *
 * @param at Input positions of the input, weights and bias.
 * @param geometry The op's geometry from its options, the weights' and the input's shapes.
 * @returns The builder.
 */
export function transposeBuilder<O>(
  at: readonly [number, number, number],
  geometry: (options: O, weights: number[], input: number[]) => TransposeGeometry,
): CpuBuilder<O> {
  return (ctx, node) => {
    const [xi, wi, bi] = at.map((k) => node.inputs[k] ?? -1);
    const g = ctx.graph;
    const w = g.tensors[wi]?.value;
    const b = bi >= 0 ? g.tensors[bi]?.value : undefined;
    const addrs = floatAddrs(ctx, [xi, node.outputs[0]]);
    if (!addrs || !w || w.dtype !== "float32" || (bi >= 0 && !b)) return undefined;
    const shape = g.tensors[xi].shape;
    const geo = geometry(node.options, w.shape, shape);
    const act = ACT_RANGE[geo.activation];
    if (!act || shape.length !== 4 || shape[3] !== w.shape[3]) return undefined;
    // A PRELU right after the convolution (not a residual ADD) can go into the kernels.
    const ep = gemmEpilogue(ctx, node, w.shape[0]);
    return transposeConvSteps(ctx, {
      x: addrs[0],
      shape,
      weights: w,
      bias: b,
      out: addrs[1],
      outShape: g.tensors[node.outputs[0]].shape,
      stride: [geo.strideH, geo.strideW],
      pad: [geo.padTop, geo.padLeft],
      act,
      slopes: ep.residual ? undefined : ep.slopes,
    });
  };
}
