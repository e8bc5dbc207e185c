/**
 * The 8-bit convolution machinery shared by CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED:
 * per-channel requantization arrays, 2-D window indirection, and the quantized indirect GEMM
 * (`q_widen_*` then `q_conv_gemm_*`) with TFLite's fixed-point requantization.
 *
 * @module
 */
import type { CpuBuildContext, CpuNode, CpuStep, HostTensor } from "../../core/kernel.ts";
import type { Quantization } from "../../core/ir.ts";
import type { ConvOptions } from "../_shared/conv_common.ts";
import { convWindow } from "./gemm.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { Q_CONV_GEMM, Q_WIDEN } from "./blocks.ts";
import { wasmStep, writeBlock } from "./build.ts";
import {
  convRealMultiplier,
  quantizedActivationRange,
  quantizeMultiplier,
} from "../_shared/quant_math.ts";
import { boundedPerChannelConstants } from "./_requant_simd.ts";
import type { RequantMode } from "./kernels_quant.ts";

/** Integers of a host tensor (first `n`), zero-padded to `pad`. */
export function ints(t: HostTensor | undefined, n: number, pad: number): Int32Array {
  const out = new Int32Array(pad);
  if (t) { for (let i = 0; i < n; i++) out[i] = Number(t.data[i]); }
  return out;
}

/**
 * Per-channel requantization arrays, padded to `pad` (a multiple of 8), and the kernels' mode that
 * reads them. With no left shift, right shifts of at least 1, multipliers of `[2^30, 2^31)` and
 * accumulators bounded by `bound < 2^30`: multipliers as `2M`, left shifts (0) and either (`v`, one
 * right shift for every channel, what `requantBounded` takes) the right shifts, or (`b`, what
 * `requantBoundedPerChannel` takes) per group of 8 channels its 128 bytes of rounding terms and
 * powers of two. Otherwise (`pc`) the per-channel SIMD form of `requantPerChannel`: multipliers,
 * `2^left` per channel, and per group of 8 channels 256 bytes of right shift masks, rounding
 * thresholds, lane selectors of the bits of each shift beyond the group's smallest, that smallest
 * shift (byte 224) and the bits any lane has beyond it (byte 228).
 */
export function requantArrays(
  ctx: Pick<CpuBuildContext, "alloc" | "put">,
  g: {
    sx: number;
    w: Quantization;
    sy: number;
    n: number;
    pad: number;
    bound: number;
    /** Op and input dtype, which pick TFLite's multiplier rule (`convRealMultiplier`). */
    op?: string;
    dtype?: string;
  },
): [number, number, number, RequantMode] {
  const mult = new Int32Array(g.pad), left = new Int32Array(g.pad), right = new Int32Array(g.pad);
  for (let c = 0; c < g.n; c++) {
    const sw = g.w.scale.length > 1 ? g.w.scale[c] : g.w.scale[0];
    const q = quantizeMultiplier(convRealMultiplier({
      op: g.op ?? "CONV_2D",
      dtype: g.dtype ?? "int8",
      perChannel: g.w.scale.length > 1,
      sx: g.sx,
      sw,
      sy: g.sy,
    }));
    mult[c] = q.multiplier;
    left[c] = Math.max(q.shift, 0);
    right[c] = Math.max(-q.shift, 0);
  }
  const bounded = g.bound < 2 ** 30 && left.subarray(0, g.n).every((v) => v === 0) &&
    right.subarray(0, g.n).every((v) => v >= 1) &&
    mult.subarray(0, g.n).every((v) => v >= 2 ** 30);
  const mode: RequantMode = !bounded
    ? "pc"
    : right.subarray(0, g.n).every((v) => v === right[0])
    ? "v"
    : "b";
  let arrays = [mult.map((m) => 2 * m), left, right];
  if (mode === "b") {
    arrays = [arrays[0], left, boundedPerChannelConstants(right.subarray(0, g.n), g.pad)];
  } else if (mode === "pc") {
    const pow = new Int32Array(g.pad), groups = new Int32Array(g.pad * 8);
    for (let c = 0; c < g.pad; c++) {
      const r = right[c], base = (c >> 3) * 64, l = c & 7;
      // The group's smallest shift is applied to all lanes; lanes select shifts by 1, 2, 4, 8, 16
      // for the bits of what they have beyond it, and only bits some lane has are tried.
      const real = right.subarray(c & ~7, Math.min(g.n, (c & ~7) + 8));
      const rmin = real.length ? Math.min(...real) : 0;
      const d = c < g.n ? r - rmin : 0;
      pow[c] = 2 ** left[c] | 0;
      groups[base + l] = 2 ** r - 1 | 0;
      groups[base + 8 + l] = (2 ** r - 1 | 0) >> 1;
      for (let bit = 0; bit < 5; bit++) groups[base + 16 + 8 * bit + l] = (d >> bit) & 1 ? -1 : 0;
      groups[base + 56] = rmin;
      groups[base + 57] |= d;
    }
    arrays = [mult, pow, groups];
  }
  const [a, b, c] = arrays.map((arr) => {
    const at = ctx.alloc(arr.byteLength);
    ctx.put(at, arr);
    return at;
  });
  return [a, b, c, mode];
}

/**
 * A bound of a quantized convolution's int32 accumulators: the largest bias plus the largest sum over
 * a channel of `|w - zw|` times the largest `|x - zx|` the input's dtype allows.
 */
export function accumulatorBound(
  g: { absWeightSums: ArrayLike<number>; bias: HostTensor | undefined; n: number },
  x: { dtype: string; zeroPoint: number },
): number {
  const [lo, hi] = x.dtype === "int8" ? [-128, 127] : [0, 255];
  const dx = Math.max(Math.abs(lo - x.zeroPoint), Math.abs(hi - x.zeroPoint));
  let bound = 0;
  for (let c = 0; c < g.n; c++) {
    const b = g.bias ? Math.abs(Number(g.bias.data[c])) : 0;
    bound = Math.max(bound, b + dx * g.absWeightSums[c]);
  }
  return bound;
}

/** Zero point of channel `c` (per-tensor or per-channel quantization). */
export function zeroPointOf(q: Quantization, c: number): number {
  return q.zeroPoint.length > 1 ? q.zeroPoint[c] : (q.zeroPoint[0] ?? 0);
}

/** The quantized indirect GEMM shared by CONV_2D and FULLY_CONNECTED. */
export function gemmQ(
  ctx: CpuBuildContext,
  node: CpuNode<unknown>,
  g: {
    rows: number;
    K: number;
    N: number;
    taps: number;
    pointers: (rowAddr: (r: number) => number, zero: number) => Int32Array;
    weight: (oc: number, tap: number, k: number) => number;
    act: FusedActivation;
  },
): CpuStep[] | undefined {
  const [xi, wi, bi] = node.inputs;
  const T = ctx.graph.tensors;
  const x = T[xi], w = T[wi], y = T[node.outputs[0]];
  const wv = w.value, bv = bi >= 0 ? T[bi].value : undefined;
  const xa = ctx.addr(xi), ya = ctx.addr(node.outputs[0]);
  const range = quantizedActivationRange(g.act, y.dtype, y.quantization!);
  if (!wv || !w.quantization || (bi >= 0 && !bv) || xa === undefined || ya === undefined) {
    return undefined;
  }
  if (!range || (w.dtype !== "uint8" && w.dtype !== "int8")) return undefined;
  const { N } = g;
  const zx = x.quantization!.zeroPoint[0];
  const lhs = g.taps === 1 || g.K < 8
    ? gatheredRows(ctx, g, { xa, zx })
    : widenedRows(ctx, g, { xa, zx, signed: x.dtype === "int8" });
  const { K, K2, taps, pointers } = lhs;
  const M = pointers.length / taps;
  const NP = Math.ceil(N / 8);
  const packed = new Int16Array(NP * taps * K2 * 8);
  const absSums = new Float64Array(N);
  let i = 0;
  for (let j = 0; j < NP; j++) {
    for (let t = 0; t < taps; t++) {
      for (let kp = 0; kp < K2 / 2; kp++) {
        for (let l = 0; l < 8; l++) {
          const oc = j * 8 + l;
          for (let e = 0; e < 2; e++) {
            const k = 2 * kp + e;
            const v = oc < N && k < K ? lhs.weight(oc, t, k) - zeroPointOf(w.quantization, oc) : 0;
            packed[i++] = v;
            if (oc < N) absSums[oc] += Math.abs(v);
          }
        }
      }
    }
  }
  const wA = ctx.alloc(packed.byteLength);
  ctx.put(wA, new Int32Array(packed.buffer));
  const bA = ctx.alloc(NP * 32);
  ctx.put(bA, ints(bv, N, NP * 8));
  const ind = ctx.alloc(pointers.byteLength);
  ctx.put(ind, pointers);
  const [mA, lA, rA, mode] = requantArrays(ctx, {
    op: node.op,
    dtype: x.dtype,
    sx: x.quantization!.scale[0],
    w: w.quantization,
    sy: y.quantization!.scale[0],
    n: N,
    pad: NP * 8,
    bound: accumulatorBound({ absWeightSums: absSums, bias: bv, n: N }, {
      dtype: x.dtype,
      zeroPoint: zx,
    }),
  });
  const panelBytes = taps * K2 * 16;
  let NCP = Math.max(1, Math.min(NP, Math.floor((256 << 10) / panelBytes)));
  let MC = Math.max(4, Math.floor(32768 / (taps * K2)) & ~3);
  MC = Math.min(MC, (M + 3) & ~3);
  const tasks = () => Math.ceil(M / MC) * Math.ceil(NP / NCP);
  while (tasks() < ctx.threads * 4 && MC > 16) MC = Math.max(16, ((MC >> 1) + 3) & ~3);
  while (tasks() < ctx.threads * 2 && NCP > 1) NCP = Math.ceil(NCP / 2);
  const p = writeBlock(ctx, Q_CONV_GEMM, {
    indirection: ind,
    pixels: M,
    taps,
    depthPadded: K2,
    weights: wA,
    bias: bA,
    out: ya,
    channels: N,
    outStride: N,
    mult: mA,
    left: lA,
    right: rA,
    outZeroPoint: y.quantization!.zeroPoint[0],
    qmin: range[0],
    qmax: range[1],
    pixelsPerTask: MC,
    panelsPerTask: NCP,
    tasksM: Math.ceil(M / MC),
    panels: NP,
    prep: lhs.gather ? 1 : 0,
    prepSrc: lhs.gather?.addresses ?? 0,
    prepTaps: lhs.gather?.taps ?? 0,
    prepDepth: lhs.gather?.depth ?? 0,
    prepZeroPoint: zx,
    prepRows: lhs.gather?.rows ?? 0,
  });
  const gname = `q_conv_gemm_${mode}_${y.dtype === "int8" ? "s" : "u"}`;
  const gemm = wasmStep(ctx, gname, p, tasks());
  return lhs.step ? [lhs.step, gemm] : [gemm];
}

/**
 * The GEMM's left-hand side: int16 rows, their indirection, and either the step that writes them
 * or what each GEMM task gathers for its own pixels first (the block's `prep` fields).
 */
interface LhsRows {
  K: number;
  K2: number;
  taps: number;
  pointers: Int32Array;
  weight: (oc: number, tap: number, k: number) => number;
  step?: CpuStep;
  gather?: { addresses: number; taps: number; depth: number; rows: number };
}

type GemmShape = Parameters<typeof gemmQ>[2];

/**
 * Every input row widened to int16 once (`q_widen_*`, a step of its own); taps index those rows.
 * For windows of 8 channels or more, where gathering would copy each input row once per tap.
 */
function widenedRows(
  ctx: CpuBuildContext,
  g: GemmShape,
  x: { xa: number; zx: number; signed: boolean },
): LhsRows {
  const K2 = (g.K + 7) & ~7;
  const scratch = ctx.scratch(g.rows * K2 * 2);
  const zero = ctx.alloc(K2 * 2 + 64);
  const RT = Math.max(1, Math.ceil(g.rows / (ctx.threads * 4)));
  const widen = writeBlock(ctx, Q_WIDEN, {
    src: x.xa,
    dst: scratch,
    rows: g.rows,
    depth: g.K,
    depthPadded: K2,
    zeroPoint: x.zx,
    rowsPerTask: RT,
  });
  const name = x.signed ? "q_widen_s" : "q_widen_u";
  return {
    K: g.K,
    K2,
    taps: g.taps,
    pointers: g.pointers((r) => scratch + r * K2 * 2, zero),
    weight: g.weight,
    step: wasmStep(ctx, name, widen, Math.ceil(g.rows / RT)),
  };
}

/**
 * Every output pixel's int16 row gathered by the GEMM task that reads it (no step of its own, so
 * no wait between two steps), from the 8-bit addresses of its window's taps: for 1x1 windows the
 * pixel's `K` values; for windows of fewer than 8 channels all taps side by side, one tap of depth
 * `taps * K` padded once to a multiple of 8 instead of `taps` taps each padded (MobileNet's first
 * 3x3 convolution over RGB: 32 products per pixel and channel instead of 72). Padding taps read a
 * row of zero points.
 */
function gatheredRows(ctx: CpuBuildContext, g: GemmShape, x: { xa: number; zx: number }): LhsRows {
  const K = g.taps * g.K;
  const K2 = (Math.max(K, (g.taps - 1) * g.K + 8) + 7) & ~7;
  const zeroBytes = ((g.K + 7) & ~7) + 64;
  const zero = ctx.alloc(zeroBytes);
  ctx.put(zero, new Int32Array(new Uint8Array(zeroBytes).fill(x.zx & 255).buffer));
  const src = g.pointers((r) => x.xa + r * g.K, zero);
  const M = src.length / g.taps;
  const scratch = ctx.scratch(M * K2 * 2);
  const addresses = ctx.alloc(src.byteLength);
  ctx.put(addresses, src);
  return {
    K,
    K2,
    taps: 1,
    pointers: Int32Array.from({ length: M }, (_, m) => scratch + m * K2 * 2),
    weight: (oc, _t, k) => g.weight(oc, Math.floor(k / g.K), k % g.K),
    gather: { addresses, taps: g.taps, depth: g.K, rows: scratch },
  };
}

/** Indirection buffer of a 2-D window: per output pixel and tap, the address `pixel` gives. */
export function pointersOf(
  x: number[],
  k: [number, number],
  o: ConvOptions,
  pixel: (n: number, iy: number, ix: number) => number,
  zero: number,
): Int32Array {
  const [N, H, W] = x;
  const w = convWindow(x, k[0], k[1], o);
  const win = { oh: w.out[0], ow: w.out[1], py: w.pad[0], px: w.pad[1] };
  const ptr = new Int32Array(N * win.oh * win.ow * k[0] * k[1]);
  let i = 0;
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < win.oh; oy++) {
      for (let ox = 0; ox < win.ow; ox++) {
        for (let ky = 0; ky < k[0]; ky++) {
          const iy = oy * o.strideH - win.py + ky * o.dilationH;
          for (let kx = 0; kx < k[1]; kx++) {
            const ix = ox * o.strideW - win.px + kx * o.dilationW;
            ptr[i++] = iy < 0 || iy >= H || ix < 0 || ix >= W ? zero : pixel(n, iy, ix);
          }
        }
      }
    }
  }
  return ptr;
}
