/**
 * Generators of the 8-bit WebAssembly SIMD kernels: ADD, the widening and gathering of activations
 * to int16, the quantized GEMM of CONV_2D and FULLY_CONNECTED, and QUANTIZE (depthwise convolution:
 * `kernels_quant_depthwise.ts`). Each reads its parameter block (see `blocks.ts`) by field name.
 *
 * @module
 */
import type { FuncBuilder, Local } from "./emit.ts";
import { blockOffset, Q_ADD, Q_CONV_GEMM, Q_QUANTIZE, Q_WIDEN } from "./blocks.ts";
import { addTo, blockBase, field, kernel, narrow8, storeBytes, whileLt } from "./_wasm_util.ts";
import {
  BOUNDED_GROUP_BYTES,
  boundedRequantSetup,
  requantBounded,
  requantBoundedPerChannel,
  requantPerChannel,
  requantVec,
  vecRequantSetup,
} from "./_requant_simd.ts";

/**
 * TFLite's 8-bit ADD, 8 elements at a time: both inputs shifted left by 20 and rescaled, summed,
 * rescaled to the output. `bounded` (no left shifts, multipliers of `[2^30, 2^31)` given as `2M`,
 * as ADD's 8-bit scales give) rescales with {@linkcode requantBounded}: 8-bit differences shifted
 * by 20 and their rescaled sums stay below its `2^30`. Parameters: the {@linkcode Q_ADD} block.
 */
export function addQ(signed: boolean, bounded = false): FuncBuilder {
  const f = kernel(`q_add_${bounded ? "b_" : ""}${signed ? "s" : "u"}`);
  const [t0, t1] = [f.param(1), f.param(2)];
  const P = f.param(0);
  const A = field(f, Q_ADD, "a"),
    B = field(f, Q_ADD, "b"),
    O = field(f, Q_ADD, "out"),
    n = field(f, Q_ADD, "n");
  const ld = (k: keyof typeof Q_ADD.fields) => () =>
    f.get(P).mem("i32.load", blockOffset(Q_ADD, k));
  const none = (v: number) => () => f.i32(v);
  /** One rescaling stage: `v` in place, with the multiplier splat in `m`. */
  const stage = (g: {
    left: () => void;
    right: () => void;
    zy: () => void;
    qmin: () => void;
    qmax: () => void;
  }): (v: Local, m: Local) => void => {
    if (bounded) {
      const q = boundedRequantSetup(f, g);
      return (v, m) => requantBounded(f, v, () => f.get(m), q, true);
    }
    const q = vecRequantSetup(f, g);
    return (v, m) => requantVec(f, v, () => f.get(m), q);
  };
  const full = { zy: none(0), qmin: none(-(2 ** 31)), qmax: none(2 ** 31 - 1) };
  const qa = stage({ left: ld("leftA"), right: ld("rightA"), ...full });
  const qb = stage({ left: ld("leftB"), right: ld("rightB"), ...full });
  const qo = stage({
    left: ld("leftOut"),
    right: ld("rightOut"),
    zy: ld("zeroOut"),
    qmin: ld("qmin"),
    qmax: ld("qmax"),
  });
  const za = f.local("v128"), zb = f.local("v128");
  f.get(P).mem("i32.load", blockOffset(Q_ADD, "zeroA")).op("i32x4.splat").set(za);
  f.get(P).mem("i32.load", blockOffset(Q_ADD, "zeroB")).op("i32x4.splat").set(zb);
  const ma = f.local("v128"), mb = f.local("v128"), mo = f.local("v128");
  f.get(P).mem("i32.load", blockOffset(Q_ADD, "multA")).op("i32x4.splat").set(ma);
  f.get(P).mem("i32.load", blockOffset(Q_ADD, "multB")).op("i32x4.splat").set(mb);
  f.get(P).mem("i32.load", blockOffset(Q_ADD, "multOut")).op("i32x4.splat").set(mo);
  const ET = field(f, Q_ADD, "perTask");
  const i = f.local("i32"), e = f.local("i32"), left = f.local("i32");
  const x = [0, 1].map(() => f.local("v128")), y = [0, 1].map(() => f.local("v128"));
  const w = f.local("v128");
  f.get(t0).get(ET).op("i32.mul").set(i);
  f.get(t1).get(ET).op("i32.mul").tee(e).get(n).get(e).get(n).op("i32.lt_s", "select").set(e);
  const load = (ptr: Local, z: Local, out: Local[], q: (v: Local, m: Local) => void, m: Local) => {
    f.get(ptr).get(i).op("i32.add").mem(signed ? "v128.load8x8_s" : "v128.load8x8_u").set(w);
    f.get(w).op(signed ? "i32x4.extend_low_i16x8_s" : "i32x4.extend_low_i16x8_u").set(out[0]);
    f.get(w).op(signed ? "i32x4.extend_high_i16x8_s" : "i32x4.extend_high_i16x8_u").set(out[1]);
    for (const v of out) {
      f.get(v).get(z).op("i32x4.sub").i32(20).op("i32x4.shl").set(v);
      q(v, m);
    }
  };
  whileLt(f, i, e, () => {
    load(A, za, x, qa, ma);
    load(B, zb, y, qb, mb);
    for (let k = 0; k < 2; k++) {
      f.get(x[k]).get(y[k]).op("i32x4.add").set(x[k]);
      qo(x[k], mo);
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
 * (a multiple of 8; the padding lanes hold junk that meets zero weights). Parameters: the {@linkcode Q_WIDEN} block.
 */
export function widen(signed: boolean): FuncBuilder {
  const f = kernel(signed ? "q_widen_s" : "q_widen_u");
  const [t0, t1] = [f.param(1), f.param(2)];
  const src = field(f, Q_WIDEN, "src"),
    dst = field(f, Q_WIDEN, "dst"),
    R = field(f, Q_WIDEN, "rows"),
    K = field(f, Q_WIDEN, "depth"),
    K2 = field(f, Q_WIDEN, "depthPadded");
  const z = f.local("v128");
  blockBase(f).mem("i32.load", blockOffset(Q_WIDEN, "zeroPoint")).op("i16x8.splat").set(z);
  const RT = field(f, Q_WIDEN, "rowsPerTask");
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
 * Makes the int16 rows `[from, to)` of the GEMM (zero point removed) when the block's `prep` is
 * set: row `m` gathers pixel `m`'s window, the `prepDepth` 8-bit values at each of its `prepTaps`
 * addresses side by side. Every tap stores 8 lanes at a time; lanes past its depth are overwritten
 * by the next tap or meet zero weights past the last. `rowBytes` holds the row length in int16
 * (K2).
 */
function prepareRows(
  f: FuncBuilder,
  g: { from: Local; to: Local; rowBytes: Local; signed: boolean },
): void {
  const src = field(f, Q_CONV_GEMM, "prepSrc"),
    T = field(f, Q_CONV_GEMM, "prepTaps"),
    K = field(f, Q_CONV_GEMM, "prepDepth"),
    rows = field(f, Q_CONV_GEMM, "prepRows");
  const z = f.local("v128"), m = f.local("i32"), ri = f.local("i32"), riEnd = f.local("i32");
  const ps = f.local("i32"), psEnd = f.local("i32"), pd = f.local("i32"), next = f.local("i32");
  const stride = f.local("i32"), tapBytes = f.local("i32");
  blockBase(f).mem("i32.load", blockOffset(Q_CONV_GEMM, "prepZeroPoint")).op("i16x8.splat").set(z);
  f.get(g.rowBytes).i32(2).op("i32.mul").set(stride);
  f.get(K).i32(2).op("i32.mul").set(tapBytes);
  f.get(src).get(g.from).get(T).op("i32.mul").i32(4).op("i32.mul", "i32.add").set(ri);
  f.get(rows).get(g.from).get(stride).op("i32.mul", "i32.add").set(next);
  f.get(g.from).set(m);
  whileLt(f, m, g.to, () => {
    f.get(ri).get(T).i32(4).op("i32.mul", "i32.add").set(riEnd);
    f.get(next).set(pd);
    addTo(f, next, next, stride);
    const load8 = g.signed ? "v128.load8x8_s" : "v128.load8x8_u";
    f.get(K).i32(8).op("i32.lt_s").open("if");
    // Taps of fewer than 8 values: one store each, the next tap K values on.
    whileLt(f, ri, riEnd, () => {
      f.get(pd).get(ri).mem("i32.load").mem(load8).get(z).op("i16x8.sub").mem("v128.store");
      addTo(f, pd, pd, tapBytes);
      addTo(f, ri, ri, 4);
    });
    f.op("else");
    whileLt(f, ri, riEnd, () => {
      f.get(ri).mem("i32.load").tee(ps).get(K).op("i32.add").set(psEnd);
      // The tap's values, 8 at a time; the next tap starts K values on.
      f.open("loop");
      f.get(pd).get(ps).mem(load8).get(z).op("i16x8.sub").mem("v128.store");
      addTo(f, pd, pd, 16);
      addTo(f, ps, ps, 8);
      f.get(ps).get(psEnd).op("i32.lt_u").br(0, true);
      f.end();
      f.get(pd).get(ps).get(psEnd).op("i32.sub").i32(2).op("i32.mul", "i32.sub").set(pd);
      addTo(f, ri, ri, 4);
    });
    f.end();
    addTo(f, m, m, 1);
  });
}

/**
 * How an 8-bit kernel requantizes (see `requantArrays`): `v` bounded accumulators with one right
 * shift, `b` bounded with a right shift per channel, `pc` any multipliers and shifts.
 */
export type RequantMode = "v" | "b" | "pc";

/**
 * Quantized CONV_2D / FULLY_CONNECTED: an indirect GEMM over int16 rows (zero point removed) with
 * `i32x4.dot_i16x8_s`, 4 pixels x 8 channels per tile, then TFLite requantization to 8 bits.
 * Parameters: the {@linkcode Q_CONV_GEMM} block.
 */
export function convQ(vec: "u" | "s", mode: RequantMode): FuncBuilder {
  const perChannel = mode === "pc";
  const f = kernel(`q_conv_gemm_${mode}_${vec}`);
  const [t, t1] = [f.param(1), f.param(2)];
  const ind = field(f, Q_CONV_GEMM, "indirection"),
    M = field(f, Q_CONV_GEMM, "pixels"),
    T = field(f, Q_CONV_GEMM, "taps"),
    K2 = field(f, Q_CONV_GEMM, "depthPadded");
  const wpk = field(f, Q_CONV_GEMM, "weights"),
    bias = field(f, Q_CONV_GEMM, "bias"),
    out = field(f, Q_CONV_GEMM, "out"),
    N = field(f, Q_CONV_GEMM, "channels");
  const ostride = field(f, Q_CONV_GEMM, "outStride"),
    mult0 = field(f, Q_CONV_GEMM, "mult"),
    left0 = field(f, Q_CONV_GEMM, "left"),
    right0 = field(f, Q_CONV_GEMM, "right");
  const zy = field(f, Q_CONV_GEMM, "outZeroPoint"),
    qmin = field(f, Q_CONV_GEMM, "qmin"),
    qmax = field(f, Q_CONV_GEMM, "qmax");
  const MC = field(f, Q_CONV_GEMM, "pixelsPerTask"),
    NCP = field(f, Q_CONV_GEMM, "panelsPerTask"),
    TM = field(f, Q_CONV_GEMM, "tasksM"),
    NP = field(f, Q_CONV_GEMM, "panels");
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
    left: () => f.i32(0),
    right: () => f.i32(0),
    zy: () => f.get(zy),
    qmin: () => f.get(qmin),
    qmax: () => f.get(qmax),
  });
  const qb = {
    ...boundedRequantSetup(f, {
      right: () => mode === "v" ? f.get(right0).mem("i32.load") : f.i32(1),
      zy: () => f.get(zy),
      qmin: () => f.get(qmin),
      qmax: () => f.get(qmax),
    }),
    sign: f.local("v128"),
  };
  f.i32(2 ** 31 | 0).op("i32x4.splat").set(qb.sign);
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
    // K2 is a multiple of 8: KU pairs of depth values per step, at constant load offsets.
    const step = (pairs: number) => {
      for (let u = 0; u < pairs; u++) {
        f.get(w).mem("v128.load", 32 * u).set(wv0);
        f.get(w).mem("v128.load", 32 * u + 16).set(wv1);
        for (let r = 0; r < MR; r++) {
          f.get(a[r]).mem("v128.load32_splat", 4 * u).set(s);
          f.get(acc[r][0]).get(s).get(wv0).op("i32x4.dot_i16x8_s", "i32x4.add").set(acc[r][0]);
          f.get(acc[r][1]).get(s).get(wv1).op("i32x4.dot_i16x8_s", "i32x4.add").set(acc[r][1]);
        }
      }
      for (let r = 0; r < MR; r++) addTo(f, a[r], a[r], 4 * pairs);
      addTo(f, w, w, 32 * pairs);
    };
    f.get(K2).i32(4).op("i32.shr_u").tee(k).open("if");
    f.open("loop");
    step(8);
    f.get(k).i32(1).op("i32.sub").tee(k).br(0, true);
    f.end();
    f.end();
    f.get(K2).i32(8).op("i32.and").open("if");
    step(4);
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
      } else if (mode === "b") {
        requantBoundedPerChannel(f, acc[r][0], q, 0, qb);
        requantBoundedPerChannel(f, acc[r][1], q, 16, qb);
      } else {
        requantBounded(f, acc[r][0], () => f.get(q.mult).mem("v128.load"), qb);
        requantBounded(f, acc[r][1], () => f.get(q.mult).mem("v128.load", 16), qb);
      }
      narrow8(f, acc[r][0], acc[r][1], vec === "s");
      f.set(s);
      storeBytes(f, () => f.get(o), s, nc);
    }
    addTo(f, m0, m0, MR);
  };
  const prep = field(f, Q_CONV_GEMM, "prep");
  whileLt(f, t, t1, () => {
    f.get(t).get(TM).op("i32.rem_u").get(MC).op("i32.mul").set(mStart);
    f.get(mStart).get(MC).op("i32.add").tee(mEnd).get(M).get(mEnd).get(M).op("i32.lt_s");
    f.op("select").set(mEnd);
    f.get(prep).open("if");
    prepareRows(f, { from: mStart, to: mEnd, rowBytes: K2, signed: vec === "s" });
    f.end();
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
      const groupBytes = { v: 32, b: BOUNDED_GROUP_BYTES, pc: 256 }[mode];
      f.get(right0).get(j).i32(groupBytes).op("i32.mul", "i32.add").set(q.right);
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
 * QUANTIZE of float32 to 8 bits, 8 elements at a time, exactly as the reference: in double
 * precision `sign(v) * floor(|v| + 0.5)` of `v = x / scale`, clamped to `[lo - zp, hi - zp]` (NaN
 * stays NaN and truncates to 0), plus the zero point. Parameters: the {@linkcode Q_QUANTIZE} block.
 */
export function quantizeF32(signed: boolean): FuncBuilder {
  const f = kernel(`q_quantize_${signed ? "s" : "u"}`);
  const [t0, t1] = [f.param(1), f.param(2)];
  const P = f.param(0);
  const X = field(f, Q_QUANTIZE, "x"),
    Y = field(f, Q_QUANTIZE, "y"),
    G = field(f, Q_QUANTIZE, "groups"),
    GT = field(f, Q_QUANTIZE, "groupsPerTask");
  const v = (): Local => f.local("v128");
  const sc = v(), lo = v(), hi = v(), half = v(), zp = v(), zero = v();
  const x = v(), t = v(), a = v(), q0 = v(), q1 = v(), c = v();
  f.get(P).mem("v128.load64_splat", blockOffset(Q_QUANTIZE, "scale")).set(sc);
  f.get(P).mem("v128.load64_splat", blockOffset(Q_QUANTIZE, "lo")).set(lo);
  f.get(P).mem("v128.load64_splat", blockOffset(Q_QUANTIZE, "hi")).set(hi);
  f.get(P).mem("v128.load64_splat", blockOffset(Q_QUANTIZE, "half")).set(half);
  f.get(P).mem("i32.load", blockOffset(Q_QUANTIZE, "zeroPoint")).op("i32x4.splat").set(zp);
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
