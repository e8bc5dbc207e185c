/**
 * The WebAssembly SIMD kernels of the CPU backend, generated with {@linkcode FuncBuilder}. Every
 * kernel has the signature `(params, t0, t1)`: `params` is the byte address of an i32/f32 parameter
 * block in linear memory (written once when the executor is created), and `[t0, t1)` the range of
 * tasks this thread computes. The parameter layouts are documented beside each generator and
 * written by `cpu/ops.ts`.
 *
 * @module
 */
import { emitModule, FuncBuilder, type Local } from "./emit.ts";

/**
 * Names of the exported kernels, in export order (the worker pool calls them by index); filled by
 * {@linkcode kernelModuleBytes}.
 *
 * @example
 * ```ts
 * import { KERNEL_NAMES, kernelModuleBytes } from "./kernels.ts";
 * kernelModuleBytes();
 * if (!KERNEL_NAMES.includes("depthwise")) throw new Error("wrong");
 * ```
 */
export const KERNEL_NAMES: readonly string[] = [];

/**
 * Maximum linear memory of a CPU executor, in 64 KiB pages (2 GiB).
 *
 * @example
 * ```ts
 * import { MAX_PAGES } from "./kernels.ts";
 * if (MAX_PAGES * 65536 !== 2 ** 31) throw new Error("wrong");
 * ```
 */
export const MAX_PAGES = 32768;

function kernel(name: string): FuncBuilder {
  return new FuncBuilder(name, ["i32", "i32", "i32"]);
}

/** Loads parameter `k` of the block into a new local. */
function param(f: FuncBuilder, k: number, type: "i32" | "f32" = "i32"): Local {
  const l = f.local(type);
  f.get(f.param(0)).mem(type === "i32" ? "i32.load" : "f32.load", 4 * k).set(l);
  return l;
}

/** `dst = src + c` on i32 locals. */
function addTo(f: FuncBuilder, dst: Local, src: Local, c: number | Local): void {
  f.get(src);
  if (typeof c === "number") f.i32(c);
  else f.get(c);
  f.op("i32.add").set(dst);
}

/** `acc = acc + a * b` on v128 values pushed by the callbacks. */
function fma(f: FuncBuilder, acc: Local, a: () => void, b: () => void, relaxed: boolean): void {
  if (relaxed) {
    a();
    b();
    f.get(acc).op("f32x4.relaxed_madd").set(acc);
  } else {
    f.get(acc);
    a();
    b();
    f.op("f32x4.mul", "f32x4.add").set(acc);
  }
}

/** Clamps a v128 local to `[lo, hi]`. */
function clamp(f: FuncBuilder, v: Local, lo: Local, hi: Local): void {
  f.get(v).get(lo).op("f32x4.max").get(hi).op("f32x4.min").set(v);
}

/** Stores lanes `0..n-1` of `vs` (lanes counted across the vectors) at `addr`, `n` a local. */
function storeLanes(f: FuncBuilder, addr: Local, vs: Local[], n: Local): void {
  for (let l = 0; l < vs.length * 4; l++) {
    f.get(n).i32(l).op("i32.gt_s").open("if");
    f.get(addr).get(vs[l >> 2]).storeLane(l & 3, 4 * l).end();
  }
}

/** `while (a < b) { body }` with `break` at depth 1 and `continue` at depth 0 inside `body`. */
function whileLt(f: FuncBuilder, a: Local, b: Local, body: () => void): void {
  f.open("block").open("loop");
  f.get(a).get(b).op("i32.ge_s").br(1, true);
  body();
  f.br(0).end().end();
}

/**
 * CONV_2D / FULLY_CONNECTED as an indirect GEMM with 4x8 register tiles (4 output pixels x 8
 * output channels in 8 f32x4 accumulators). Params (i32 words): 0 indirection (per output pixel,
 * `taps` input addresses), 1 pixels M, 2 taps T, 3 input channels K, 4 packed weights (panels of 8
 * output channels: `[T][K][8]`), 5 bias (padded to 8), 6 output, 7 output channels N, 8 output
 * pixel stride in bytes, 9 min (f32), 10 max (f32), 11 pixels per task, 12 panels per task,
 * 13 tasks along M, 14 panels.
 */
function convGemm(relaxed: boolean): FuncBuilder {
  const f = kernel(relaxed ? "conv_gemm_relaxed" : "conv_gemm");
  const [t, t1] = [f.param(1), f.param(2)];
  const ind = param(f, 0), M = param(f, 1), T = param(f, 2), K = param(f, 3);
  const wpk = param(f, 4), bias = param(f, 5), out = param(f, 6), N = param(f, 7);
  const ostride = param(f, 8), lo = f.local("v128"), hi = f.local("v128");
  f.get(f.param(0)).mem("v128.load32_splat", 36).set(lo);
  f.get(f.param(0)).mem("v128.load32_splat", 40).set(hi);
  const MC = param(f, 11), NCP = param(f, 12), TM = param(f, 13), NP = param(f, 14);
  const panelBytes = f.local("i32");
  f.get(T).get(K).op("i32.mul").i32(32).op("i32.mul").set(panelBytes);
  const m0 = f.local("i32"), mEnd = f.local("i32"), mStart = f.local("i32");
  const j = f.local("i32"), jEnd = f.local("i32"), wpanel = f.local("i32"), nc = f.local("i32");
  const w = f.local("i32"), k = f.local("i32"), tap = f.local("i32"), ri = f.local("i32");
  const o = f.local("i32"), bj = f.local("i32"), rem = f.local("i32");
  const a = [0, 1, 2, 3].map(() => f.local("i32"));
  const acc = [0, 1, 2, 3].map(() => [f.local("v128"), f.local("v128")]);
  const wv0 = f.local("v128"), wv1 = f.local("v128"), s = f.local("v128");

  const tile = (MR: number) => {
    f.get(bias).get(j).i32(32).op("i32.mul", "i32.add").set(bj);
    for (let r = 0; r < MR; r++) {
      f.get(bj).mem("v128.load").set(acc[r][0]);
      f.get(bj).mem("v128.load", 16).set(acc[r][1]);
    }
    // ri = ind + m0 * T * 4
    f.get(ind).get(m0).get(T).op("i32.mul").i32(4).op("i32.mul", "i32.add").set(ri);
    f.get(wpanel).set(w);
    f.get(T).set(tap);
    f.open("loop");
    for (let r = 0; r < MR; r++) {
      f.get(ri).get(T).i32(4 * r).op("i32.mul", "i32.add").mem("i32.load").set(a[r]);
    }
    f.get(K).set(k);
    f.open("loop");
    f.get(w).mem("v128.load").set(wv0);
    f.get(w).mem("v128.load", 16).set(wv1);
    for (let r = 0; r < MR; r++) {
      f.get(a[r]).mem("v128.load32_splat").set(s);
      fma(f, acc[r][0], () => f.get(s), () => f.get(wv0), relaxed);
      fma(f, acc[r][1], () => f.get(s), () => f.get(wv1), relaxed);
      addTo(f, a[r], a[r], 4);
    }
    addTo(f, w, w, 32);
    f.get(k).i32(1).op("i32.sub").tee(k).br(0, true);
    f.end();
    addTo(f, ri, ri, 4);
    f.get(tap).i32(1).op("i32.sub").tee(tap).br(0, true);
    f.end();
    for (let r = 0; r < MR; r++) {
      clamp(f, acc[r][0], lo, hi);
      clamp(f, acc[r][1], lo, hi);
      // o = out + (m0 + r) * ostride + j * 32
      f.get(out).get(m0).i32(r).op("i32.add").get(ostride).op("i32.mul", "i32.add");
      f.get(j).i32(32).op("i32.mul", "i32.add").set(o);
      f.get(nc).i32(8).op("i32.eq").open("if");
      f.get(o).get(acc[r][0]).mem("v128.store");
      f.get(o).get(acc[r][1]).mem("v128.store", 16);
      f.op("else");
      storeLanes(f, o, acc[r], nc);
      f.end();
    }
    addTo(f, m0, m0, MR);
  };

  whileLt(f, t, t1, () => {
    // mStart = (t % TM) * MC; mEnd = min(mStart + MC, M)
    f.get(t).get(TM).op("i32.rem_u").get(MC).op("i32.mul").set(mStart);
    f.get(mStart).get(MC).op("i32.add").tee(mEnd).get(M).get(mEnd).get(M).op("i32.lt_s");
    f.op("select").set(mEnd);
    f.get(t).get(TM).op("i32.div_u").get(NCP).op("i32.mul").set(j);
    f.get(j).get(NCP).op("i32.add").tee(jEnd).get(NP).get(jEnd).get(NP).op("i32.lt_s");
    f.op("select").set(jEnd);
    whileLt(f, j, jEnd, () => {
      f.get(wpk).get(j).get(panelBytes).op("i32.mul", "i32.add").set(wpanel);
      f.get(N).get(j).i32(8).op("i32.mul", "i32.sub").set(nc);
      f.get(nc).i32(8).get(nc).i32(8).op("i32.lt_s", "select").set(nc);
      f.get(mStart).set(m0);
      whileLt(f, m0, mEnd, () => {
        f.get(mEnd).get(m0).op("i32.sub").set(rem);
        f.get(rem).i32(4).op("i32.ge_s").open("if");
        tile(4);
        f.op("else");
        f.get(rem).i32(3).op("i32.eq").open("if");
        tile(3);
        f.op("else");
        f.get(rem).i32(2).op("i32.eq").open("if");
        tile(2);
        f.op("else");
        tile(1);
        f.end().end().end();
      });
      addTo(f, j, j, 1);
    });
    addTo(f, t, t, 1);
  });
  return f;
}

/**
 * DEPTHWISE_CONV_2D (depth multiplier 1; other multipliers expand the input first) over an
 * indirection buffer, 16 then 4 channels at a time. Params: 0 indirection, 1 pixels M, 2 taps T,
 * 3 channels C, 4 weights `[T][Cp]` (Cp = C rounded up to 4), 5 bias (Cp), 6 output, 7 output
 * pixel stride in bytes, 8 min (f32), 9 max (f32), 10 pixels per task.
 */
function depthwise(relaxed: boolean): FuncBuilder {
  const f = kernel(relaxed ? "depthwise_relaxed" : "depthwise");
  const [t0, t1] = [f.param(1), f.param(2)];
  const ind = param(f, 0), M = param(f, 1), T = param(f, 2), C = param(f, 3);
  const wts = param(f, 4), bias = param(f, 5), out = param(f, 6), ostride = param(f, 7);
  const lo = f.local("v128"), hi = f.local("v128");
  f.get(f.param(0)).mem("v128.load32_splat", 32).set(lo);
  f.get(f.param(0)).mem("v128.load32_splat", 36).set(hi);
  const PC = param(f, 10);
  const p = f.local("i32"), pEnd = f.local("i32"), cb = f.local("i32"), cEnd = f.local("i32");
  const ri = f.local("i32"), wp = f.local("i32"), tap = f.local("i32"), a = f.local("i32");
  const o = f.local("i32"), cpBytes = f.local("i32"), left = f.local("i32");
  const acc = [0, 1, 2, 3].map(() => f.local("v128"));
  f.get(C).i32(3).op("i32.add").i32(-4).op("i32.and").i32(4).op("i32.mul").set(cpBytes);
  f.get(C).i32(4).op("i32.mul").set(cEnd);
  f.get(t0).get(PC).op("i32.mul").set(p);
  f.get(t1).get(PC).op("i32.mul").tee(pEnd).get(M).get(pEnd).get(M).op("i32.lt_s", "select");
  f.set(pEnd);

  const block = (nv: number, partial: boolean) => {
    for (let v = 0; v < nv; v++) {
      f.get(bias).get(cb).op("i32.add").mem("v128.load", 16 * v).set(acc[v]);
    }
    f.get(ri).set(a);
    f.get(wts).get(cb).op("i32.add").set(wp);
    f.get(T).set(tap);
    f.open("loop");
    const ptr = f.local("i32");
    f.get(a).mem("i32.load").get(cb).op("i32.add").set(ptr);
    for (let v = 0; v < nv; v++) {
      fma(
        f,
        acc[v],
        () => f.get(ptr).mem("v128.load", 16 * v),
        () => f.get(wp).mem("v128.load", 16 * v),
        relaxed,
      );
    }
    addTo(f, a, a, 4);
    addTo(f, wp, wp, cpBytes);
    f.get(tap).i32(1).op("i32.sub").tee(tap).br(0, true);
    f.end();
    f.get(o).get(cb).op("i32.add").set(ptr);
    for (let v = 0; v < nv; v++) {
      clamp(f, acc[v], lo, hi);
      if (!partial) f.get(ptr).get(acc[v]).mem("v128.store", 16 * v);
    }
    if (partial) {
      f.get(cEnd).get(cb).op("i32.sub").i32(2).op("i32.shr_s").set(left);
      storeLanes(f, ptr, [acc[0]], left);
    }
  };

  whileLt(f, p, pEnd, () => {
    f.get(ind).get(p).get(T).op("i32.mul").i32(4).op("i32.mul", "i32.add").set(ri);
    f.get(out).get(p).get(ostride).op("i32.mul", "i32.add").set(o);
    f.i32(0).set(cb);
    f.open("block").open("loop");
    f.get(cEnd).get(cb).op("i32.sub").i32(64).op("i32.lt_s").br(1, true);
    block(4, false);
    addTo(f, cb, cb, 64);
    f.br(0).end().end();
    f.open("block").open("loop");
    f.get(cEnd).get(cb).op("i32.sub").i32(16).op("i32.lt_s").br(1, true);
    block(1, false);
    addTo(f, cb, cb, 16);
    f.br(0).end().end();
    f.get(cb).get(cEnd).op("i32.lt_s").open("if");
    block(1, true);
    f.end();
    addTo(f, p, p, 1);
  });
  return f;
}

/** Binary elementwise ops: vector and scalar forms of `a op b`. */
const BINARY: Record<string, { v: string[]; s: string[] }> = {
  add: { v: ["f32x4.add"], s: ["f32.add"] },
  sub: { v: ["f32x4.sub"], s: ["f32.sub"] },
  mul: { v: ["f32x4.mul"], s: ["f32.mul"] },
};

/**
 * Row-wise binary elementwise op with a clamp: `out[r][c] = clamp(a[r][c] op b[r][c])`, where a
 * row stride of 0 repeats a row (per-channel broadcast) and `splat` reads one value of `b`.
 * Variants: `add`, `sub`, `mul`, `rsub` (`b - a`), `prelu` (`max(a,0) + b*min(a,0)`).
 * Params: 0 a, 1 b, 2 out, 3 row length C, 4 a row stride, 5 b row stride, 6 out row stride
 * (bytes), 7 min, 8 max, 9 rows per task, 10 rows.
 */
function binary(op: string, splat: boolean): FuncBuilder {
  const f = kernel(`bin_${op}${splat ? "_splat" : ""}`);
  const [t0, t1] = [f.param(1), f.param(2)];
  const A = param(f, 0), B = param(f, 1), O = param(f, 2), C = param(f, 3);
  const as = param(f, 4), bs = param(f, 5), os = param(f, 6);
  const lo = f.local("v128"), hi = f.local("v128");
  f.get(f.param(0)).mem("v128.load32_splat", 28).set(lo);
  f.get(f.param(0)).mem("v128.load32_splat", 32).set(hi);
  const RT = param(f, 9), R = param(f, 10);
  const r = f.local("i32"), rEnd = f.local("i32"), c = f.local("i32"), cEnd = f.local("i32");
  const pa = f.local("i32"), pb = f.local("i32"), po = f.local("i32");
  const x = f.local("v128"), y = f.local("v128");
  f.get(C).i32(4).op("i32.mul").set(cEnd);
  f.get(t0).get(RT).op("i32.mul").set(r);
  f.get(t1).get(RT).op("i32.mul").tee(rEnd).get(R).get(rEnd).get(R).op("i32.lt_s", "select");
  f.set(rEnd);
  const apply = () => {
    // x, y set; result to x
    if (op === "rsub") f.get(y).get(x).op("f32x4.sub").set(x);
    else if (op === "prelu") {
      f.get(x).f32x4(0).op("f32x4.max");
      f.get(y).get(x).f32x4(0).op("f32x4.min", "f32x4.mul", "f32x4.add").set(x);
    } else f.get(x).get(y).op(...BINARY[op].v).set(x);
    clamp(f, x, lo, hi);
  };
  whileLt(f, r, rEnd, () => {
    f.get(A).get(r).get(as).op("i32.mul", "i32.add").set(pa);
    f.get(B).get(r).get(bs).op("i32.mul", "i32.add").set(pb);
    f.get(O).get(r).get(os).op("i32.mul", "i32.add").set(po);
    f.i32(0).set(c);
    f.open("block").open("loop");
    f.get(c).i32(16).op("i32.add").get(cEnd).op("i32.gt_s").br(1, true);
    f.get(pa).get(c).op("i32.add").mem("v128.load").set(x);
    if (splat) f.get(pb).mem("v128.load32_splat").set(y);
    else f.get(pb).get(c).op("i32.add").mem("v128.load").set(y);
    apply();
    f.get(po).get(c).op("i32.add").get(x).mem("v128.store");
    addTo(f, c, c, 16);
    f.br(0).end().end();
    // tail, one lane at a time
    f.open("block").open("loop");
    f.get(c).get(cEnd).op("i32.ge_s").br(1, true);
    f.get(pa).get(c).op("i32.add").mem("v128.load32_splat").set(x);
    if (splat) f.get(pb).mem("v128.load32_splat").set(y);
    else f.get(pb).get(c).op("i32.add").mem("v128.load32_splat").set(y);
    apply();
    f.get(po).get(c).op("i32.add").get(x).storeLane(0);
    addTo(f, c, c, 4);
    f.br(0).end().end();
    addTo(f, r, r, 1);
  });
  return f;
}

/**
 * Unary elementwise ops over `n` floats: `clamp` (RELU, RELU6, RELU_N1_TO_1) and `hard_swish`
 * (`x * relu6(x + 3) / 6`), then clamped. Params: 0 in, 1 out, 2 n, 3 min, 4 max, 5 elements per
 * task (a multiple of 4).
 */
function unary(op: "clamp" | "hard_swish"): FuncBuilder {
  const f = kernel(`un_${op}`);
  const [t0, t1] = [f.param(1), f.param(2)];
  const I = param(f, 0), O = param(f, 1), n = param(f, 2);
  const lo = f.local("v128"), hi = f.local("v128");
  f.get(f.param(0)).mem("v128.load32_splat", 12).set(lo);
  f.get(f.param(0)).mem("v128.load32_splat", 16).set(hi);
  const ET = param(f, 5);
  const i = f.local("i32"), e = f.local("i32"), x = f.local("v128");
  f.get(t0).get(ET).op("i32.mul").set(i);
  f.get(t1).get(ET).op("i32.mul").tee(e).get(n).get(e).get(n).op("i32.lt_s", "select").set(e);
  const apply = () => {
    if (op === "hard_swish") {
      f.get(x).get(x).f32x4(3).op("f32x4.add").f32x4(0).op("f32x4.max").f32x4(6);
      f.op("f32x4.min", "f32x4.mul").f32x4(1 / 6).op("f32x4.mul").set(x);
    }
    clamp(f, x, lo, hi);
  };
  f.open("block").open("loop");
  f.get(i).i32(4).op("i32.add").get(e).op("i32.gt_s").br(1, true);
  f.get(I).get(i).i32(4).op("i32.mul", "i32.add").mem("v128.load").set(x);
  apply();
  f.get(O).get(i).i32(4).op("i32.mul", "i32.add").get(x).mem("v128.store");
  addTo(f, i, i, 4);
  f.br(0).end().end();
  f.open("block").open("loop");
  f.get(i).get(e).op("i32.ge_s").br(1, true);
  f.get(I).get(i).i32(4).op("i32.mul", "i32.add").mem("v128.load32_splat").set(x);
  apply();
  f.get(O).get(i).i32(4).op("i32.mul", "i32.add").get(x).storeLane(0);
  addTo(f, i, i, 1);
  f.br(0).end().end();
  return f;
}

/** Splatted constants of one SIMD requantization with uniform shifts. */
interface VecRequant {
  left: Local;
  right: Local;
  nudge: Local;
  mask: Local;
  thr: Local;
  zero: Local;
  zy: Local;
  qmin: Local;
  qmax: Local;
  m: Local;
  lo: Local;
  hi: Local;
}

/** Sets up {@linkcode VecRequant} from scalar i32 values pushed by the callbacks. */
function vecRequantSetup(
  f: FuncBuilder,
  g: { left: () => void; right: () => void; zy: () => void; qmin: () => void; qmax: () => void },
): VecRequant {
  const v = (): Local => f.local("v128");
  const q: VecRequant = {
    left: f.local("i32"),
    right: f.local("i32"),
    nudge: v(),
    mask: v(),
    thr: v(),
    zero: v(),
    zy: v(),
    qmin: v(),
    qmax: v(),
    m: v(),
    lo: v(),
    hi: v(),
  };
  g.left();
  f.set(q.left);
  g.right();
  f.set(q.right);
  f.i64(2 ** 30).op("i64x2.splat").set(q.nudge);
  f.i32(1).get(q.right).op("i32.shl").i32(1).op("i32.sub").op("i32x4.splat").set(q.mask);
  f.i32(1).get(q.right).op("i32.shl").i32(1).op("i32.sub").i32(1).op("i32.shr_s");
  f.op("i32x4.splat").set(q.thr);
  f.i32(0).op("i32x4.splat").set(q.zero);
  g.zy();
  f.op("i32x4.splat").set(q.zy);
  g.qmin();
  f.op("i32x4.splat").set(q.qmin);
  g.qmax();
  f.op("i32x4.splat").set(q.qmax);
  return q;
}

/**
 * SIMD TFLite requantization of the i32x4 in `v` (in place), with lane multipliers pushed by
 * `mult` and shifts shared by the lanes. The doubling high multiply is `(a * b + 2^30) >> 31` on
 * 64-bit lanes (equal to gemmlowp's nudge-and-truncate form for all non-saturating inputs).
 */
function requantVec(f: FuncBuilder, v: Local, mult: () => void, q: VecRequant): void {
  f.get(v).get(q.left).op("i32x4.shl").set(v);
  mult();
  f.set(q.m);
  f.get(v).get(q.m).op("i64x2.extmul_low_i32x4_s").get(q.nudge).op("i64x2.add");
  f.i32(31).op("i64x2.shr_s").set(q.lo);
  f.get(v).get(q.m).op("i64x2.extmul_high_i32x4_s").get(q.nudge).op("i64x2.add");
  f.i32(31).op("i64x2.shr_s").set(q.hi);
  f.get(q.lo).get(q.hi).shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]);
  f.set(v);
  f.get(v).get(q.right).op("i32x4.shr_s");
  f.get(v).get(q.mask).op("v128.and");
  f.get(q.thr).get(v).get(q.zero).op("i32x4.lt_s", "i32x4.sub", "i32x4.gt_s", "i32x4.sub");
  f.get(q.zy).op("i32x4.add").get(q.qmin).op("i32x4.max_s").get(q.qmax).op("i32x4.min_s").set(v);
}

/**
 * SIMD TFLite requantization of the i32x4 in `v` (in place) with per-lane multipliers and shifts,
 * bit for bit `MultiplyByQuantizedMultiplier`. Per group of 8 channels, `a.left` holds `2^left`
 * (a wrapping `i32x4.mul` is the scalar `i32.shl`), `a.mult` the Q31 multipliers and `a.right` 256
 * bytes of i32 lanes: `mask = 2^r - 1`, `mask >> 1`, then five lane selectors (-1 where bit b of r
 * is set). gemmlowp's `RoundingDivideByPOT` is then `(v >> r) + ((v & mask) > (mask >> 1) + (v <
 * 0))`, the per-lane `v >> r` as five conditional shifts by 1, 2, 4, 8 and 16. `off` is 0 for
 * lanes 0-3, 16 for lanes 4-7.
 */
function requantPerChannel(
  f: FuncBuilder,
  v: Local,
  a: { mult: Local; left: Local; right: Local },
  off: number,
  q: VecRequant,
): void {
  f.get(v).get(a.left).mem("v128.load", off).op("i32x4.mul").set(v);
  f.get(a.mult).mem("v128.load", off).set(q.m);
  f.get(v).get(q.m).op("i64x2.extmul_low_i32x4_s").get(q.nudge).op("i64x2.add");
  f.i32(31).op("i64x2.shr_s").set(q.lo);
  f.get(v).get(q.m).op("i64x2.extmul_high_i32x4_s").get(q.nudge).op("i64x2.add");
  f.i32(31).op("i64x2.shr_s").set(q.hi);
  f.get(q.lo).get(q.hi).shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]);
  f.set(v);
  f.get(v).get(a.right).mem("v128.load", off).op("v128.and");
  f.get(a.right).mem("v128.load", 32 + off).get(v).i32(31).op("i32x4.shr_s", "i32x4.sub");
  f.op("i32x4.gt_s").set(q.m);
  for (let b = 0; b < 5; b++) {
    f.get(v).i32(1 << b).op("i32x4.shr_s").get(v);
    f.get(a.right).mem("v128.load", 64 + 32 * b + off).op("v128.bitselect").set(v);
  }
  f.get(v).get(q.m).op("i32x4.sub");
  f.get(q.zy).op("i32x4.add").get(q.qmin).op("i32x4.max_s").get(q.qmax).op("i32x4.min_s").set(v);
}

/** Narrows two i32x4 (already clamped) to 8 bytes in the low half of a v128 on the stack. */
function narrow8(f: FuncBuilder, a: Local, b: Local, signed: boolean): void {
  f.get(a).get(b).op("i16x8.narrow_i32x4_s").tee(a).get(a);
  f.op(signed ? "i8x16.narrow_i16x8_s" : "i8x16.narrow_i16x8_u");
}

/** Stores the low `n` (a local, 1..8) bytes of the v128 in `v` at `addr`. */
function storeBytes(f: FuncBuilder, addr: () => void, v: Local, n: Local): void {
  f.get(n).i32(8).op("i32.eq").open("if");
  addr();
  f.get(v).store64Lane(0);
  f.op("else");
  for (let l = 0; l < 8; l++) {
    f.get(n).i32(l).op("i32.gt_s").open("if");
    addr();
    f.get(v).extractU8(l).mem("i32.store8", l).end();
  }
  f.end();
}

/**
 * TFLite's 8-bit ADD, 8 elements at a time: both inputs shifted left by 20 and rescaled, summed,
 * rescaled to the output. Params: 0 a, 1 b, 2 out, 3 n, 4 za, 5 zb, 6 zo, 7 m1, 8 left1, 9 right1,
 * 10 m2, 11 left2, 12 right2, 13 mo, 14 lefto, 15 righto, 16 qmin, 17 qmax, 18 elements per task
 * (a multiple of 8).
 */
function addQ(signed: boolean): FuncBuilder {
  const f = kernel(signed ? "q_add_s" : "q_add_u");
  const [t0, t1] = [f.param(1), f.param(2)];
  const P = f.param(0);
  const A = param(f, 0), B = param(f, 1), O = param(f, 2), n = param(f, 3);
  const ld = (k: number) => () => f.get(P).mem("i32.load", 4 * k);
  const none = (v: number) => () => f.i32(v);
  const qa = vecRequantSetup(f, {
    left: ld(8),
    right: ld(9),
    zy: none(0),
    qmin: none(-(2 ** 31)),
    qmax: none(2 ** 31 - 1),
  });
  const qb = vecRequantSetup(f, {
    left: ld(11),
    right: ld(12),
    zy: none(0),
    qmin: none(-(2 ** 31)),
    qmax: none(2 ** 31 - 1),
  });
  const qo = vecRequantSetup(f, {
    left: ld(14),
    right: ld(15),
    zy: ld(6),
    qmin: ld(16),
    qmax: ld(17),
  });
  const za = f.local("v128"), zb = f.local("v128");
  f.get(P).mem("i32.load", 16).op("i32x4.splat").set(za);
  f.get(P).mem("i32.load", 20).op("i32x4.splat").set(zb);
  const ma = f.local("v128"), mb = f.local("v128"), mo = f.local("v128");
  f.get(P).mem("i32.load", 28).op("i32x4.splat").set(ma);
  f.get(P).mem("i32.load", 40).op("i32x4.splat").set(mb);
  f.get(P).mem("i32.load", 52).op("i32x4.splat").set(mo);
  const ET = param(f, 18);
  const i = f.local("i32"), e = f.local("i32"), left = f.local("i32");
  const x = [0, 1].map(() => f.local("v128")), y = [0, 1].map(() => f.local("v128"));
  const w = f.local("v128");
  f.get(t0).get(ET).op("i32.mul").set(i);
  f.get(t1).get(ET).op("i32.mul").tee(e).get(n).get(e).get(n).op("i32.lt_s", "select").set(e);
  const load = (ptr: Local, z: Local, out: Local[], q: VecRequant, m: Local) => {
    f.get(ptr).get(i).op("i32.add").mem(signed ? "v128.load8x8_s" : "v128.load8x8_u").set(w);
    f.get(w).op(signed ? "i32x4.extend_low_i16x8_s" : "i32x4.extend_low_i16x8_u").set(out[0]);
    f.get(w).op(signed ? "i32x4.extend_high_i16x8_s" : "i32x4.extend_high_i16x8_u").set(out[1]);
    for (const v of out) {
      f.get(v).get(z).op("i32x4.sub").i32(20).op("i32x4.shl").set(v);
      requantVec(f, v, () => f.get(m), q);
    }
  };
  whileLt(f, i, e, () => {
    load(A, za, x, qa, ma);
    load(B, zb, y, qb, mb);
    for (let k = 0; k < 2; k++) {
      f.get(x[k]).get(y[k]).op("i32x4.add").set(x[k]);
      requantVec(f, x[k], () => f.get(mo), qo);
    }
    narrow8(f, x[0], x[1], signed);
    f.set(w);
    f.get(e).get(i).op("i32.sub").set(left);
    f.get(left).i32(8).get(left).i32(8).op("i32.lt_s", "select").set(left);
    storeBytes(f, () => f.get(O).get(i).op("i32.add"), w, left);
    addTo(f, i, i, 8);
  });
  return f;
}

/**
 * Widens 8-bit activations to int16 with the zero point subtracted, rows padded to `K2` elements
 * (a multiple of 8; the padding lanes hold junk that meets zero weights). Params: 0 src, 1 dst,
 * 2 rows, 3 K, 4 K2, 5 zero point, 6 rows per task.
 */
function widen(signed: boolean): FuncBuilder {
  const f = kernel(signed ? "q_widen_s" : "q_widen_u");
  const [t0, t1] = [f.param(1), f.param(2)];
  const src = param(f, 0), dst = param(f, 1), R = param(f, 2), K = param(f, 3), K2 = param(f, 4);
  const z = f.local("v128");
  f.get(f.param(0)).mem("i32.load", 20).op("i16x8.splat").set(z);
  const RT = param(f, 6);
  const r = f.local("i32"), rEnd = f.local("i32"), k = f.local("i32");
  const ps = f.local("i32"), pd = f.local("i32");
  f.get(t0).get(RT).op("i32.mul").set(r);
  f.get(t1).get(RT).op("i32.mul").tee(rEnd).get(R).get(rEnd).get(R).op("i32.lt_s", "select");
  f.set(rEnd);
  whileLt(f, r, rEnd, () => {
    f.get(src).get(r).get(K).op("i32.mul", "i32.add").set(ps);
    f.get(dst).get(r).get(K2).op("i32.mul").i32(2).op("i32.mul", "i32.add").set(pd);
    f.i32(0).set(k);
    whileLt(f, k, K, () => {
      f.get(pd).get(ps).get(k).op("i32.add").mem(signed ? "v128.load8x8_s" : "v128.load8x8_u");
      f.get(z).op("i16x8.sub").mem("v128.store");
      addTo(f, pd, pd, 16);
      addTo(f, k, k, 8);
    });
    addTo(f, r, r, 1);
  });
  return f;
}

/**
 * Quantized CONV_2D / FULLY_CONNECTED: an indirect GEMM over int16 rows (zero point removed) with
 * `i32x4.dot_i16x8_s`, 4 pixels x 8 channels per tile, then TFLite requantization to 8 bits.
 * Params: 0 indirection, 1 M, 2 T, 3 K2 (even), 4 packed i16 weights (per panel, tap and k pair:
 * channels 0-3 then 4-7, each as `[w(k), w(k+1)]`), 5 i32 bias, 6 output, 7 N, 8 output stride
 * (bytes), 9 multipliers, 10 left shifts, 11 right shifts (`_pc`: the per-channel arrays of
 * `requantPerChannel`), 12 output zero point, 13 qmin, 14 qmax,
 * 15 pixels per task, 16 panels per task, 17 tasks along M, 18 panels.
 */
function convQ(vec: "u" | "s", perChannel: boolean): FuncBuilder {
  const f = kernel(`q_conv_gemm_${perChannel ? "pc" : "v"}_${vec}`);
  const [t, t1] = [f.param(1), f.param(2)];
  const ind = param(f, 0), M = param(f, 1), T = param(f, 2), K2 = param(f, 3);
  const wpk = param(f, 4), bias = param(f, 5), out = param(f, 6), N = param(f, 7);
  const ostride = param(f, 8), mult0 = param(f, 9), left0 = param(f, 10), right0 = param(f, 11);
  const zy = param(f, 12), qmin = param(f, 13), qmax = param(f, 14);
  const MC = param(f, 15), NCP = param(f, 16), TM = param(f, 17), NP = param(f, 18);
  const q = { mult: f.local("i32"), left: f.local("i32"), right: f.local("i32"), zy, qmin, qmax };
  const panelBytes = f.local("i32");
  f.get(T).get(K2).op("i32.mul").i32(16).op("i32.mul").set(panelBytes);
  const m0 = f.local("i32"), mEnd = f.local("i32"), mStart = f.local("i32");
  const j = f.local("i32"), jEnd = f.local("i32"), wpanel = f.local("i32"), nc = f.local("i32");
  const w = f.local("i32"), k = f.local("i32"), tap = f.local("i32"), ri = f.local("i32");
  const o = f.local("i32"), bj = f.local("i32"), rem = f.local("i32");
  const a = [0, 1, 2, 3].map(() => f.local("i32"));
  const acc = [0, 1, 2, 3].map(() => [f.local("v128"), f.local("v128")]);
  const wv0 = f.local("v128"), wv1 = f.local("v128"), s = f.local("v128");
  const qv = vecRequantSetup(f, {
    left: () => perChannel ? f.i32(0) : f.get(left0).mem("i32.load"),
    right: () => perChannel ? f.i32(0) : f.get(right0).mem("i32.load"),
    zy: () => f.get(zy),
    qmin: () => f.get(qmin),
    qmax: () => f.get(qmax),
  });
  const tile = (MR: number) => {
    for (let r = 0; r < MR; r++) {
      f.get(bj).mem("v128.load").set(acc[r][0]);
      f.get(bj).mem("v128.load", 16).set(acc[r][1]);
    }
    f.get(ind).get(m0).get(T).op("i32.mul").i32(4).op("i32.mul", "i32.add").set(ri);
    f.get(wpanel).set(w);
    f.get(T).set(tap);
    f.open("loop");
    for (let r = 0; r < MR; r++) {
      f.get(ri).get(T).i32(4 * r).op("i32.mul", "i32.add").mem("i32.load").set(a[r]);
    }
    f.get(K2).i32(1).op("i32.shr_u").set(k);
    f.open("loop");
    f.get(w).mem("v128.load").set(wv0);
    f.get(w).mem("v128.load", 16).set(wv1);
    for (let r = 0; r < MR; r++) {
      f.get(a[r]).mem("v128.load32_splat").set(s);
      f.get(acc[r][0]).get(s).get(wv0).op("i32x4.dot_i16x8_s", "i32x4.add").set(acc[r][0]);
      f.get(acc[r][1]).get(s).get(wv1).op("i32x4.dot_i16x8_s", "i32x4.add").set(acc[r][1]);
      addTo(f, a[r], a[r], 4);
    }
    addTo(f, w, w, 32);
    f.get(k).i32(1).op("i32.sub").tee(k).br(0, true);
    f.end();
    addTo(f, ri, ri, 4);
    f.get(tap).i32(1).op("i32.sub").tee(tap).br(0, true);
    f.end();
    for (let r = 0; r < MR; r++) {
      f.get(out).get(m0).i32(r).op("i32.add").get(ostride).op("i32.mul", "i32.add");
      f.get(j).i32(8).op("i32.mul", "i32.add").set(o);
      if (perChannel) {
        requantPerChannel(f, acc[r][0], q, 0, qv);
        requantPerChannel(f, acc[r][1], q, 16, qv);
      } else {
        requantVec(f, acc[r][0], () => f.get(q.mult).mem("v128.load"), qv);
        requantVec(f, acc[r][1], () => f.get(q.mult).mem("v128.load", 16), qv);
      }
      narrow8(f, acc[r][0], acc[r][1], vec === "s");
      f.set(s);
      storeBytes(f, () => f.get(o), s, nc);
    }
    addTo(f, m0, m0, MR);
  };
  whileLt(f, t, t1, () => {
    f.get(t).get(TM).op("i32.rem_u").get(MC).op("i32.mul").set(mStart);
    f.get(mStart).get(MC).op("i32.add").tee(mEnd).get(M).get(mEnd).get(M).op("i32.lt_s");
    f.op("select").set(mEnd);
    f.get(t).get(TM).op("i32.div_u").get(NCP).op("i32.mul").set(j);
    f.get(j).get(NCP).op("i32.add").tee(jEnd).get(NP).get(jEnd).get(NP).op("i32.lt_s");
    f.op("select").set(jEnd);
    whileLt(f, j, jEnd, () => {
      f.get(wpk).get(j).get(panelBytes).op("i32.mul", "i32.add").set(wpanel);
      f.get(N).get(j).i32(8).op("i32.mul", "i32.sub").set(nc);
      f.get(nc).i32(8).get(nc).i32(8).op("i32.lt_s", "select").set(nc);
      f.get(bias).get(j).i32(32).op("i32.mul", "i32.add").set(bj);
      f.get(mult0).get(j).i32(32).op("i32.mul", "i32.add").set(q.mult);
      f.get(left0).get(j).i32(32).op("i32.mul", "i32.add").set(q.left);
      f.get(right0).get(j).i32(perChannel ? 256 : 32).op("i32.mul", "i32.add").set(q.right);
      f.get(mStart).set(m0);
      whileLt(f, m0, mEnd, () => {
        f.get(mEnd).get(m0).op("i32.sub").set(rem);
        f.get(rem).i32(4).op("i32.ge_s").open("if");
        tile(4);
        f.op("else");
        f.get(rem).i32(3).op("i32.eq").open("if");
        tile(3);
        f.op("else");
        f.get(rem).i32(2).op("i32.eq").open("if");
        tile(2);
        f.op("else");
        tile(1);
        f.end().end().end();
      });
      addTo(f, j, j, 1);
    });
    addTo(f, t, t, 1);
  });
  return f;
}

/**
 * Quantized DEPTHWISE_CONV_2D (multiplier 1), 8 channels at a time with `extmul` into i32, then
 * TFLite requantization. Params: 0 indirection (8-bit rows; padding points at a row of zero
 * points), 1 M, 2 T, 3 C, 4 i16 weights `[T][Cp]` (Cp = C rounded up to 8, zero point removed),
 * 5 i32 bias (Cp), 6 output, 7 output stride, 8 multipliers, 9 left shifts, 10 right shifts
 * (`_pc`: the per-channel arrays of `requantPerChannel`),
 * 11 output zero point, 12 qmin, 13 qmax, 14 pixels per task, 15 input zero point.
 */
function depthwiseQ(signed: boolean, perChannel: boolean): FuncBuilder {
  const f = kernel(`q_depthwise_${perChannel ? "pc" : "v"}_${signed ? "s" : "u"}`);
  const [t0, t1] = [f.param(1), f.param(2)];
  const ind = param(f, 0), M = param(f, 1), T = param(f, 2), C = param(f, 3);
  const wts = param(f, 4), bias = param(f, 5), out = param(f, 6), ostride = param(f, 7);
  const mult0 = param(f, 8), left0 = param(f, 9), right0 = param(f, 10);
  const zy = param(f, 11), qmin = param(f, 12), qmax = param(f, 13), PC = param(f, 14);
  const zx = f.local("v128");
  f.get(f.param(0)).mem("i32.load", 60).op("i16x8.splat").set(zx);
  const q = { mult: f.local("i32"), left: f.local("i32"), right: f.local("i32"), zy, qmin, qmax };
  const p = f.local("i32"), pEnd = f.local("i32"), c = f.local("i32"), ri = f.local("i32");
  const wp = f.local("i32"), tap = f.local("i32"), aa = f.local("i32"), o = f.local("i32");
  const rowBytes = f.local("i32"), xv = f.local("v128"), wv = f.local("v128");
  const acc0 = f.local("v128"), acc1 = f.local("v128");
  const qv = vecRequantSetup(f, {
    left: () => perChannel ? f.i32(0) : f.get(left0).mem("i32.load"),
    right: () => perChannel ? f.i32(0) : f.get(right0).mem("i32.load"),
    zy: () => f.get(zy),
    qmin: () => f.get(qmin),
    qmax: () => f.get(qmax),
  });
  f.get(C).i32(7).op("i32.add").i32(-8).op("i32.and").i32(2).op("i32.mul").set(rowBytes);
  f.get(t0).get(PC).op("i32.mul").set(p);
  f.get(t1).get(PC).op("i32.mul").tee(pEnd).get(M).get(pEnd).get(M).op("i32.lt_s", "select");
  f.set(pEnd);
  whileLt(f, p, pEnd, () => {
    f.get(ind).get(p).get(T).op("i32.mul").i32(4).op("i32.mul", "i32.add").set(ri);
    f.get(out).get(p).get(ostride).op("i32.mul", "i32.add").set(o);
    f.i32(0).set(c);
    whileLt(f, c, C, () => {
      f.get(bias).get(c).i32(4).op("i32.mul", "i32.add").set(q.mult);
      f.get(q.mult).mem("v128.load").set(acc0);
      f.get(q.mult).mem("v128.load", 16).set(acc1);
      f.get(ri).set(aa);
      f.get(wts).get(c).i32(2).op("i32.mul", "i32.add").set(wp);
      f.get(T).set(tap);
      f.open("loop");
      f.get(aa).mem("i32.load").get(c).op("i32.add");
      f.mem(signed ? "v128.load8x8_s" : "v128.load8x8_u").get(zx).op("i16x8.sub").set(xv);
      f.get(wp).mem("v128.load").set(wv);
      f.get(acc0).get(xv).get(wv).op("i32x4.extmul_low_i16x8_s", "i32x4.add").set(acc0);
      f.get(acc1).get(xv).get(wv).op("i32x4.extmul_high_i16x8_s", "i32x4.add").set(acc1);
      addTo(f, aa, aa, 4);
      addTo(f, wp, wp, rowBytes);
      f.get(tap).i32(1).op("i32.sub").tee(tap).br(0, true);
      f.end();
      f.get(mult0).get(c).i32(4).op("i32.mul", "i32.add").set(q.mult);
      f.get(left0).get(c).i32(4).op("i32.mul", "i32.add").set(q.left);
      f.get(right0).get(c).i32(perChannel ? 32 : 4).op("i32.mul", "i32.add").set(q.right);
      const left = f.local("i32");
      f.get(C).get(c).op("i32.sub").set(left);
      f.get(left).i32(8).get(left).i32(8).op("i32.lt_s", "select").set(left);
      if (perChannel) {
        requantPerChannel(f, acc0, q, 0, qv);
        requantPerChannel(f, acc1, q, 16, qv);
      } else {
        requantVec(f, acc0, () => f.get(q.mult).mem("v128.load"), qv);
        requantVec(f, acc1, () => f.get(q.mult).mem("v128.load", 16), qv);
      }
      narrow8(f, acc0, acc1, signed);
      f.set(xv);
      storeBytes(f, () => f.get(o).get(c).op("i32.add"), xv, left);
      addTo(f, c, c, 8);
    });
    addTo(f, p, p, 1);
  });
  return f;
}

/**
 * QUANTIZE of float32 to 8 bits, 8 elements at a time, exactly as the reference: in double
 * precision `sign(v) * floor(|v| + 0.5)` of `v = x / scale`, clamped to `[lo - zp, hi - zp]` (NaN
 * stays NaN and truncates to 0), plus the zero point. Params: 0 x, 1 y, 2 groups of 8, 3 groups per
 * task, 4 zero point, 5 unused, then f64 words: 6-7 scale, 8-9 lo - zp, 10-11 hi - zp, 12-13 0.5.
 */
function quantizeF32(signed: boolean): FuncBuilder {
  const f = kernel(`q_quantize_${signed ? "s" : "u"}`);
  const [t0, t1] = [f.param(1), f.param(2)];
  const P = f.param(0);
  const X = param(f, 0), Y = param(f, 1), G = param(f, 2), GT = param(f, 3);
  const v = (): Local => f.local("v128");
  const sc = v(), lo = v(), hi = v(), half = v(), zp = v(), zero = v();
  const x = v(), t = v(), a = v(), q0 = v(), q1 = v(), c = v();
  f.get(P).mem("v128.load64_splat", 24).set(sc);
  f.get(P).mem("v128.load64_splat", 32).set(lo);
  f.get(P).mem("v128.load64_splat", 40).set(hi);
  f.get(P).mem("v128.load64_splat", 48).set(half);
  f.get(P).mem("i32.load", 16).op("i32x4.splat").set(zp);
  f.i32(0).op("i32x4.splat").set(zero);
  const i = f.local("i32"), e = f.local("i32");
  f.get(t0).get(GT).op("i32.mul").set(i);
  f.get(t1).get(GT).op("i32.mul").tee(e).get(G).get(e).get(G).op("i32.lt_s", "select").set(e);
  // f64x2 on the stack -> i32x4 [r0, r1, 0, 0]
  const conv = () => {
    f.get(sc).op("f64x2.div").set(t);
    f.get(t).op("f64x2.abs").get(half).op("f64x2.add", "f64x2.floor").set(a);
    f.get(a).op("f64x2.neg").get(a).get(t).get(zero).op("f64x2.lt", "v128.bitselect");
    f.get(lo).op("f64x2.max").get(hi).op("f64x2.min").op("i32x4.trunc_sat_f64x2_s_zero");
  };
  const four = (off: number, dst: Local) => {
    f.get(X).get(i).i32(32).op("i32.mul", "i32.add").mem("v128.load", off).set(x);
    f.get(x).op("f64x2.promote_low_f32x4");
    conv();
    f.set(c);
    f.get(x).get(x).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
    f.op("f64x2.promote_low_f32x4");
    conv();
    f.set(dst);
    f.get(c).get(dst).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
    f.get(zp).op("i32x4.add").set(dst);
  };
  whileLt(f, i, e, () => {
    four(0, q0);
    four(16, q1);
    f.get(Y).get(i).i32(8).op("i32.mul", "i32.add");
    narrow8(f, q0, q1, signed);
    f.store64Lane(0);
    addTo(f, i, i, 1);
  });
  return f;
}

function allKernels(): FuncBuilder[] {
  const fs = [convGemm(false), depthwise(false)];
  if (hasRelaxedSimd()) fs.push(convGemm(true), depthwise(true));
  for (const op of ["add", "sub", "mul", "rsub", "prelu"]) {
    fs.push(binary(op, false), binary(op, true));
  }
  fs.push(unary("clamp"), unary("hard_swish"));
  fs.push(
    widen(false),
    widen(true),
    addQ(false),
    addQ(true),
    quantizeF32(false),
    quantizeF32(true),
  );
  for (const pc of [false, true]) {
    fs.push(convQ("u", pc), convQ("s", pc), depthwiseQ(false, pc), depthwiseQ(true, pc));
  }
  return fs;
}

let cached: Uint8Array<ArrayBuffer> | undefined;

/**
 * The bytes of the kernel module (generated once per process; a few milliseconds).
 *
 * @example
 * ```ts
 * import { kernelModuleBytes } from "./kernels.ts";
 * if (!WebAssembly.validate(kernelModuleBytes())) throw new Error("invalid");
 * ```
 *
 * @returns The module's bytes; it imports a shared memory as `env.mem`.
 */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  if (!cached) {
    const fs = allKernels();
    (KERNEL_NAMES as string[]).splice(0, KERNEL_NAMES.length, ...fs.map((f) => f.name));
    cached = emitModule(fs, { initial: 1, maximum: MAX_PAGES });
  }
  return cached;
}

/**
 * Index of a kernel in the module's exports (what the worker pool dispatches by).
 *
 * @example
 * ```ts
 * import { kernelIndex } from "./kernels.ts";
 * if (kernelIndex("conv_gemm") < 0) throw new Error("wrong");
 * ```
 *
 * @param name Kernel name.
 * @returns Its index, or -1 when the module lacks it (relaxed SIMD unavailable).
 */
export function kernelIndex(name: string): number {
  kernelModuleBytes();
  return KERNEL_NAMES.indexOf(name);
}

/**
 * Whether this runtime validates relaxed SIMD (`f32x4.relaxed_madd`, a fused multiply-add).
 *
 * @example
 * ```ts
 * import { hasRelaxedSimd } from "./kernels.ts";
 * console.log(hasRelaxedSimd());
 * ```
 *
 * @returns `true` when relaxed SIMD is available.
 */
export function hasRelaxedSimd(): boolean {
  const f = new FuncBuilder("t", [], ["f32"]);
  f.f32x4(1).f32x4(2).f32x4(3).op("f32x4.relaxed_madd").extractLane(0);
  return WebAssembly.validate(emitModule([f], { initial: 1, maximum: 1 }));
}
