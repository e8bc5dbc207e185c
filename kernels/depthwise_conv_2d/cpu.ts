/**
 * DEPTHWISE_CONV_2D on the fast CPU backend: float32 and 8-bit builders.
 *
 * @module
 */
import type { CpuBuilder, CpuStep } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { quantizedActivationRange } from "../_shared/quant_math.ts";
import { DEPTHWISE, Q_DEPTHWISE } from "../_cpu/blocks.ts";
import { f32Of, gemmEpilogue, variant, wasmStep, writeBlock } from "../_cpu/build.ts";
import { floatWeighted } from "../_cpu/weighted.ts";
import { convWindow, indirection, zeros } from "../_cpu/gemm.ts";
import {
  accumulatorBound,
  ints,
  pointersOf,
  requantArrays,
  zeroPointOf,
} from "../_cpu/gemm_quant.ts";
import type { DepthwiseConv2DOptions } from "./mod.ts";

/**
 * DEPTHWISE_CONV_2D on float32: the `depthwise` kernel over an indirection buffer (a depth
 * multiplier above 1 first repeats each input channel).
 */
export const depthwiseFloat: CpuBuilder<DepthwiseConv2DOptions> = (ctx, node) => {
  const o = node.options;
  const f = floatWeighted(ctx, node);
  if (!f) return undefined;
  const { act, x, w, b, addrs: a } = f;
  const [, KH, KW, O] = w.shape;
  const C = x[3];
  if (x.length !== 4 || O % C !== 0) return undefined;
  const m = O / C;
  const steps: CpuStep[] = [];
  let src = a[0];
  if (m > 1) {
    // Expand the input so channel oc reads input channel floor(oc / m).
    const n = numElements(x) / C;
    src = ctx.alloc(n * O * 4);
    const from = a[0] >> 2, to = src >> 2;
    steps.push((rt) => {
      const f = rt.f32;
      for (let p = 0; p < n; p++) {
        for (let c = 0; c < C; c++) {
          f.fill(f[from + p * C + c], to + p * O + c * m, to + p * O + (c + 1) * m);
        }
      }
    });
  }
  const win = convWindow(x, KH, KW, o);
  const Cp = (O + 3) & ~3;
  const zero = zeros(ctx, Cp);
  const pointers = indirection({
    x: src,
    shape: x,
    kernel: [KH, KW],
    stride: [o.strideH, o.strideW],
    dilation: [o.dilationH, o.dilationW],
    pad: win.pad,
    out: win.out,
    zero,
    pixelBytes: O * 4,
  });
  const T = KH * KW;
  const wd = f32Of(w);
  const packed = new Float32Array(T * Cp);
  for (let t = 0; t < T; t++) packed.set(wd.subarray(t * O, (t + 1) * O), t * Cp);
  const bias = new Float32Array(Cp);
  if (b) bias.set(f32Of(b).subarray(0, O));
  const wA = ctx.alloc(packed.byteLength), bA = ctx.alloc(bias.byteLength);
  const ind = ctx.alloc(pointers.byteLength);
  ctx.put(wA, packed);
  ctx.put(bA, bias);
  ctx.put(ind, pointers);
  const M = pointers.length / T;
  const PC = Math.max(1, Math.ceil(M / (ctx.threads * 8)));
  // A leading residual ADD and PRELU, or a HARD_SWISH, of the epilogue go into the kernel.
  const ep = gemmEpilogue(ctx, node, O);
  let slopes = 0;
  if (ep.slopes) {
    const padded = new Float32Array(Cp);
    padded.set(ep.slopes);
    slopes = ctx.alloc(padded.byteLength);
    ctx.put(slopes, padded);
  }
  const p = writeBlock(ctx, DEPTHWISE, {
    indirection: ind,
    pixels: M,
    taps: T,
    channels: O,
    weights: wA,
    bias: bA,
    out: a[1],
    outStride: O * 4,
    min: act[0],
    max: act[1],
    pixelsPerTask: PC,
    residual: ep.residual?.addr ?? 0,
    residualMin: ep.residual?.act[0] ?? 0,
    residualMax: ep.residual?.act[1] ?? 0,
    slopes,
    hardSwish: ep.hardSwish ? 1 : 0,
  });
  steps.push(wasmStep(ctx, variant(ctx, "depthwise"), p, Math.ceil(M / PC)));
  return Object.assign(steps, { epilogueApplied: ep.applied });
};

/** DEPTHWISE_CONV_2D on 8-bit tensors (depth multiplier 1), with TFLite requantization. */
export const depthwiseCpuQuant: CpuBuilder<DepthwiseConv2DOptions> = (ctx, node) => {
  const o = node.options;
  const [xi, wi, bi] = node.inputs;
  const T = ctx.graph.tensors;
  const x = T[xi], w = T[wi], y = T[node.outputs[0]];
  const xa = ctx.addr(xi), ya = ctx.addr(node.outputs[0]);
  const bv = bi >= 0 ? T[bi].value : undefined;
  const range = quantizedActivationRange(o.activation, y.dtype, y.quantization!);
  if (!w.value || !w.quantization || xa === undefined || ya === undefined || !range) {
    return undefined;
  }
  const [, KH, KW, C] = w.shape;
  if (x.shape.length !== 4 || x.shape[3] !== C || (bi >= 0 && !bv)) return undefined;
  const Cp = (C + 15) & ~15;
  const zx = x.quantization!.zeroPoint[0];
  const zero = ctx.alloc(Cp + 16);
  const zeroRow = new Uint8Array(Cp + 16).fill(zx & 255);
  ctx.put(zero, new Int32Array(zeroRow.buffer));
  const [, H, W] = x.shape;
  const pointers = pointersOf(
    x.shape,
    [KH, KW],
    o,
    (n, iy, ix) => xa + ((n * H + iy) * W + ix) * C,
    zero,
  );
  // Taps go in pairs (an odd count gets a zero-weight tap reading the zero-point row), weights
  // as [pair][channel][2] to meet the kernel's interleaved inputs.
  const taps = KH * KW, taps2 = (taps + 1) & ~1;
  const wd = w.value.data;
  const packed = new Int16Array(taps2 * Cp);
  const sums = new Float64Array(C), absSums = new Float64Array(C);
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < C; c++) {
      const v = Number(wd[t * C + c]) - zeroPointOf(w.quantization, c);
      packed[((t >> 1) * Cp + c) * 2 + (t & 1)] = v;
      sums[c] += v;
      absSums[c] += Math.abs(v);
    }
  }
  const wA = ctx.alloc(packed.byteLength);
  ctx.put(wA, new Int32Array(packed.buffer));
  // The kernel multiplies raw 8-bit inputs: the input zero point moves into the bias.
  const folded = ints(bv, C, Cp);
  for (let c = 0; c < C; c++) folded[c] -= zx * sums[c];
  const bA = ctx.alloc(Cp * 4);
  ctx.put(bA, folded);
  const M = pointers.length / taps;
  const paired = new Int32Array(M * taps2).fill(zero);
  for (let m = 0; m < M; m++) paired.set(pointers.subarray(m * taps, (m + 1) * taps), m * taps2);
  const ind = ctx.alloc(paired.byteLength);
  ctx.put(ind, paired);
  const [mA, lA, rA, mode] = requantArrays(ctx, {
    op: node.op,
    dtype: x.dtype,
    sx: x.quantization!.scale[0],
    w: w.quantization,
    sy: y.quantization!.scale[0],
    n: C,
    pad: Cp,
    bound: accumulatorBound({ absWeightSums: absSums, bias: bv, n: C }, {
      dtype: x.dtype,
      zeroPoint: zx,
    }),
  });
  const PC = Math.max(1, Math.ceil(M / (ctx.threads * 8)));
  const p = writeBlock(ctx, Q_DEPTHWISE, {
    indirection: ind,
    pixels: M,
    taps: taps2,
    channels: C,
    weights: wA,
    bias: bA,
    out: ya,
    outStride: C,
    mult: mA,
    left: lA,
    right: rA,
    outZeroPoint: y.quantization!.zeroPoint[0],
    qmin: range[0],
    qmax: range[1],
    pixelsPerTask: PC,
    inZeroPoint: zx,
  });
  if (x.dtype !== y.dtype) return undefined;
  const name = `q_depthwise_${mode}_${x.dtype === "int8" ? "s" : "u"}`;
  return [wasmStep(ctx, name, p, Math.ceil(M / PC))];
};
