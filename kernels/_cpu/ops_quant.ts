/**
 * Builders of the 8-bit quantized nodes (uint8 asymmetric per tensor, int8 with per-channel
 * weights): CONV_2D, FULLY_CONNECTED and DEPTHWISE_CONV_2D on WebAssembly SIMD integer kernels with
 * TFLite's fixed-point requantization; ADD, AVERAGE_POOL_2D and RESHAPE-like copies as integer
 * loops over the arena.
 *
 * @module
 */
import type { ExecNode } from "../../core/exec_graph.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { numElements, type Quantization } from "../../core/ir.ts";
import { convAxis, type ConvOptions } from "../_shared/conv_common.ts";
import { poolGeometry, type PoolParams } from "../_shared/pool_window.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import type { BuildContext, OpBuilder, Step } from "./ops.ts";
import { quantAddParams, quantizedActivationRange, quantizeMultiplier } from "./quant.ts";

/**
 * Whether a tensor of the context's graph is an 8-bit quantized tensor.
 *
 * @example
 * ```ts ignore
 * const table = is8bit(ctx, node.inputs[0]) ? QUANT_OPS : FAST_OPS;
 * ```
 *
 * @param ctx Build context.
 * @param t Tensor index (`-1` for none).
 * @returns `true` for uint8/int8 tensors with quantization parameters.
 */
export function is8bit(ctx: BuildContext, t: number): boolean {
  const s = t >= 0 ? ctx.graph.tensors[t] : undefined;
  return Boolean(s && (s.dtype === "uint8" || s.dtype === "int8") && s.quantization);
}

function params(ctx: BuildContext, words: number[]): number {
  const a = ctx.alloc(words.length * 4);
  ctx.put(a, Int32Array.from(words));
  return a;
}

function step(ctx: BuildContext, name: string, p: number, tasks: number): Step {
  const fn = ctx.kernel(name);
  return (rt) => rt.pool.run(fn, p, tasks);
}

function ints(t: HostTensor | undefined, n: number, pad: number): Int32Array {
  const out = new Int32Array(pad);
  if (t) { for (let i = 0; i < n; i++) out[i] = Number(t.data[i]); }
  return out;
}

/**
 * Per-channel requantization arrays, padded to `pad` (a multiple of 8): multipliers, then either
 * (shifts shared by every channel) left and right shifts, or (`uniform` false) the per-channel SIMD
 * form of `kernels.ts`: `2^left` per channel, and per group of 8 channels 256 bytes of right
 * shift masks, rounding thresholds and shift-bit lane selectors.
 */
export function requantArrays(
  ctx: Pick<BuildContext, "alloc" | "put">,
  g: { sx: number; w: Quantization; sy: number; n: number; pad: number },
): [number, number, number, boolean] {
  const mult = new Int32Array(g.pad), left = new Int32Array(g.pad), right = new Int32Array(g.pad);
  for (let c = 0; c < g.n; c++) {
    const sw = g.w.scale.length > 1 ? g.w.scale[c] : g.w.scale[0];
    const q = quantizeMultiplier((g.sx * sw) / g.sy);
    mult[c] = q.multiplier;
    left[c] = Math.max(q.shift, 0);
    right[c] = Math.max(-q.shift, 0);
  }
  const uniform = left.subarray(0, g.n).every((v) => v === left[0]) &&
    right.subarray(0, g.n).every((v) => v === right[0]);
  let arrays = [mult, left, right];
  if (!uniform) {
    const pow = new Int32Array(g.pad), groups = new Int32Array(g.pad * 8);
    for (let c = 0; c < g.pad; c++) {
      const r = right[c], base = (c >> 3) * 64, l = c & 7;
      pow[c] = 2 ** left[c] | 0;
      groups[base + l] = 2 ** r - 1 | 0;
      groups[base + 8 + l] = (2 ** r - 1 | 0) >> 1;
      for (let bit = 0; bit < 5; bit++) groups[base + 16 + 8 * bit + l] = (r >> bit) & 1 ? -1 : 0;
    }
    arrays = [mult, pow, groups];
  }
  const [a, b, c] = arrays.map((arr) => {
    const at = ctx.alloc(arr.byteLength);
    ctx.put(at, arr);
    return at;
  });
  return [a, b, c, uniform];
}

function zeroPointOf(q: Quantization, c: number): number {
  return q.zeroPoint.length > 1 ? q.zeroPoint[c] : (q.zeroPoint[0] ?? 0);
}

/** The quantized indirect GEMM shared by CONV_2D and FULLY_CONNECTED. */
function gemmQ(
  ctx: BuildContext,
  node: ExecNode,
  g: {
    rows: number;
    K: number;
    N: number;
    taps: number;
    pointers: (rowAddr: (r: number) => number, zero: number) => Int32Array;
    weight: (oc: number, tap: number, k: number) => number;
    act: FusedActivation;
  },
): Step[] | undefined {
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
  const { K, N, taps } = g;
  const K2 = (K + 7) & ~7;
  const scratch = ctx.scratch(g.rows * K2 * 2);
  const zero = ctx.alloc(K2 * 2 + 64);
  const zx = x.quantization!.zeroPoint[0];
  const RT = Math.max(1, Math.ceil(g.rows / (ctx.threads * 4)));
  const widen = params(ctx, [xa, scratch, g.rows, K, K2, zx, RT]);
  const pointers = g.pointers((r) => scratch + r * K2 * 2, zero);
  const M = pointers.length / taps;
  const NP = Math.ceil(N / 8);
  const packed = new Int16Array(NP * taps * K2 * 8);
  let i = 0;
  for (let j = 0; j < NP; j++) {
    for (let t = 0; t < taps; t++) {
      for (let kp = 0; kp < K2 / 2; kp++) {
        for (let l = 0; l < 8; l++) {
          const oc = j * 8 + l;
          for (let e = 0; e < 2; e++) {
            const k = 2 * kp + e;
            packed[i++] = oc < N && k < K
              ? g.weight(oc, t, k) - zeroPointOf(w.quantization, oc)
              : 0;
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
  const [mA, lA, rA, uniform] = requantArrays(ctx, {
    sx: x.quantization!.scale[0],
    w: w.quantization,
    sy: y.quantization!.scale[0],
    n: N,
    pad: NP * 8,
  });
  const panelBytes = taps * K2 * 16;
  let NCP = Math.max(1, Math.min(NP, Math.floor((256 << 10) / panelBytes)));
  let MC = Math.max(4, Math.floor(32768 / (taps * K2)) & ~3);
  MC = Math.min(MC, (M + 3) & ~3);
  const tasks = () => Math.ceil(M / MC) * Math.ceil(NP / NCP);
  while (tasks() < ctx.threads * 4 && MC > 16) MC = Math.max(16, ((MC >> 1) + 3) & ~3);
  while (tasks() < ctx.threads * 2 && NCP > 1) NCP = Math.ceil(NCP / 2);
  const p = params(ctx, [
    ind,
    M,
    taps,
    K2,
    wA,
    bA,
    ya,
    N,
    N,
    mA,
    lA,
    rA,
    y.quantization!.zeroPoint[0],
    range[0],
    range[1],
    MC,
    NCP,
    Math.ceil(M / MC),
    NP,
  ]);
  const wname = x.dtype === "int8" ? "q_widen_s" : "q_widen_u";
  const gname = `q_conv_gemm_${uniform ? "v" : "pc"}_${y.dtype === "int8" ? "s" : "u"}`;
  return [step(ctx, wname, widen, Math.ceil(g.rows / RT)), step(ctx, gname, p, tasks())];
}

function window(x: number[], kh: number, kw: number, o: ConvOptions) {
  const ay = convAxis({
    padding: o.padding,
    size: x[1],
    kernel: kh,
    stride: o.strideH,
    dilation: o.dilationH,
  });
  const ax = convAxis({
    padding: o.padding,
    size: x[2],
    kernel: kw,
    stride: o.strideW,
    dilation: o.dilationW,
  });
  return { oh: ay.out, ow: ax.out, py: ay.before, px: ax.before };
}

function pointersOf(
  x: number[],
  k: [number, number],
  o: ConvOptions,
  pixel: (n: number, iy: number, ix: number) => number,
  zero: number,
): Int32Array {
  const [N, H, W] = x;
  const win = window(x, k[0], k[1], o);
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

const convQ: OpBuilder = (ctx, node) => {
  const o = node.options as ConvOptions;
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

const fullyConnectedQ: OpBuilder = (ctx, node) => {
  const o = node.options as { activation: FusedActivation };
  const w = ctx.graph.tensors[node.inputs[1]];
  if (!w.value) return undefined;
  const [O, I] = w.shape;
  const rows = numElements(ctx.graph.tensors[node.inputs[0]].shape) / I;
  const wd = w.value.data;
  return gemmQ(ctx, node, {
    rows,
    K: I,
    N: O,
    taps: 1,
    pointers: (row) => new Int32Array(rows).map((_, r) => row(r)),
    weight: (oc, _t, k) => Number(wd[oc * I + k]),
    act: o.activation,
  });
};

const depthwiseQ: OpBuilder = (ctx, node) => {
  const o = node.options as ConvOptions;
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
  const Cp = (C + 7) & ~7;
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
  const taps = KH * KW;
  const wd = w.value.data;
  const packed = new Int16Array(taps * Cp);
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < C; c++) {
      packed[t * Cp + c] = Number(wd[t * C + c]) - zeroPointOf(w.quantization, c);
    }
  }
  const wA = ctx.alloc(packed.byteLength);
  ctx.put(wA, new Int32Array(packed.buffer));
  const bA = ctx.alloc(Cp * 4);
  ctx.put(bA, ints(bv, C, Cp));
  const ind = ctx.alloc(pointers.byteLength);
  ctx.put(ind, pointers);
  const [mA, lA, rA, uniform] = requantArrays(ctx, {
    sx: x.quantization!.scale[0],
    w: w.quantization,
    sy: y.quantization!.scale[0],
    n: C,
    pad: Cp,
  });
  const M = pointers.length / taps;
  const PC = Math.max(1, Math.ceil(M / (ctx.threads * 8)));
  const p = params(ctx, [
    ind,
    M,
    taps,
    C,
    wA,
    bA,
    ya,
    C,
    mA,
    lA,
    rA,
    y.quantization!.zeroPoint[0],
    range[0],
    range[1],
    PC,
    zx,
  ]);
  if (x.dtype !== y.dtype) return undefined;
  const name = `q_depthwise_${uniform ? "v" : "pc"}_${x.dtype === "int8" ? "s" : "u"}`;
  return [step(ctx, name, p, Math.ceil(M / PC))];
};

/** Typed view of an 8-bit tensor's bytes. */
function view(u8: Uint8Array, dtype: string, addr: number, n: number): Uint8Array | Int8Array {
  return dtype === "int8" ? new Int8Array(u8.buffer, addr, n) : u8.subarray(addr, addr + n);
}

const addQ: OpBuilder = (ctx, node) => {
  const [ai, bi] = node.inputs;
  const T = ctx.graph.tensors;
  const y = T[node.outputs[0]];
  const act = (node.options as { activation: FusedActivation }).activation;
  const range = quantizedActivationRange(act, y.dtype, y.quantization!);
  const n = numElements(y.shape);
  const aa = ctx.addr(ai), ba = ctx.addr(bi), ya = ctx.addr(node.outputs[0]);
  if (!range || aa === undefined || ba === undefined || ya === undefined) return undefined;
  if (numElements(T[ai].shape) !== n || numElements(T[bi].shape) !== n) return undefined;
  if (T[ai].dtype !== y.dtype || T[bi].dtype !== y.dtype) return undefined;
  const q = quantAddParams([T[ai].quantization!, T[bi].quantization!, y.quantization!], range);
  const sh = (m: { shift: number }) => [Math.max(m.shift, 0), Math.max(-m.shift, 0)];
  const ET = Math.max(1024, Math.ceil(n / (ctx.threads * 4) / 8) * 8);
  const p = params(ctx, [
    aa,
    ba,
    ya,
    n,
    ...q.z,
    q.m[0].multiplier,
    ...sh(q.m[0]),
    q.m[1].multiplier,
    ...sh(q.m[1]),
    q.m[2].multiplier,
    ...sh(q.m[2]),
    range[0],
    range[1],
    ET,
  ]);
  return [step(ctx, `q_add_${y.dtype === "int8" ? "s" : "u"}`, p, Math.ceil(n / ET))];
};

const averagePoolQ: OpBuilder = (ctx, node) => {
  const p = node.options as PoolParams;
  const T = ctx.graph.tensors;
  const x = T[node.inputs[0]], y = T[node.outputs[0]];
  const xa = ctx.addr(node.inputs[0]), ya = ctx.addr(node.outputs[0]);
  const range = quantizedActivationRange(p.activation, y.dtype, y.quantization!);
  if (!range || xa === undefined || ya === undefined || x.shape.length !== 4) return undefined;
  const geo = poolGeometry(node.op, x.shape, p);
  const [B, H, W, C] = geo.input;
  const acc = new Int32Array(C);
  return [(rt) => {
    const xs = view(rt.u8, x.dtype, xa, numElements(x.shape));
    const ys = view(rt.u8, y.dtype, ya, numElements(y.shape));
    let o = 0;
    for (let b = 0; b < B; b++) {
      for (let oy = 0; oy < geo.y.out; oy++) {
        const y0 = oy * p.strideH - geo.y.pad;
        const y1 = Math.max(y0, 0), y2 = Math.min(y0 + p.filterH, H);
        for (let ox = 0; ox < geo.x.out; ox++) {
          const x0 = ox * p.strideW - geo.x.pad;
          const x1 = Math.max(x0, 0), x2 = Math.min(x0 + p.filterW, W);
          acc.fill(0);
          for (let iy = y1; iy < y2; iy++) {
            for (let ix = x1; ix < x2; ix++) {
              const base = ((b * H + iy) * W + ix) * C;
              for (let c = 0; c < C; c++) acc[c] += xs[base + c];
            }
          }
          const count = (y2 - y1) * (x2 - x1), half = Math.trunc(count / 2);
          for (let c = 0; c < C; c++) {
            const v = acc[c] >= 0
              ? Math.trunc((acc[c] + half) / count)
              : Math.trunc((acc[c] - half) / count);
            ys[o++] = Math.min(range[1], Math.max(range[0], v));
          }
        }
      }
    }
  }];
};

const copyQ: OpBuilder = (ctx, node) => {
  const T = ctx.graph.tensors;
  const xa = ctx.addr(node.inputs[0]), ya = ctx.addr(node.outputs[0]);
  const x = T[node.inputs[0]], y = T[node.outputs[0]];
  if (xa === undefined || ya === undefined || x.dtype !== y.dtype) return undefined;
  const n = numElements(y.shape);
  return [(rt) => rt.u8.copyWithin(ya, xa, xa + n)];
};

/**
 * QUANTIZE of a float32 tensor to a per-tensor uint8/int8 one: `round(x / scale) + zero point`,
 * rounded half away from zero, clamped to the dtype's range (NaN gives the zero point), as the
 * kernel's reference computes it (the division in double precision), so bit for bit equal to it:
 * the `q_quantize_*` SIMD kernel (f64x2) on groups of 8, a typed-array loop on the tail.
 *
 * @example
 * ```ts ignore
 * const steps = quantizeBuilder(ctx, node); // a typed-array loop, or undefined
 * ```
 */
export const quantizeBuilder: OpBuilder = (ctx, node) => {
  const T = ctx.graph.tensors;
  const x = T[node.inputs[0]], y = T[node.outputs[0]];
  const xa = ctx.addr(node.inputs[0]), ya = ctx.addr(node.outputs[0]);
  const q = y.quantization;
  if (x.dtype !== "float32" || (y.dtype !== "int8" && y.dtype !== "uint8") || !q) return undefined;
  if (q.scale.length !== 1 || q.zeroPoint.length > 1 || !(q.scale[0] > 0)) return undefined;
  if (xa === undefined || ya === undefined || numElements(y.shape) !== numElements(x.shape)) {
    return undefined;
  }
  const n = numElements(y.shape), s = q.scale[0], zp = q.zeroPoint[0] ?? 0;
  const [lo, hi] = y.dtype === "int8" ? [-128, 127] : [0, 255];
  const G = n >> 3, GT = Math.max(256, Math.ceil(G / (ctx.threads * 4)));
  const words = new Int32Array(14);
  words.set([xa, ya, G, GT, zp]);
  new Float64Array(words.buffer, 24).set([s, lo - zp, hi - zp, 0.5]);
  const p = ctx.alloc(words.byteLength);
  ctx.put(p, words);
  const steps: Step[] = G > 0
    ? [step(ctx, `q_quantize_${y.dtype === "int8" ? "s" : "u"}`, p, Math.ceil(G / GT))]
    : [];
  if (n > G * 8) {
    steps.push((rt) => {
      const xs = rt.f32, x0 = xa >> 2;
      const ys = view(rt.u8, y.dtype, ya, n);
      for (let i = G * 8; i < n; i++) {
        const v = xs[x0 + i] / s;
        let r = v >= 0 ? Math.floor(v + 0.5) : -Math.floor(0.5 - v);
        r = r === r ? r + zp : zp;
        ys[i] = r < lo ? lo : r > hi ? hi : r;
      }
    });
  }
  return steps;
};

/**
 * DEQUANTIZE of a per-tensor uint8/int8 tensor to float32 through a 256-entry table of
 * `fround(scale * (q - zero point))`, the reference's values.
 */
const dequantizeQ: OpBuilder = (ctx, node) => {
  const T = ctx.graph.tensors;
  const x = T[node.inputs[0]], y = T[node.outputs[0]];
  const xa = ctx.addr(node.inputs[0]), ya = ctx.addr(node.outputs[0]);
  const q = x.quantization;
  if (y.dtype !== "float32" || !q || q.scale.length !== 1 || q.zeroPoint.length > 1) {
    return undefined;
  }
  if (xa === undefined || ya === undefined || numElements(y.shape) !== numElements(x.shape)) {
    return undefined;
  }
  const n = numElements(y.shape), s = q.scale[0], zp = q.zeroPoint[0] ?? 0;
  const signed = x.dtype === "int8";
  const table = new Float32Array(256);
  for (let b = 0; b < 256; b++) table[b] = s * ((signed && b > 127 ? b - 256 : b) - zp);
  return [(rt) => {
    const xs = rt.u8, ys = rt.f32, y0 = ya >> 2;
    for (let i = 0; i < n; i++) ys[y0 + i] = table[xs[xa + i]];
  }];
};

/**
 * Builders of 8-bit nodes, by op name.
 *
 * @example
 * ```ts
 * import { QUANT_OPS } from "./ops_quant.ts";
 * if (!QUANT_OPS.CONV_2D) throw new Error("wrong");
 * ```
 */
export const QUANT_OPS: Readonly<Record<string, OpBuilder>> = {
  CONV_2D: convQ,
  DEPTHWISE_CONV_2D: depthwiseQ,
  FULLY_CONNECTED: fullyConnectedQ,
  ADD: addQ,
  AVERAGE_POOL_2D: averagePoolQ,
  RESHAPE: copyQ,
  SQUEEZE: copyQ,
  DEQUANTIZE: dequantizeQ,
};
