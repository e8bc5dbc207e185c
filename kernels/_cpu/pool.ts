/**
 * The float32 2-D pooling builders of AVERAGE_POOL_2D, MAX_POOL_2D and MaxPoolingWithArgmax2D.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { poolGeometry, type PoolParams } from "../_shared/pool_window.ts";
import { ACT_RANGE, floatAddrs, loopBuilder, variant, wasmStep, writeBlock } from "./build.ts";
import { DEPTHWISE, NO_EPILOGUE, WINDOW_MAX } from "./blocks.ts";
import { indirection } from "./gemm.ts";
import { LOWEST_F32 } from "./kernels_gather.ts";

/**
 * Builder of a float32 AVERAGE_POOL_2D or MAX_POOL_2D node: per output pixel, the window's valid
 * input rows are folded into the output row (channels innermost, contiguous), then scaled (average)
 * and clamped by the fused activation. Max and average are separate loops, so that each stays
 * monomorphic for the JIT.
 *
 * @example
 * ```ts ignore
 * export const maxPool2d = { ..., cpu: { float: poolBuilder("max") } };
 * ```
 *
 * @param mode Average or maximum.
 * @returns The builder.
 */
export function poolBuilder(mode: "avg" | "max"): CpuBuilder<PoolParams> {
  return loopBuilder<PoolParams>((ctx, node, [x, y]) => {
    const p = node.options;
    const range = ACT_RANGE[p.activation];
    const shape = ctx.graph.tensors[node.inputs[0]].shape;
    if (!range || shape.length !== 4) return undefined;
    const geo = poolGeometry(node.op, shape, p);
    const [B, H, W, C] = geo.input;
    const [lo, hi] = range;
    const clamp = lo > -Infinity || hi < Infinity;
    const avg = mode === "avg";
    // Per output column: the first and last valid input column; per output row likewise.
    const span = (out: number, stride: number, pad: number, filter: number, size: number) => {
      const s = new Int32Array(out), e = new Int32Array(out);
      for (let v = 0; v < out; v++) {
        const v0 = v * stride - pad;
        s[v] = Math.max(v0, 0);
        e[v] = Math.min(v0 + filter, size);
      }
      return { s, e };
    };
    const sy = span(geo.y.out, p.strideH, geo.y.pad, p.filterH, H);
    const sx = span(geo.x.out, p.strideW, geo.x.pad, p.filterW, W);
    return (f) => {
      let o = y;
      for (let b = 0; b < B; b++) {
        for (let oy = 0; oy < geo.y.out; oy++) {
          const ys = sy.s[oy], ye = sy.e[oy];
          for (let ox = 0; ox < geo.x.out; ox++, o += C) {
            const xs = sx.s[ox], xe = sx.e[ox];
            const first = x + ((b * H + ys) * W + xs) * C;
            // The average starts from the first row; the maximum from the reference's identity.
            if (avg) f.copyWithin(o, first, first + C);
            else f.fill(LOWEST_F32, o, o + C);
            for (let iy = ys; iy < ye; iy++) {
              for (let ix = avg && iy === ys ? xs + 1 : xs; ix < xe; ix++) {
                const base = x + ((b * H + iy) * W + ix) * C;
                if (avg) { for (let c = 0; c < C; c++) f[o + c] += f[base + c]; }
                else {
                  for (let c = 0; c < C; c++) {
                    const v = f[base + c];
                    if (v > f[o + c]) f[o + c] = v;
                  }
                }
              }
            }
            if (avg) {
              const inv = 1 / ((ye - ys) * (xe - xs));
              for (let c = o; c < o + C; c++) f[c] *= inv;
            }
            if (clamp) { for (let c = o; c < o + C; c++) f[c] = Math.min(hi, Math.max(lo, f[c])); }
          }
        }
      }
    };
  });
}

/**
 * Builder of a float32 MAX_POOL_2D node, or of MaxPoolingWithArgmax2D (values and float32 window
 * indices): the `window_max` / `window_argmax` SIMD kernel over an indirection buffer whose padding
 * taps point at a row of float32's lowest value.
 *
 * @example
 * ```ts ignore
 * export const maxPool2d = { ..., cpu: { float: maxPoolBuilder(false) } };
 * ```
 *
 * @param argmax Whether the node also outputs window indices.
 * @returns The builder.
 */
export function maxPoolBuilder(argmax: boolean): CpuBuilder<PoolParams> {
  return (ctx, node) => {
    const p = node.options;
    const act = ACT_RANGE[p.activation];
    const a = floatAddrs(ctx, [node.inputs[0], ...node.outputs.slice(0, argmax ? 2 : 1)]);
    const shape = ctx.graph.tensors[node.inputs[0]].shape;
    if (!act || !a || shape.length !== 4) return undefined;
    const geo = poolGeometry(node.op, shape, p);
    const C = shape[3];
    const Cp = (C + 3) & ~3;
    const lowest = ctx.alloc(Cp * 4 + 16);
    ctx.put(lowest, new Float32Array(Cp + 4).fill(LOWEST_F32));
    const pointers = indirection({
      x: a[0],
      shape,
      kernel: [p.filterH, p.filterW],
      stride: [p.strideH, p.strideW],
      dilation: [1, 1],
      pad: [geo.y.pad, geo.x.pad],
      out: [geo.y.out, geo.x.out],
      zero: lowest,
      pixelBytes: C * 4,
    });
    const ind = ctx.alloc(pointers.byteLength);
    ctx.put(ind, pointers);
    const taps = p.filterH * p.filterW;
    const M = pointers.length / taps;
    const PC = Math.max(1, Math.ceil(M / (ctx.threads * 8)));
    const block = writeBlock(ctx, WINDOW_MAX, {
      indirection: ind,
      pixels: M,
      taps,
      channels: C,
      out: a[1],
      indices: argmax ? a[2] : 0,
      min: act[0],
      max: act[1],
      pixelsPerTask: PC,
    });
    return [wasmStep(ctx, argmax ? "window_argmax" : "window_max", block, Math.ceil(M / PC))];
  };
}

/**
 * Builder of a float32 AVERAGE_POOL_2D node: where every window lies inside the input (no padding
 * taken into the average, e.g. a global pool), the `depthwise` kernel with weights `1/taps` over an
 * indirection buffer; otherwise the loop of {@linkcode poolBuilder}.
 *
 * @example
 * ```ts ignore
 * export const averagePool2d = { ..., cpu: { float: averagePoolBuilder } };
 * ```
 */
export const averagePoolBuilder: CpuBuilder<PoolParams> = (ctx, node) => {
  const p = node.options;
  const act = ACT_RANGE[p.activation];
  const a = floatAddrs(ctx, [node.inputs[0], node.outputs[0]]);
  const shape = ctx.graph.tensors[node.inputs[0]].shape;
  if (!act || !a || shape.length !== 4) return undefined;
  const geo = poolGeometry(node.op, shape, p);
  const inside = (out: number, stride: number, pad: number, filter: number, size: number) =>
    pad === 0 && (out - 1) * stride + filter <= size;
  if (
    !inside(geo.y.out, p.strideH, geo.y.pad, p.filterH, shape[1]) ||
    !inside(geo.x.out, p.strideW, geo.x.pad, p.filterW, shape[2])
  ) {
    return poolBuilder("avg")(ctx, node);
  }
  const C = shape[3], Cp = (C + 3) & ~3;
  const taps = p.filterH * p.filterW;
  const pointers = indirection({
    x: a[0],
    shape,
    kernel: [p.filterH, p.filterW],
    stride: [p.strideH, p.strideW],
    dilation: [1, 1],
    pad: [0, 0],
    out: [geo.y.out, geo.x.out],
    zero: 0,
    pixelBytes: C * 4,
  });
  const weights = new Float32Array(taps * Cp).fill(1 / taps);
  const wA = ctx.alloc(weights.byteLength), bA = ctx.alloc(Cp * 4);
  const ind = ctx.alloc(pointers.byteLength);
  ctx.put(wA, weights);
  ctx.put(ind, pointers);
  const M = pointers.length / taps;
  const PC = Math.max(1, Math.ceil(M / (ctx.threads * 8)));
  const block = writeBlock(ctx, DEPTHWISE, {
    indirection: ind,
    pixels: M,
    taps,
    channels: C,
    weights: wA,
    bias: bA,
    out: a[1],
    outStride: C * 4,
    min: act[0],
    max: act[1],
    pixelsPerTask: PC,
    ...NO_EPILOGUE,
  });
  return [wasmStep(ctx, variant(ctx, "depthwise"), block, Math.ceil(M / PC))];
};
