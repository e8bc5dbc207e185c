/**
 * CONV_2D on the fast CPU backend: float32 and 8-bit builders.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { ACT_RANGE, f32Of, floatAddrs, gemmEpilogue } from "../_cpu/build.ts";
import { convWindow, gemm, indirection, zeros } from "../_cpu/gemm.ts";
import { gemmQ, pointersOf } from "../_cpu/gemm_quant.ts";
import type { Conv2DOptions } from "./mod.ts";

/** CONV_2D on float32: the indirect GEMM over a window's indirection buffer. */
export const conv2dFloat: CpuBuilder<Conv2DOptions> = (ctx, node) => {
  const o = node.options;
  const act = ACT_RANGE[o.activation];
  const [xi, wi, bi] = node.inputs;
  const g = ctx.graph;
  const w = g.tensors[wi]?.value;
  const b = bi >= 0 ? g.tensors[bi]?.value : undefined;
  const a = floatAddrs(ctx, [xi, node.outputs[0]]);
  if (!act || !a || !w || w.dtype !== "float32" || (bi >= 0 && !b)) return undefined;
  const x = g.tensors[xi].shape;
  const [O, KH, KW, I] = w.shape;
  if (x.length !== 4 || x[3] !== I) return undefined;
  const win = convWindow(x, KH, KW, o);
  const zero = zeros(ctx, I);
  const pointers = indirection({
    x: a[0],
    shape: x,
    kernel: [KH, KW],
    stride: [o.strideH, o.strideW],
    dilation: [o.dilationH, o.dilationW],
    pad: win.pad,
    out: win.out,
    zero,
    pixelBytes: I * 4,
  });
  const wd = f32Of(w);
  // A residual ADD and a PRELU, or a HARD_SWISH, right after the convolution are applied in the
  // GEMM's registers.
  const ep = gemmEpilogue(ctx, node, O);
  const step = gemm(ctx, {
    pointers,
    taps: KH * KW,
    K: I,
    N: O,
    weight: (oc, t, k) => wd[(oc * KH * KW + t) * I + k],
    bias: b ? f32Of(b) : undefined,
    out: a[1],
    act,
    slopes: ep.slopes,
    residual: ep.residual,
    hardSwish: ep.hardSwish,
  });
  return Object.assign([step], { epilogueApplied: ep.applied });
};

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
