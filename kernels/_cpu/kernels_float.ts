/**
 * Generators of the float32 WebAssembly SIMD kernels: the indirect GEMM of CONV_2D and
 * FULLY_CONNECTED, depthwise convolution, row-wise binary and unary elementwise ops. Each reads its
 * parameter block (see `blocks.ts`) by field name.
 *
 * @module
 */
import type { FuncBuilder, Local } from "./emit.ts";
import { BINARY, blockOffset, CONV_GEMM, DEPTHWISE, UNARY } from "./blocks.ts";
import {
  addTo,
  blockBase,
  clamp,
  constants,
  field,
  fma,
  HARD_SWISH_CONSTS,
  hardSwish,
  kernel,
  storeLanes,
  whileLt,
} from "./_wasm_util.ts";

/**
 * Output pixels of the float GEMM's register tile (each with 8 channels in two vectors). On this
 * machine (Deno 2.9.6, x86-64), 1x1 convolutions with K >= 128 ran at 38 GFLOP/s with 4 rows, 41
 * with 5, 44-45 with 6 and 27-29 with 7 (spills): one-node `CpuExecutor.profile`, min of 40 runs.
 */
export const GEMM_ROWS = 6;

/**
 * Depth steps of the float GEMM's inner loop per iteration (the rest one at a time): addresses
 * advance once per iteration and the loads take constant offsets. 1x1 convolutions with K = 512 ran
 * at 44.5 GFLOP/s with 1, 50 with 2 and 55 with 4 (K = 16: 28.4, 30, 30); min of 40 runs.
 */
export const GEMM_KU = 4;

/**
 * CONV_2D / FULLY_CONNECTED as an indirect GEMM with 6x8 register tiles (6 output pixels x 8
 * output channels in 12 f32x4 accumulators, two weight vectors and one splat: 15 of the 16 vector
 * registers of x86-64; 7 rows spill). Parameters: the {@linkcode CONV_GEMM} block.
 */
export function convGemm(relaxed: boolean, nr: 4 | 8 = 8): FuncBuilder {
  const f = kernel(`conv_gemm${nr === 4 ? "_n4" : ""}${relaxed ? "_relaxed" : ""}`);
  // Channels per panel: nr / 4 vectors, PB bytes per weight row of a panel.
  const V = nr / 4, PB = nr * 4;
  const [t, t1] = [f.param(1), f.param(2)];
  const ind = field(f, CONV_GEMM, "indirection"),
    M = field(f, CONV_GEMM, "pixels"),
    T = field(f, CONV_GEMM, "taps"),
    K = field(f, CONV_GEMM, "depth");
  const wpk = field(f, CONV_GEMM, "weights"),
    bias = field(f, CONV_GEMM, "bias"),
    out = field(f, CONV_GEMM, "out"),
    N = field(f, CONV_GEMM, "channels");
  const ostride = field(f, CONV_GEMM, "outStride"), lo = f.local("v128"), hi = f.local("v128");
  blockBase(f).mem("v128.load32_splat", blockOffset(CONV_GEMM, "min")).set(lo);
  blockBase(f).mem("v128.load32_splat", blockOffset(CONV_GEMM, "max")).set(hi);
  const MC = field(f, CONV_GEMM, "pixelsPerTask"),
    NCP = field(f, CONV_GEMM, "panelsPerTask"),
    TM = field(f, CONV_GEMM, "tasksM"),
    NP = field(f, CONV_GEMM, "panels"),
    slopes = field(f, CONV_GEMM, "slopes"),
    res = field(f, CONV_GEMM, "residual"),
    outInd = field(f, CONV_GEMM, "outIndirection"),
    hswish = field(f, CONV_GEMM, "hardSwish");
  const rlo = f.local("v128"), rhi = f.local("v128");
  const kc = constants(f, HARD_SWISH_CONSTS);
  blockBase(f).mem("v128.load32_splat", blockOffset(CONV_GEMM, "residualMin")).set(rlo);
  blockBase(f).mem("v128.load32_splat", blockOffset(CONV_GEMM, "residualMax")).set(rhi);
  const panelBytes = f.local("i32");
  f.get(T).get(K).op("i32.mul").i32(PB).op("i32.mul").set(panelBytes);
  const m0 = f.local("i32"), mEnd = f.local("i32"), mStart = f.local("i32");
  const j = f.local("i32"), jEnd = f.local("i32"), wpanel = f.local("i32"), nc = f.local("i32");
  const w = f.local("i32"), k = f.local("i32"), tap = f.local("i32"), ri = f.local("i32");
  const o = f.local("i32"), bj = f.local("i32"), rem = f.local("i32");
  const a = Array.from({ length: GEMM_ROWS }, () => f.local("i32"));
  const acc = Array.from(
    { length: GEMM_ROWS },
    () => Array.from({ length: V }, () => f.local("v128")),
  );
  const wv = Array.from({ length: V }, () => f.local("v128")), s = f.local("v128");

  const tile = (MR: number) => {
    f.get(bias).get(j).i32(PB).op("i32.mul", "i32.add").set(bj);
    for (let r = 0; r < MR; r++) {
      for (let h = 0; h < V; h++) f.get(bj).mem("v128.load", 16 * h).set(acc[r][h]);
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
    // K in steps of KU (addresses advance once per step, loads use constant offsets), then one.
    const step = (ku: number) => {
      for (let kk = 0; kk < ku; kk++) {
        for (let h = 0; h < V; h++) f.get(w).mem("v128.load", 16 * h + PB * kk).set(wv[h]);
        for (let r = 0; r < MR; r++) {
          f.get(a[r]).mem("v128.load32_splat", 4 * kk).set(s);
          for (let h = 0; h < V; h++) {
            fma(f, acc[r][h], () => f.get(s), () => f.get(wv[h]), relaxed);
          }
        }
      }
      for (let r = 0; r < MR; r++) addTo(f, a[r], a[r], 4 * ku);
      addTo(f, w, w, PB * ku);
      f.get(k).i32(ku).op("i32.sub").set(k);
    };
    f.open("block").open("loop");
    f.get(k).i32(GEMM_KU).op("i32.lt_s").br(1, true);
    step(GEMM_KU);
    f.br(0).end().end();
    f.get(k).open("if").open("loop");
    step(1);
    f.get(k).br(0, true);
    f.end().end();
    addTo(f, ri, ri, 4);
    f.get(tap).i32(1).op("i32.sub").tee(tap).br(0, true);
    f.end();
    for (let r = 0; r < MR; r++) for (const v of acc[r]) clamp(f, v, lo, hi);
    // A fused HARD_SWISH: v · clamp(v + 3, 0, 6) / 6.
    f.get(hswish).open("if");
    for (let r = 0; r < MR; r++) {
      for (const v of acc[r]) {
        hardSwish(f, v, kc);
      }
    }
    f.end();
    // A fused residual ADD: the same position of a tensor of the output's shape, then its clamp.
    f.get(res).open("if");
    for (let r = 0; r < MR; r++) {
      f.get(res).get(m0).i32(r).op("i32.add").get(ostride).op("i32.mul", "i32.add");
      f.get(j).i32(PB).op("i32.mul", "i32.add").set(bj);
      for (const [h, v] of acc[r].entries()) {
        f.get(v).get(bj).mem("v128.load", 16 * h).op("f32x4.add").set(v);
        clamp(f, v, rlo, rhi);
      }
    }
    f.end();
    // A fused PRELU: max(v, 0) + min(v, 0) * slope, with this panel's slopes.
    f.get(slopes).open("if");
    f.get(slopes).get(j).i32(PB).op("i32.mul", "i32.add").set(bj);
    for (let h = 0; h < V; h++) f.get(bj).mem("v128.load", 16 * h).set(wv[h]);
    for (let r = 0; r < MR; r++) {
      for (const [v, sv] of acc[r].map((v, h) => [v, wv[h]])) {
        f.get(v).f32x4(0).op("f32x4.pmax");
        f.get(v).f32x4(0).op("f32x4.pmin").get(sv).op("f32x4.mul", "f32x4.add").set(v);
      }
    }
    f.end();
    for (let r = 0; r < MR; r++) {
      // o = (outInd ? outInd[m0 + r] : out + (m0 + r) * ostride) + j * PB
      f.get(outInd).open("if");
      f.get(outInd).get(m0).i32(r).op("i32.add").i32(4).op("i32.mul", "i32.add").mem("i32.load");
      f.set(o);
      f.op("else");
      f.get(out).get(m0).i32(r).op("i32.add").get(ostride).op("i32.mul", "i32.add").set(o);
      f.end();
      f.get(o).get(j).i32(PB).op("i32.mul", "i32.add").set(o);
      f.get(nc).i32(nr).op("i32.eq").open("if");
      for (let h = 0; h < V; h++) f.get(o).get(acc[r][h]).mem("v128.store", 16 * h);
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
      f.get(N).get(j).i32(nr).op("i32.mul", "i32.sub").set(nc);
      f.get(nc).i32(nr).get(nc).i32(nr).op("i32.lt_s", "select").set(nc);
      f.get(mStart).set(m0);
      whileLt(f, m0, mEnd, () => {
        f.get(mEnd).get(m0).op("i32.sub").set(rem);
        // The full tile while GEMM_ROWS pixels remain, then one tile of the rest.
        f.get(rem).i32(GEMM_ROWS).op("i32.ge_s").open("if");
        tile(GEMM_ROWS);
        for (let mr = GEMM_ROWS - 1; mr > 1; mr--) {
          f.op("else");
          f.get(rem).i32(mr).op("i32.eq").open("if");
          tile(mr);
        }
        f.op("else");
        tile(1);
        for (let mr = GEMM_ROWS - 1; mr > 0; mr--) f.end();
      });
      addTo(f, j, j, 1);
    });
    addTo(f, t, t, 1);
  });
  return f;
}

/**
 * DEPTHWISE_CONV_2D (depth multiplier 1; other multipliers expand the input first) over an
 * indirection buffer, 16 then 4 channels at a time. Parameters: the {@linkcode DEPTHWISE} block.
 */
export function depthwise(relaxed: boolean): FuncBuilder {
  const f = kernel(relaxed ? "depthwise_relaxed" : "depthwise");
  const [t0, t1] = [f.param(1), f.param(2)];
  const ind = field(f, DEPTHWISE, "indirection"),
    M = field(f, DEPTHWISE, "pixels"),
    T = field(f, DEPTHWISE, "taps"),
    C = field(f, DEPTHWISE, "channels");
  const wts = field(f, DEPTHWISE, "weights"),
    bias = field(f, DEPTHWISE, "bias"),
    out = field(f, DEPTHWISE, "out"),
    ostride = field(f, DEPTHWISE, "outStride");
  const lo = f.local("v128"), hi = f.local("v128");
  blockBase(f).mem("v128.load32_splat", blockOffset(DEPTHWISE, "min")).set(lo);
  blockBase(f).mem("v128.load32_splat", blockOffset(DEPTHWISE, "max")).set(hi);
  const PC = field(f, DEPTHWISE, "pixelsPerTask");
  const res = field(f, DEPTHWISE, "residual"),
    slopes = field(f, DEPTHWISE, "slopes"),
    hswish = field(f, DEPTHWISE, "hardSwish");
  const rlo = f.local("v128"), rhi = f.local("v128"), rp = f.local("i32");
  const k = constants(f, HARD_SWISH_CONSTS);
  blockBase(f).mem("v128.load32_splat", blockOffset(DEPTHWISE, "residualMin")).set(rlo);
  blockBase(f).mem("v128.load32_splat", blockOffset(DEPTHWISE, "residualMax")).set(rhi);
  const p = f.local("i32"), pEnd = f.local("i32"), cb = f.local("i32"), cEnd = f.local("i32");
  const ri = f.local("i32"), wp = f.local("i32"), tap = f.local("i32"), a = f.local("i32");
  const o = f.local("i32"), cpBytes = f.local("i32"), left = f.local("i32");
  const tBytes = f.local("i32"), wv = f.local("v128");
  const ptr = [0, 1, 2, 3].map(() => f.local("i32"));
  // 2 pixels at a time (4 for at most 8 channels) share each weight load: acc[pixel][vector].
  const acc = [0, 1, 2, 3].map(() => [0, 1, 2, 3].map(() => f.local("v128")));
  f.get(C).i32(3).op("i32.add").i32(-4).op("i32.and").i32(4).op("i32.mul").set(cpBytes);
  f.get(C).i32(4).op("i32.mul").set(cEnd);
  f.get(T).i32(4).op("i32.mul").set(tBytes);
  f.get(t0).get(PC).op("i32.mul").set(p);
  f.get(t1).get(PC).op("i32.mul").tee(pEnd).get(M).get(pEnd).get(M).op("i32.lt_s", "select");
  f.set(pEnd);

  // The epilogue of the pixel whose channels `cb..` go to ptr[0]: residual (same place in its
  // tensor) and its clamp, PRELU slopes, HARD_SWISH.
  const epilogue = (vs: Local[]) => {
    f.get(res).open("if");
    f.get(res).get(ptr[0]).op("i32.add").get(out).op("i32.sub").set(rp);
    for (const [h, v] of vs.entries()) {
      f.get(v).get(rp).mem("v128.load", 16 * h).op("f32x4.add").set(v);
      clamp(f, v, rlo, rhi);
    }
    f.end();
    f.get(slopes).open("if");
    for (const [h, v] of vs.entries()) {
      f.get(v).f32x4(0).op("f32x4.pmax");
      f.get(v).f32x4(0).op("f32x4.pmin").get(slopes).get(cb).op("i32.add");
      f.mem("v128.load", 16 * h).op("f32x4.mul", "f32x4.add").set(v);
    }
    f.end();
    f.get(hswish).open("if");
    for (const v of vs) {
      hardSwish(f, v, k);
    }
    f.end();
  };

  const block = (nv: number, partial: boolean, px: number) => {
    for (let q = 0; q < px; q++) {
      for (let v = 0; v < nv; v++) {
        f.get(bias).get(cb).op("i32.add").mem("v128.load", 16 * v).set(acc[q][v]);
      }
    }
    f.get(ri).set(a);
    f.get(wts).get(cb).op("i32.add").set(wp);
    f.get(T).set(tap);
    f.open("loop");
    f.get(a).mem("i32.load").get(cb).op("i32.add").set(ptr[0]);
    for (let q = 1; q < px; q++) {
      f.get(a).get(tBytes).i32(q).op("i32.mul", "i32.add").mem("i32.load").get(cb).op("i32.add");
      f.set(ptr[q]);
    }
    for (let v = 0; v < nv; v++) {
      f.get(wp).mem("v128.load", 16 * v).set(wv);
      for (let q = 0; q < px; q++) {
        fma(f, acc[q][v], () => f.get(ptr[q]).mem("v128.load", 16 * v), () => f.get(wv), relaxed);
      }
    }
    addTo(f, a, a, 4);
    addTo(f, wp, wp, cpBytes);
    f.get(tap).i32(1).op("i32.sub").tee(tap).br(0, true);
    f.end();
    for (let q = 0; q < px; q++) {
      f.get(o).get(cb).op("i32.add").set(ptr[0]);
      if (q > 0) f.get(ptr[0]).get(ostride).i32(q).op("i32.mul", "i32.add").set(ptr[0]);
      for (let v = 0; v < nv; v++) clamp(f, acc[q][v], lo, hi);
      epilogue(acc[q].slice(0, nv));
      for (let v = 0; v < nv && !partial; v++) {
        f.get(ptr[0]).get(acc[q][v]).mem("v128.store", 16 * v);
      }
      if (partial) {
        f.get(cEnd).get(cb).op("i32.sub").i32(2).op("i32.shr_s").set(left);
        storeLanes(f, ptr[0], [acc[q][0]], left);
      }
    }
  };

  // The channels of `px` pixels from `p`: 16 (unless `narrow`: at most 8 channels), then 8, then 4
  // at a time, then a lane-masked tail.
  const channels = (px: number, narrow = false) => {
    f.get(ind).get(p).get(tBytes).op("i32.mul", "i32.add").set(ri);
    f.get(out).get(p).get(ostride).op("i32.mul", "i32.add").set(o);
    f.i32(0).set(cb);
    if (!narrow) {
      f.open("block").open("loop");
      f.get(cEnd).get(cb).op("i32.sub").i32(64).op("i32.lt_s").br(1, true);
      block(4, false, px);
      addTo(f, cb, cb, 64);
      f.br(0).end().end();
    }
    f.get(cEnd).get(cb).op("i32.sub").i32(32).op("i32.ge_s").open("if");
    block(2, false, px);
    addTo(f, cb, cb, 32);
    f.end();
    f.open("block").open("loop");
    f.get(cEnd).get(cb).op("i32.sub").i32(16).op("i32.lt_s").br(1, true);
    block(1, false, px);
    addTo(f, cb, cb, 16);
    f.br(0).end().end();
    f.get(cb).get(cEnd).op("i32.lt_s").open("if");
    block(1, true, px);
    f.end();
  };

  whileLt(f, p, pEnd, () => {
    f.get(cEnd).i32(32).op("i32.le_s");
    f.get(pEnd).get(p).op("i32.sub").i32(4).op("i32.ge_s", "i32.and").open("if");
    channels(4, true);
    addTo(f, p, p, 4);
    f.op("else");
    f.get(pEnd).get(p).op("i32.sub").i32(2).op("i32.ge_s").open("if");
    channels(2);
    addTo(f, p, p, 2);
    f.op("else");
    channels(1);
    addTo(f, p, p, 1);
    f.end();
    f.end();
  });
  return f;
}

/** Binary elementwise ops: vector and scalar forms of `a op b`. */
const BINARY_OPS: Record<string, { v: string[]; s: string[] }> = {
  add: { v: ["f32x4.add"], s: ["f32.add"] },
  sub: { v: ["f32x4.sub"], s: ["f32.sub"] },
  mul: { v: ["f32x4.mul"], s: ["f32.mul"] },
};

/**
 * Row-wise binary elementwise op with a clamp: `out[r][c] = clamp(a[r][c] op b[r][c])`, where a
 * row stride of 0 repeats a row (per-channel broadcast) and `splat` reads one value of `b`.
 * Variants: `add`, `sub`, `mul`, `rsub` (`b - a`), `prelu` (`max(a,0) + b*min(a,0)`).
 * Parameters: the {@linkcode BINARY} block.
 */
export function binary(op: string, splat: boolean): FuncBuilder {
  const f = kernel(`bin_${op}${splat ? "_splat" : ""}`);
  const [t0, t1] = [f.param(1), f.param(2)];
  const A = field(f, BINARY, "a"),
    B = field(f, BINARY, "b"),
    O = field(f, BINARY, "out"),
    C = field(f, BINARY, "rowLength");
  const as = field(f, BINARY, "aStride"),
    bs = field(f, BINARY, "bStride"),
    os = field(f, BINARY, "outStride");
  const lo = f.local("v128"), hi = f.local("v128");
  blockBase(f).mem("v128.load32_splat", blockOffset(BINARY, "min")).set(lo);
  blockBase(f).mem("v128.load32_splat", blockOffset(BINARY, "max")).set(hi);
  const RT = field(f, BINARY, "rowsPerTask"), R = field(f, BINARY, "rows");
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
      f.get(x).f32x4(0).op("f32x4.pmax");
      f.get(y).get(x).f32x4(0).op("f32x4.pmin", "f32x4.mul", "f32x4.add").set(x);
    } else f.get(x).get(y).op(...BINARY_OPS[op].v).set(x);
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
 * (`x * relu6(x + 3) / 6`), then clamped. Parameters: the {@linkcode UNARY} block.
 */
export function unary(op: "clamp" | "hard_swish" | "logistic"): FuncBuilder {
  const f = kernel(`un_${op}`);
  const [t0, t1] = [f.param(1), f.param(2)];
  const I = field(f, UNARY, "x"), O = field(f, UNARY, "y"), n = field(f, UNARY, "n");
  const lo = f.local("v128"), hi = f.local("v128");
  blockBase(f).mem("v128.load32_splat", blockOffset(UNARY, "min")).set(lo);
  blockBase(f).mem("v128.load32_splat", blockOffset(UNARY, "max")).set(hi);
  const ET = field(f, UNARY, "perTask");
  const i = f.local("i32"), e = f.local("i32"), x = f.local("v128");
  const nv = f.local("v128"), r = f.local("v128"), bits = f.local("v128");
  const MAGIC = 1.5 * 2 ** 23 + 127;
  f.get(t0).get(ET).op("i32.mul").set(i);
  f.get(t1).get(ET).op("i32.mul").tee(e).get(n).get(e).get(n).op("i32.lt_s", "select").set(e);
  const LOGISTIC_CONSTS = [-87, 88, Math.LOG2E, MAGIC, 0.693359375, -2.12194440e-4, 1 / 720];
  const k = constants(
    f,
    {
      clamp: [],
      hard_swish: HARD_SWISH_CONSTS,
      logistic: [...LOGISTIC_CONSTS, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1],
    }[op],
  );
  const apply = () => {
    if (op === "hard_swish") hardSwish(f, x, k);
    if (op === "logistic") {
      // 1 / (1 + exp(z)), z = -x in [-87, 88]: exp(z) = 2^n · p(r), n = nearest(z / ln 2),
      // r = z - n·ln 2 (two-part ln 2), p the degree-6 Taylor polynomial (|r| <= ln 2 / 2: error
      // below 2e-7), 2^n built in the exponent bits. Adding 1.5·2^23 + 127 rounds z / ln 2 to the
      // nearest integer (ties to even, as f32x4.nearest) and leaves n + 127 in the low mantissa
      // bits, which a shift by 23 turns into 2^n.
      f.get(x).op("f32x4.neg");
      k(-87).op("f32x4.pmax");
      k(88).op("f32x4.pmin").set(r);
      f.get(r);
      k(Math.LOG2E).op("f32x4.mul");
      k(MAGIC).op("f32x4.add").set(bits);
      f.get(bits);
      k(MAGIC).op("f32x4.sub").set(nv);
      f.get(r).get(nv);
      k(0.693359375).op("f32x4.mul", "f32x4.sub");
      f.get(nv);
      k(-2.12194440e-4).op("f32x4.mul", "f32x4.sub").set(r);
      k(1 / 720);
      for (const c of [1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1]) {
        f.get(r).op("f32x4.mul");
        k(c).op("f32x4.add");
      }
      f.get(bits).i32(23).op("i32x4.shl", "f32x4.mul");
      k(1).op("f32x4.add").set(x);
      k(1).get(x).op("f32x4.div").set(x);
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
