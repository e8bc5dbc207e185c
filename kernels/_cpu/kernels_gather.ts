/**
 * Generators of the float32 WebAssembly SIMD kernels that gather over tables and indirection
 * buffers without weights: RESIZE_BILINEAR, the window maximum of MAX_POOL_2D and
 * MaxPoolingWithArgmax2D, and MaxUnpooling2D. Each reads its parameter block (see `blocks.ts`) by
 * field name.
 *
 * @module
 */
import type { FuncBuilder } from "./emit.ts";
import { blockOffset, RESIZE, UNPOOL, WINDOW_MAX } from "./blocks.ts";
import { addTo, blockBase, clamp, field, kernel, storeLanes, whileLt } from "./_wasm_util.ts";

/**
 * RESIZE_BILINEAR: output rows split among tasks; per output pixel the four source pixels' weights
 * `(1-ty)(1-tx), ty(1-tx), (1-ty)tx, ty·tx` are splat once and the channels run 4 at a time (one
 * lane at a time for the tail). Parameters: the {@linkcode RESIZE} block.
 */
export function resizeBilinear(): FuncBuilder {
  const f = kernel("resize_bilinear");
  const [t0, t1] = [f.param(1), f.param(2)];
  const rows = field(f, RESIZE, "rowTable"),
    cols = field(f, RESIZE, "colTable"),
    out = field(f, RESIZE, "out"),
    CB = field(f, RESIZE, "channelBytes"),
    OW = field(f, RESIZE, "outW"),
    RT = field(f, RESIZE, "rowsPerTask"),
    R = field(f, RESIZE, "rows");
  const r = f.local("i32"), rEnd = f.local("i32"), rt = f.local("i32"), ct = f.local("i32");
  const r0 = f.local("i32"), r1 = f.local("i32"), po = f.local("i32"), ox = f.local("i32");
  const p = [0, 1, 2, 3].map(() => f.local("i32"));
  const c = f.local("i32");
  const ty = f.local("v128"), ty1 = f.local("v128"), tx = f.local("v128"), tx1 = f.local("v128");
  const w = [0, 1, 2, 3].map(() => f.local("v128"));
  const acc = f.local("v128");
  f.get(t0).get(RT).op("i32.mul").set(r);
  f.get(t1).get(RT).op("i32.mul").tee(rEnd).get(R).get(rEnd).get(R).op("i32.lt_s", "select");
  f.set(rEnd);
  // acc = Σ load(p[k] + c) * w[k], in the reference's order.
  const sum = (load: "v128.load" | "v128.load32_splat") => {
    for (let k = 0; k < 4; k++) {
      f.get(p[k]).get(c).op("i32.add").mem(load).get(w[k]).op("f32x4.mul");
      if (k > 0) f.op("f32x4.add");
    }
    f.set(acc);
  };
  whileLt(f, r, rEnd, () => {
    f.get(rows).get(r).i32(12).op("i32.mul", "i32.add").set(rt);
    f.get(rt).mem("i32.load").set(r0);
    f.get(rt).mem("i32.load", 4).set(r1);
    f.get(rt).mem("v128.load32_splat", 8).set(ty);
    f.f32x4(1).get(ty).op("f32x4.sub").set(ty1);
    f.get(out).get(r).get(OW).get(CB).op("i32.mul", "i32.mul", "i32.add").set(po);
    f.get(cols).set(ct);
    f.i32(0).set(ox);
    whileLt(f, ox, OW, () => {
      f.get(ct).mem("v128.load32_splat", 8).set(tx);
      f.f32x4(1).get(tx).op("f32x4.sub").set(tx1);
      f.get(ty1).get(tx1).op("f32x4.mul").set(w[0]);
      f.get(ty).get(tx1).op("f32x4.mul").set(w[1]);
      f.get(ty1).get(tx).op("f32x4.mul").set(w[2]);
      f.get(ty).get(tx).op("f32x4.mul").set(w[3]);
      f.get(r0).get(ct).mem("i32.load").op("i32.add").set(p[0]);
      f.get(r1).get(ct).mem("i32.load").op("i32.add").set(p[1]);
      f.get(r0).get(ct).mem("i32.load", 4).op("i32.add").set(p[2]);
      f.get(r1).get(ct).mem("i32.load", 4).op("i32.add").set(p[3]);
      f.i32(0).set(c);
      f.open("block").open("loop");
      f.get(c).i32(16).op("i32.add").get(CB).op("i32.gt_s").br(1, true);
      sum("v128.load");
      f.get(po).get(c).op("i32.add").get(acc).mem("v128.store");
      addTo(f, c, c, 16);
      f.br(0).end().end();
      f.open("block").open("loop");
      f.get(c).get(CB).op("i32.ge_s").br(1, true);
      sum("v128.load32_splat");
      f.get(po).get(c).op("i32.add").get(acc).storeLane(0);
      addTo(f, c, c, 4);
      f.br(0).end().end();
      addTo(f, po, po, CB);
      addTo(f, ct, ct, 12);
      addTo(f, ox, ox, 1);
    });
    addTo(f, r, r, 1);
  });
  return f;
}

/** float32's lowest finite value: the maximum's starting value, as the reference's. */
export const LOWEST_F32 = -3.4028234663852886e38;

/**
 * MAX_POOL_2D (`window_max`) and MaxPoolingWithArgmax2D (`window_argmax`) over an indirection
 * buffer, 4 channels at a time: a lane takes a tap's value when it is greater (`best < x`, so NaN
 * never wins and the first maximum wins ties: `f32x4.pmax(best, x)` without indices), and with it
 * the tap's index, written as `index + 0.1` in float32. Parameters: the {@linkcode WINDOW_MAX}
 * block.
 *
 * @param argmax Whether indices are written too.
 * @returns The kernel.
 */
export function windowMax(argmax: boolean): FuncBuilder {
  const f = kernel(argmax ? "window_argmax" : "window_max");
  const [t0, t1] = [f.param(1), f.param(2)];
  const ind = field(f, WINDOW_MAX, "indirection"),
    M = field(f, WINDOW_MAX, "pixels"),
    T = field(f, WINDOW_MAX, "taps"),
    C = field(f, WINDOW_MAX, "channels"),
    out = field(f, WINDOW_MAX, "out"),
    iout = field(f, WINDOW_MAX, "indices"),
    PC = field(f, WINDOW_MAX, "pixelsPerTask");
  const lo = f.local("v128"), hi = f.local("v128");
  blockBase(f).mem("v128.load32_splat", blockOffset(WINDOW_MAX, "min")).set(lo);
  blockBase(f).mem("v128.load32_splat", blockOffset(WINDOW_MAX, "max")).set(hi);
  const p = f.local("i32"), pEnd = f.local("i32"), cb = f.local("i32"), cEnd = f.local("i32");
  const ri = f.local("i32"), a = f.local("i32"), tap = f.local("i32"), o = f.local("i32");
  const io = f.local("i32"), left = f.local("i32");
  const best = f.local("v128"), idx = f.local("v128"), tv = f.local("v128");
  const x = f.local("v128"), m = f.local("v128");
  f.get(C).i32(4).op("i32.mul").set(cEnd);
  f.get(t0).get(PC).op("i32.mul").set(p);
  f.get(t1).get(PC).op("i32.mul").tee(pEnd).get(M).get(pEnd).get(M).op("i32.lt_s", "select");
  f.set(pEnd);
  whileLt(f, p, pEnd, () => {
    f.get(ind).get(p).get(T).op("i32.mul").i32(4).op("i32.mul", "i32.add").set(ri);
    f.i32(0).set(cb);
    whileLt(f, cb, cEnd, () => {
      f.f32x4(LOWEST_F32).set(best);
      if (argmax) f.f32x4(0).tee(idx).set(tv);
      f.get(ri).set(a);
      f.get(T).set(tap);
      f.open("loop");
      f.get(a).mem("i32.load").get(cb).op("i32.add").mem("v128.load").set(x);
      // pmax(best, x) is `best < x ? x : best`: the same choice, one instruction.
      if (!argmax) f.get(best).get(x).op("f32x4.pmax").set(best);
      if (argmax) {
        f.get(best).get(x).op("f32x4.lt").set(m);
        f.get(x).get(best).get(m).op("v128.bitselect").set(best);
        f.get(tv).get(idx).get(m).op("v128.bitselect").set(idx);
        f.get(tv).i32(1).op("i32x4.splat", "i32x4.add").set(tv);
      }
      addTo(f, a, a, 4);
      f.get(tap).i32(1).op("i32.sub").tee(tap).br(0, true);
      f.end();
      clamp(f, best, lo, hi);
      if (argmax) f.get(idx).op("f32x4.convert_i32x4_s").f32x4(0.1).op("f32x4.add").set(idx);
      // o, io: this pixel's first output lane of the block.
      f.get(out).get(p).get(cEnd).op("i32.mul", "i32.add").get(cb).op("i32.add").set(o);
      f.get(iout).get(p).get(cEnd).op("i32.mul", "i32.add").get(cb).op("i32.add").set(io);
      f.get(cEnd).get(cb).op("i32.sub").i32(2).op("i32.shr_s").set(left);
      f.get(left).i32(4).op("i32.ge_s").open("if");
      f.get(o).get(best).mem("v128.store");
      if (argmax) f.get(io).get(idx).mem("v128.store");
      f.op("else");
      storeLanes(f, o, [best], left);
      if (argmax) storeLanes(f, io, [idx], left);
      f.end();
      addTo(f, cb, cb, 16);
    });
    addTo(f, p, p, 1);
  });
  return f;
}

/**
 * MaxUnpooling2D over windows that tile the output: each output pixel reads its window's input
 * pixel, keeps the lanes whose truncated index equals its own place in the window (zero
 * elsewhere), then optionally adds a residual (and clamps) and applies PRELU slopes, 4 channels at a
 * time. Parameters: the {@linkcode UNPOOL} block.
 *
 * @returns The kernel.
 */
export function unpool(): FuncBuilder {
  const f = kernel("unpool");
  const [t0, t1] = [f.param(1), f.param(2)];
  const table = field(f, UNPOOL, "table"),
    vals = field(f, UNPOOL, "values"),
    inds = field(f, UNPOOL, "indices"),
    out = field(f, UNPOOL, "out"),
    C = field(f, UNPOOL, "channels"),
    M = field(f, UNPOOL, "pixels"),
    PC = field(f, UNPOOL, "pixelsPerTask"),
    res = field(f, UNPOOL, "residual"),
    slopes = field(f, UNPOOL, "slopes");
  const rlo = f.local("v128"), rhi = f.local("v128");
  blockBase(f).mem("v128.load32_splat", blockOffset(UNPOOL, "residualMin")).set(rlo);
  blockBase(f).mem("v128.load32_splat", blockOffset(UNPOOL, "residualMax")).set(rhi);
  const p = f.local("i32"), pEnd = f.local("i32"), cb = f.local("i32"), cEnd = f.local("i32");
  const src = f.local("i32"), o = f.local("i32"), k = f.local("v128"), v = f.local("v128");
  f.get(C).i32(4).op("i32.mul").set(cEnd);
  f.get(t0).get(PC).op("i32.mul").set(p);
  f.get(t1).get(PC).op("i32.mul").tee(pEnd).get(M).get(pEnd).get(M).op("i32.lt_s", "select");
  f.set(pEnd);
  whileLt(f, p, pEnd, () => {
    f.get(table).get(p).i32(8).op("i32.mul", "i32.add").set(o);
    f.get(o).mem("i32.load").set(src);
    f.get(o).mem("i32.load", 4).op("i32x4.splat").set(k);
    f.get(p).get(cEnd).op("i32.mul").set(o);
    f.i32(0).set(cb);
    whileLt(f, cb, cEnd, () => {
      f.get(inds).get(src).op("i32.add").get(cb).op("i32.add").mem("v128.load");
      f.op("i32x4.trunc_sat_f32x4_s").get(k).op("i32x4.eq");
      f.get(vals).get(src).op("i32.add").get(cb).op("i32.add").mem("v128.load");
      f.op("v128.and").set(v);
      f.get(res).open("if");
      f.get(v).get(res).get(o).op("i32.add").get(cb).op("i32.add").mem("v128.load");
      f.op("f32x4.add").set(v);
      clamp(f, v, rlo, rhi);
      f.end();
      f.get(slopes).open("if");
      f.get(v).f32x4(0).op("f32x4.pmax");
      f.get(v).f32x4(0).op("f32x4.pmin").get(slopes).get(cb).op("i32.add").mem("v128.load");
      f.op("f32x4.mul", "f32x4.add").set(v);
      f.end();
      f.get(out).get(o).op("i32.add").get(cb).op("i32.add").get(v).mem("v128.store");
      addTo(f, cb, cb, 16);
    });
    addTo(f, p, p, 1);
  });
  return f;
}
