/**
 * CONV_2D on the fast CPU backend: float32 and 8-bit builders.
 *
 * @module
 */
import type { CpuBuildContext, CpuBuilder, CpuStep, HostTensor } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { f32Of, gemmEpilogue, variant, wasmStep, writeBlock } from "../_cpu/build.ts";
import { floatWeighted } from "../_cpu/weighted.ts";
import { CONV_DOT } from "../_cpu/blocks.ts";
import { convWindow, gemm, indirection, zeros } from "../_cpu/gemm.ts";
import { gemmQ, pointersOf } from "../_cpu/gemm_quant.ts";
import type { Conv2DOptions } from "./mod.ts";

/** CONV_2D on float32: the indirect GEMM over a window's indirection buffer. */
export const conv2dFloat: CpuBuilder<Conv2DOptions> = (ctx, node) => {
  const o = node.options;
  const f = floatWeighted(ctx, node);
  if (!f) return undefined;
  const { act, x, w, b, addrs: a } = f;
  const [O, KH, KW, I] = w.shape;
  if (x.length !== 4 || x[3] !== I) return undefined;
  const win = convWindow(x, KH, KW, o);
  const wd = f32Of(w);
  // A residual ADD and a PRELU, or a HARD_SWISH, right after the convolution are applied in the
  // GEMM's registers.
  const ep = gemmEpilogue(ctx, node, O);
  const conv = (pointers: Int32Array, rows: boolean, outPointers?: Int32Array) => {
    // Weights [O][KH][KW][I] are [O][KH·KW taps][I], or [O][KH rows][KW·I] for row windows.
    const [T, K] = rows ? [KH, KW * I] : [KH * KW, I];
    return gemm(ctx, {
      pointers,
      taps: T,
      K,
      N: O,
      weight: (oc, t, k) => wd[(oc * T + t) * K + k],
      bias: b ? f32Of(b) : undefined,
      out: a[1],
      outPointers,
      act,
      slopes: ep.slopes,
      residual: ep.residual,
      hardSwish: ep.hardSwish,
    });
  };
  const taps = (pixels?: Int32Array) =>
    indirection({
      x: a[0],
      shape: x,
      kernel: [KH, KW],
      stride: [o.strideH, o.strideW],
      dilation: [o.dilationH, o.dilationW],
      pad: win.pad,
      out: win.out,
      zero: zeros(ctx, I),
      pixelBytes: I * 4,
      pixels,
    });
  // Few input channels (at most 16; the first layer has 3): a kernel row is one run of KW·I floats.
  const rows = I <= 16 && KW > 1 && o.dilationW === 1 && !ep.residual
    ? rowWindows(ctx, { x: a[0], shape: x, KH, KW, o, win })
    : undefined;
  let steps: CpuStep[];
  if (O === 1 && I % 4 === 0 && ep.applied === 0) {
    // One output channel: a dot product along the depth instead of a panel of idle lanes.
    steps = [
      convDot(ctx, { pointers: taps(), taps: KH * KW, K: I, weights: wd, bias: b, out: a[1], act }),
    ];
  } else if (!rows) steps = [conv(taps(), false)];
  else if (rows.edge.length === 0) steps = [conv(rows.pointers, true)];
  else {
    // Pixels whose window crosses the left or right edge keep one tap per pixel.
    const outs = (ps: Int32Array) => ps.map((q) => a[1] + q * O * 4);
    steps = [
      conv(rows.pointers, true, outs(rows.inner)),
      conv(taps(rows.edge), false, outs(rows.edge)),
    ];
  }
  return Object.assign(steps, { epilogueApplied: ep.applied });
};

/** The `conv_dot` step of a convolution with one output channel (weights `[taps][K]`). */
function convDot(
  ctx: CpuBuildContext,
  c: {
    pointers: Int32Array;
    taps: number;
    K: number;
    weights: Float32Array;
    bias?: HostTensor;
    out: number;
    act: [number, number];
  },
): CpuStep {
  const M = c.pointers.length / c.taps;
  const wA = ctx.alloc(c.weights.byteLength), ind = ctx.alloc(c.pointers.byteLength);
  ctx.put(wA, c.weights.subarray(0, c.taps * c.K));
  ctx.put(ind, c.pointers);
  const PC = Math.max(4, Math.ceil(M / (ctx.threads * 8) / 4) * 4);
  const p = writeBlock(ctx, CONV_DOT, {
    indirection: ind,
    pixels: M,
    taps: c.taps,
    depth: c.K,
    weights: wA,
    bias: c.bias ? f32Of(c.bias)[0] : 0,
    out: c.out,
    min: c.act[0],
    max: c.act[1],
    pixelsPerTask: PC,
  });
  return wasmStep(ctx, variant(ctx, "conv_dot"), p, Math.ceil(M / PC));
}

/**
 * Row windows of a convolution with few input channels (at most 16): each tap of the GEMM is a whole kernel
 * row, `KW · I` consecutive floats of one input row, so the GEMM runs `KH` taps of depth `KW · I`
 * instead of `KH · KW` taps of depth `I`; rows above or below the input point at a zero row. Only
 * output pixels whose windows lie inside the input horizontally (`inner`, output pixel indices) are
 * listed; the others (`edge`) are left to the per-tap GEMM.
 */
function rowWindows(
  ctx: CpuBuildContext,
  c: {
    x: number;
    shape: number[];
    KH: number;
    KW: number;
    o: Conv2DOptions;
    win: { out: [number, number]; pad: [number, number] };
  },
): { pointers: Int32Array; inner: Int32Array; edge: Int32Array } {
  const [B, H, W, I] = c.shape;
  const [OH, OW] = c.win.out;
  const [padT, padL] = c.win.pad;
  const { strideH: sH, strideW: sW, dilationH: dH } = c.o;
  const zero = zeros(ctx, c.KW * I);
  const pointers: number[] = [], inner: number[] = [], edge: number[] = [];
  for (let b = 0, q = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++, q++) {
        const ix = ox * sW - padL;
        if (ix < 0 || ix + c.KW > W) {
          edge.push(q);
          continue;
        }
        inner.push(q);
        for (let ky = 0; ky < c.KH; ky++) {
          const iy = oy * sH - padT + ky * dH;
          pointers.push(iy < 0 || iy >= H ? zero : c.x + ((b * H + iy) * W + ix) * I * 4);
        }
      }
    }
  }
  return {
    pointers: Int32Array.from(pointers),
    inner: Int32Array.from(inner),
    edge: Int32Array.from(edge),
  };
}

/** CONV_2D on 8-bit tensors: the quantized indirect GEMM with TFLite requantization. */
export const conv2dCpuQuant: CpuBuilder<Conv2DOptions> = (ctx, node) => {
  const o = node.options;
  const x = ctx.graph.tensors[node.inputs[0]].shape;
  const w = ctx.graph.tensors[node.inputs[1]];
  if (!w.value || x.length !== 4) return undefined;
  const [O, KH, KW, I] = w.shape;
  if (x[3] !== I) return undefined;
  const wd = w.value.data;
  return gemmQ(ctx, node, {
    rows: numElements(x) / I,
    K: I,
    N: O,
    taps: KH * KW,
    pointers: (row, zero) =>
      pointersOf(x, [KH, KW], o, (n, iy, ix) => row((n * x[1] + iy) * x[2] + ix), zero),
    weight: (oc, t, k) => Number(wd[(oc * KH * KW + t) * I + k]),
    act: o.activation,
  });
};
