/**
 * Lowering of exec-graph nodes to CPU steps: one table from op name to a builder that returns the
 * node's steps (WebAssembly kernels through the worker pool, or tight typed-array loops over the
 * arena), or `undefined` when the node is outside what the fast path handles (it then runs on the
 * kernel's reference). Builders run once, at executor creation: they repack weights, build
 * indirection buffers and write kernel parameter blocks.
 *
 * @module
 */
import type { ExecGraph, ExecNode } from "../../core/exec_graph.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { convAxis, type ConvOptions } from "../_shared/conv_common.ts";
import { poolGeometry, type PoolParams } from "../_shared/pool_window.ts";
import { resizeScale } from "../_shared/pool_resize.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import type { WorkerPool } from "../../engine/backends/cpu/pool.ts";
import { quantizeBuilder } from "./ops_quant.ts";

/** What a step sees when it runs: views of the shared memory and the pool. */
export interface Runtime {
  /** f32 view of the whole memory. */
  f32: Float32Array;
  /** i32 view of the whole memory. */
  i32: Int32Array;
  /** Byte view of the whole memory. */
  u8: Uint8Array;
  /** The worker pool (also runs kernels on the calling thread). */
  pool: WorkerPool;
}

/** One step of a node: a kernel dispatch or a loop over the arena. */
export type Step = (rt: Runtime) => void;

/** What builders use at executor creation. */
export interface BuildContext {
  /** The graph. */
  readonly graph: ExecGraph;
  /** Threads the pool will have. */
  readonly threads: number;
  /** Byte address of a float32 tensor (activation in the arena, or a constant copied once). */
  addr(t: number): number | undefined;
  /** Allocates `bytes` of static memory (64-byte aligned, zero-filled). */
  alloc(bytes: number): number;
  /** The shared scratch region (reused by every node), at least `bytes` long. */
  scratch(bytes: number): number;
  /** Queues data to write at an address before the first run. */
  put(addr: number, data: Float32Array | Int32Array): void;
  /** Index of a kernel export, `-1` if the module lacks it. */
  kernel(name: string): number;
}

/** A node builder: steps, or `undefined` to fall back to the reference. */
export type OpBuilder = (ctx: BuildContext, node: ExecNode) => Step[] | undefined;

const ACT_RANGE: Partial<Record<FusedActivation, [number, number]>> = {
  NONE: [-Infinity, Infinity],
  RELU: [0, Infinity],
  RELU6: [0, 6],
  RELU_N1_TO_1: [-1, 1],
};

/** Writes a parameter block (i32 words; `{ f }` marks an f32 word) and returns its address. */
function params(ctx: BuildContext, words: (number | { f: number })[]): number {
  const buf = new ArrayBuffer(words.length * 4);
  const dv = new DataView(buf);
  words.forEach((w, i) => {
    if (typeof w === "number") dv.setInt32(i * 4, w, true);
    else dv.setFloat32(i * 4, w.f, true);
  });
  const a = ctx.alloc(buf.byteLength);
  ctx.put(a, new Int32Array(buf));
  return a;
}

function wasmStep(ctx: BuildContext, name: string, p: number, tasks: number): Step {
  const fn = ctx.kernel(name);
  return (rt) => rt.pool.run(fn, p, tasks);
}

/** The relaxed-SIMD (fused multiply-add) variant when the runtime has it. */
function variant(ctx: BuildContext, name: string): string {
  return ctx.kernel(`${name}_relaxed`) >= 0 ? `${name}_relaxed` : name;
}

function f32Of(t: HostTensor): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
}

function isF32(ctx: BuildContext, t: number): boolean {
  return t >= 0 && ctx.graph.tensors[t].dtype === "float32";
}

/** Addresses of the listed tensors, or `undefined` if any is not a float32 tensor with one. */
function addrs(ctx: BuildContext, ts: number[]): number[] | undefined {
  const out: number[] = [];
  for (const t of ts) {
    const a = isF32(ctx, t) ? ctx.addr(t) : undefined;
    if (a === undefined) return undefined;
    out.push(a);
  }
  return out;
}

/**
 * The GEMM-like convolution shared by CONV_2D and FULLY_CONNECTED: `rows` output pixels, each the
 * dot of `taps` input rows of `K` floats (addresses from `pointers`) with packed weights.
 */
function gemm(
  ctx: BuildContext,
  g: {
    pointers: Int32Array;
    taps: number;
    K: number;
    N: number;
    weight: (oc: number, tap: number, k: number) => number;
    bias?: Float32Array;
    out: number;
    act: [number, number];
  },
): Step {
  const { taps: T, K, N } = g;
  const M = g.pointers.length / T;
  const NP = Math.ceil(N / 8);
  const packed = new Float32Array(NP * T * K * 8);
  let i = 0;
  for (let j = 0; j < NP; j++) {
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < K; k++) {
        for (let l = 0; l < 8; l++) {
          const oc = j * 8 + l;
          packed[i++] = oc < N ? g.weight(oc, t, k) : 0;
        }
      }
    }
  }
  const bias = new Float32Array(NP * 8);
  if (g.bias) bias.set(g.bias.subarray(0, N));
  const wAddr = ctx.alloc(packed.byteLength);
  ctx.put(wAddr, packed);
  const bAddr = ctx.alloc(bias.byteLength);
  ctx.put(bAddr, bias);
  const ind = ctx.alloc(g.pointers.byteLength);
  ctx.put(ind, g.pointers);
  // Blocking: weights of a task's panels within ~256 KiB, its input rows within ~64 KiB.
  const panelBytes = T * K * 32;
  let NCP = Math.max(1, Math.min(NP, Math.floor((256 << 10) / panelBytes)));
  let MC = Math.max(4, Math.floor(16384 / (T * K)) & ~3);
  MC = Math.min(MC, (M + 3) & ~3);
  const tasks = () => Math.ceil(M / MC) * Math.ceil(NP / NCP);
  const want = ctx.threads * 4;
  while (tasks() < want && MC > 16) MC = Math.max(16, ((MC >> 1) + 3) & ~3);
  while (tasks() < ctx.threads * 2 && NCP > 1) NCP = Math.ceil(NCP / 2);
  const TM = Math.ceil(M / MC);
  const p = params(ctx, [
    ind,
    M,
    T,
    K,
    wAddr,
    bAddr,
    g.out,
    N,
    N * 4,
    { f: g.act[0] },
    { f: g.act[1] },
    MC,
    NCP,
    TM,
    NP,
  ]);
  return wasmStep(ctx, variant(ctx, "conv_gemm"), p, tasks());
}

function zeros(ctx: BuildContext, floats: number): number {
  return ctx.alloc(floats * 4 + 64);
}

/** Indirection buffer of a 2-D window: per output pixel, per tap, the input pixel's address. */
function indirection(
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
  },
): Int32Array {
  const [N, H, W] = g.shape;
  const [KH, KW] = g.kernel;
  const [OH, OW] = g.out;
  const ptr = new Int32Array(N * OH * OW * KH * KW);
  let i = 0;
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
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
    }
  }
  return ptr;
}

function convWindow(x: number[], kh: number, kw: number, o: ConvOptions) {
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
  return {
    out: [ay.out, ax.out] as [number, number],
    pad: [ay.before, ax.before] as [number, number],
  };
}

const conv2d: OpBuilder = (ctx, node) => {
  const o = node.options as ConvOptions;
  const act = ACT_RANGE[o.activation];
  const [xi, wi, bi] = node.inputs;
  const g = ctx.graph;
  const w = g.tensors[wi]?.value;
  const b = bi >= 0 ? g.tensors[bi]?.value : undefined;
  const a = addrs(ctx, [xi, node.outputs[0]]);
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
  return [gemm(ctx, {
    pointers,
    taps: KH * KW,
    K: I,
    N: O,
    weight: (oc, t, k) => wd[(oc * KH * KW + t) * I + k],
    bias: b ? f32Of(b) : undefined,
    out: a[1],
    act,
  })];
};

const fullyConnected: OpBuilder = (ctx, node) => {
  const o = node.options as { activation: FusedActivation };
  const act = ACT_RANGE[o.activation];
  const [xi, wi, bi] = node.inputs;
  const g = ctx.graph;
  const w = g.tensors[wi]?.value;
  const b = bi >= 0 ? g.tensors[bi]?.value : undefined;
  const a = addrs(ctx, [xi, node.outputs[0]]);
  if (!act || !a || !w || w.dtype !== "float32" || (bi >= 0 && !b)) return undefined;
  const [O, I] = w.shape;
  const rows = numElements(g.tensors[xi].shape) / I;
  const pointers = new Int32Array(rows).map((_, r) => a[0] + r * I * 4);
  const wd = f32Of(w);
  return [gemm(ctx, {
    pointers,
    taps: 1,
    K: I,
    N: O,
    weight: (oc, _t, k) => wd[oc * I + k],
    bias: b ? f32Of(b) : undefined,
    out: a[1],
    act,
  })];
};

const depthwise: OpBuilder = (ctx, node) => {
  const o = node.options as ConvOptions;
  const act = ACT_RANGE[o.activation];
  const [xi, wi, bi] = node.inputs;
  const g = ctx.graph;
  const w = g.tensors[wi]?.value;
  const b = bi >= 0 ? g.tensors[bi]?.value : undefined;
  const a = addrs(ctx, [xi, node.outputs[0]]);
  if (!act || !a || !w || w.dtype !== "float32" || (bi >= 0 && !b)) return undefined;
  const x = g.tensors[xi].shape;
  const [, KH, KW, O] = w.shape;
  const C = x[3];
  if (x.length !== 4 || O % C !== 0) return undefined;
  const m = O / C;
  const steps: Step[] = [];
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
  const p = params(ctx, [ind, M, T, O, wA, bA, a[1], O * 4, { f: act[0] }, { f: act[1] }, PC]);
  steps.push(wasmStep(ctx, variant(ctx, "depthwise"), p, Math.ceil(M / PC)));
  return steps;
};

/** How operand `b` repeats against the output: same shape, a channel vector, or one value. */
function broadcastMode(b: number[], out: number[]): "same" | "channel" | "scalar" | undefined {
  const nb = numElements(b), no = numElements(out);
  if (nb === no && b.length <= out.length) return "same";
  if (nb === 1) return "scalar";
  const c = out.at(-1)!;
  if (nb === c && b.at(-1) === c) return "channel";
  return undefined;
}

function binaryBuilder(op: "add" | "sub" | "mul" | "prelu"): OpBuilder {
  return (ctx, node) => {
    const activation = (node.options as { activation?: FusedActivation }).activation ?? "NONE";
    const act = ACT_RANGE[activation];
    const [ai, bi] = node.inputs;
    const out = node.outputs[0];
    const a = addrs(ctx, [ai, bi, out]);
    if (!act || !a) return undefined;
    const g = ctx.graph;
    const os = g.tensors[out].shape;
    let [pa, pb] = [a[0], a[1]];
    let name: string = op;
    let mode = numElements(g.tensors[ai].shape) === numElements(os)
      ? broadcastMode(g.tensors[bi].shape, os)
      : undefined;
    if (!mode && op !== "prelu" && numElements(g.tensors[bi].shape) === numElements(os)) {
      mode = broadcastMode(g.tensors[ai].shape, os);
      [pa, pb] = [a[1], a[0]];
      if (op === "sub") name = "rsub";
    }
    if (!mode) return undefined;
    const total = numElements(os);
    let C = os.at(-1) ?? 1;
    if (mode !== "channel") {
      C = 1;
      for (let d = os.length - 1; d >= 0 && C < 256; d--) C *= os[d];
    }
    C = Math.max(C, 1);
    const rows = total / C;
    const RT = Math.max(1, Math.ceil(rows / (ctx.threads * 4)));
    const p = params(ctx, [
      pa,
      pb,
      a[2],
      C,
      C * 4,
      mode === "same" ? C * 4 : 0,
      C * 4,
      { f: act[0] },
      { f: act[1] },
      RT,
      rows,
    ]);
    return [
      wasmStep(ctx, `bin_${name}${mode === "scalar" ? "_splat" : ""}`, p, Math.ceil(rows / RT)),
    ];
  };
}

function unaryBuilder(kernel: "un_clamp" | "un_hard_swish", range: [number, number]): OpBuilder {
  return (ctx, node) => {
    const a = addrs(ctx, [node.inputs[0], node.outputs[0]]);
    if (!a) return undefined;
    const n = numElements(ctx.graph.tensors[node.outputs[0]].shape);
    const ET = Math.max(1024, Math.ceil(n / (ctx.threads * 4) / 4) * 4);
    const p = params(ctx, [a[0], a[1], n, { f: range[0] }, { f: range[1] }, ET]);
    return [wasmStep(ctx, kernel, p, Math.ceil(n / ET))];
  };
}

/** A node computed by a loop over float32 views of its operands (run on the calling thread). */
function loopBuilder(
  body: (
    ctx: BuildContext,
    node: ExecNode,
    a: number[],
  ) => ((f: Float32Array) => void) | undefined,
  floatInputs = 1,
): OpBuilder {
  return (ctx, node) => {
    const ins = node.inputs.filter((t) => t >= 0).slice(0, floatInputs);
    const a = addrs(ctx, [...ins, ...node.outputs]);
    if (!a) return undefined;
    const run = body(ctx, node, a.map((x) => x >> 2));
    return run ? [(rt) => run(rt.f32)] : undefined;
  };
}

const logistic = loopBuilder((ctx, node, [x, y]) => {
  const n = numElements(ctx.graph.tensors[node.outputs[0]].shape);
  return (f) => {
    for (let i = 0; i < n; i++) f[y + i] = 1 / (1 + Math.exp(-f[x + i]));
  };
});

function pool(mode: "avg" | "max"): OpBuilder {
  return loopBuilder((ctx, node, [x, y]) => {
    const p = node.options as PoolParams;
    const range = ACT_RANGE[p.activation];
    const shape = ctx.graph.tensors[node.inputs[0]].shape;
    if (!range || shape.length !== 4) return undefined;
    const geo = poolGeometry(node.op, shape, p);
    const [B, H, W, C] = geo.input;
    const acc = new Float64Array(C);
    const [lo, hi] = range;
    return (f) => {
      let o = y;
      for (let b = 0; b < B; b++) {
        for (let oy = 0; oy < geo.y.out; oy++) {
          const y0 = oy * p.strideH - geo.y.pad;
          const ys = Math.max(y0, 0), ye = Math.min(y0 + p.filterH, H);
          for (let ox = 0; ox < geo.x.out; ox++) {
            const x0 = ox * p.strideW - geo.x.pad;
            const xs = Math.max(x0, 0), xe = Math.min(x0 + p.filterW, W);
            acc.fill(mode === "avg" ? 0 : -Infinity);
            for (let iy = ys; iy < ye; iy++) {
              for (let ix = xs; ix < xe; ix++) {
                const base = x + ((b * H + iy) * W + ix) * C;
                if (mode === "avg") { for (let c = 0; c < C; c++) acc[c] += f[base + c]; }
                else for (let c = 0; c < C; c++) acc[c] = Math.max(acc[c], f[base + c]);
              }
            }
            const inv = mode === "avg" ? 1 / ((ye - ys) * (xe - xs)) : 1;
            for (let c = 0; c < C; c++) f[o++] = Math.min(hi, Math.max(lo, acc[c] * inv));
          }
        }
      }
    };
  });
}

const mean = loopBuilder((ctx, node, [x, y]) => {
  const o = node.options as { axes: number[] };
  const shape = ctx.graph.tensors[node.inputs[0]].shape;
  const axes = [...o.axes].map((a) => (a < 0 ? a + shape.length : a)).sort();
  if (shape.length !== 4 || axes.length !== 2 || axes[0] !== 1 || axes[1] !== 2) return undefined;
  const [B, H, W, C] = shape;
  const acc = new Float64Array(C);
  return (f) => {
    for (let b = 0; b < B; b++) {
      acc.fill(0);
      for (let p = 0; p < H * W; p++) {
        const base = x + (b * H * W + p) * C;
        for (let c = 0; c < C; c++) acc[c] += f[base + c];
      }
      for (let c = 0; c < C; c++) f[y + b * C + c] = acc[c] / (H * W);
    }
  };
});

const softmax = loopBuilder((ctx, node, [x, y]) => {
  const o = node.options as { beta: number; activation?: FusedActivation };
  if ((o.activation ?? "NONE") !== "NONE") return undefined;
  const shape = ctx.graph.tensors[node.inputs[0]].shape;
  const C = shape.at(-1) ?? 1;
  const rows = numElements(shape) / C;
  const e = new Float64Array(C);
  return (f) => {
    for (let r = 0; r < rows; r++) {
      const base = x + r * C;
      let m = -Infinity;
      for (let c = 0; c < C; c++) m = Math.max(m, f[base + c]);
      let s = 0;
      for (let c = 0; c < C; c++) s += e[c] = Math.exp((f[base + c] - m) * o.beta);
      for (let c = 0; c < C; c++) f[y + r * C + c] = e[c] / s;
    }
  };
});

const concatenation = loopBuilder((ctx, node, a) => {
  const o = node.options as { axis: number; activation: FusedActivation };
  if (o.activation !== "NONE") return undefined;
  const g = ctx.graph;
  const ins = node.inputs.filter((t) => t >= 0);
  const os = g.tensors[node.outputs[0]].shape;
  const axis = o.axis < 0 ? o.axis + os.length : o.axis;
  const outer = numElements(os.slice(0, axis));
  const inner = ins.map((t) => numElements(g.tensors[t].shape.slice(axis)));
  const row = numElements(os.slice(axis));
  const y = a[ins.length];
  return (f) => {
    let off = 0;
    ins.forEach((_, k) => {
      const n = inner[k], src = a[k];
      for (let r = 0; r < outer; r++) f.copyWithin(y + r * row + off, src + r * n, src + r * n + n);
      off += n;
    });
  };
}, Infinity);

const pad = loopBuilder((ctx, node, a) => {
  const o = node.options as { paddings: [number, number][] };
  const g = ctx.graph;
  const xs = g.tensors[node.inputs[0]].shape, ys = g.tensors[node.outputs[0]].shape;
  const x = a[0], y = a[1];
  const n = numElements(ys), rank = xs.length;
  const last = xs[rank - 1] ?? 1;
  const rows = numElements(xs) / last;
  const ystr = ys.map((_, d) => numElements(ys.slice(d + 1)));
  return (f) => {
    f.fill(0, y, y + n);
    for (let r = 0; r < rows; r++) {
      let rem = r, dst = y + o.paddings[rank - 1][0];
      for (let d = rank - 2; d >= 0; d--) {
        const i = rem % xs[d];
        rem = Math.floor(rem / xs[d]);
        dst += (i + o.paddings[d][0]) * ystr[d];
      }
      f.copyWithin(dst, x + r * last, x + r * last + last);
    }
  };
});

const resizeBilinear = loopBuilder((ctx, node, [x, y]) => {
  const o = node.options as {
    alignCorners: boolean;
    halfPixelCenters: boolean;
    outH: number;
    outW: number;
  };
  const [B, H, W, C] = ctx.graph.tensors[node.inputs[0]].shape;
  const fr = Math.fround;
  const axis = (out: number, size: number) => {
    const scale = resizeScale({ size, out, alignCorners: o.alignCorners });
    const lo = new Int32Array(out), hi = new Int32Array(out), t = new Float32Array(out);
    for (let v = 0; v < out; v++) {
      const src = o.halfPixelCenters ? fr(fr((v + 0.5) * scale) - 0.5) : fr(v * scale);
      lo[v] = Math.max(Math.floor(src), 0);
      hi[v] = Math.min(Math.ceil(src), size - 1);
      t[v] = fr(src - lo[v]);
    }
    return { lo, hi, t };
  };
  const ay = axis(o.outH, H), ax = axis(o.outW, W);
  return (f) => {
    let k = y;
    for (let b = 0; b < B; b++) {
      for (let oy = 0; oy < o.outH; oy++) {
        const r0 = x + (b * H + ay.lo[oy]) * W * C, r1 = x + (b * H + ay.hi[oy]) * W * C;
        const ty = ay.t[oy];
        for (let ox = 0; ox < o.outW; ox++) {
          const c0 = ax.lo[ox] * C, c1 = ax.hi[ox] * C, tx = ax.t[ox];
          const w00 = (1 - ty) * (1 - tx), w10 = ty * (1 - tx), w01 = (1 - ty) * tx, w11 = ty * tx;
          for (let c = 0; c < C; c++) {
            f[k++] = f[r0 + c0 + c] * w00 + f[r1 + c0 + c] * w10 + f[r0 + c1 + c] * w01 +
              f[r1 + c1 + c] * w11;
          }
        }
      }
    }
  };
});

const copy = loopBuilder((ctx, node, a) => {
  const n = numElements(ctx.graph.tensors[node.outputs[0]].shape);
  return (f) => f.copyWithin(a[1], a[0], a[0] + n);
});

/**
 * Ops with a fast float32 CPU path, by name.
 *
 * @example
 * ```ts
 * import { FAST_OPS } from "./ops.ts";
 * console.log(Object.keys(FAST_OPS).join(", "));
 * ```
 */
export const FAST_OPS: Readonly<Record<string, OpBuilder>> = {
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwise,
  FULLY_CONNECTED: fullyConnected,
  ADD: binaryBuilder("add"),
  SUB: binaryBuilder("sub"),
  MUL: binaryBuilder("mul"),
  PRELU: binaryBuilder("prelu"),
  RELU: unaryBuilder("un_clamp", [0, Infinity]),
  RELU6: unaryBuilder("un_clamp", [0, 6]),
  RELU_N1_TO_1: unaryBuilder("un_clamp", [-1, 1]),
  RELU_0_TO_1: unaryBuilder("un_clamp", [0, 1]),
  HARD_SWISH: unaryBuilder("un_hard_swish", [-Infinity, Infinity]),
  LOGISTIC: logistic,
  AVERAGE_POOL_2D: pool("avg"),
  MAX_POOL_2D: pool("max"),
  MEAN: mean,
  SOFTMAX: softmax,
  CONCATENATION: concatenation,
  PAD: pad,
  RESIZE_BILINEAR: resizeBilinear,
  RESHAPE: copy,
  SQUEEZE: copy,
  EXPAND_DIMS: copy,
  QUANTIZE: quantizeBuilder,
};
