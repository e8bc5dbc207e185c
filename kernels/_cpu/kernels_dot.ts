/**
 * Generator of the float32 convolution kernel for one output channel, where the GEMM's panels of 4
 * or 8 channels would leave most lanes idle: a dot product along the depth instead.
 *
 * @module
 */
import type { FuncBuilder, Local } from "./emit.ts";
import { CONV_DOT } from "./blocks.ts";
import { addTo, field, fma, kernel, whileLt } from "./_wasm_util.ts";

/**
 * `conv_dot`: per output pixel, `Σ_tap Σ_k x[tap][k] · w[tap][k]` over the indirection buffer, 4
 * values of the depth per vector and 4 pixels at a time sharing each weight load; the lanes are
 * summed, the bias added and the result clamped. Parameters: the {@linkcode CONV_DOT} block.
 *
 * @param relaxed Whether the products accumulate with `f32x4.relaxed_madd`.
 * @returns The kernel.
 */
export function convDot(relaxed: boolean): FuncBuilder {
  const f = kernel(relaxed ? "conv_dot_relaxed" : "conv_dot");
  const [t0, t1] = [f.param(1), f.param(2)];
  const ind = field(f, CONV_DOT, "indirection"),
    M = field(f, CONV_DOT, "pixels"),
    T = field(f, CONV_DOT, "taps"),
    K = field(f, CONV_DOT, "depth"),
    wts = field(f, CONV_DOT, "weights"),
    s = field(f, CONV_DOT, "bias"),
    out = field(f, CONV_DOT, "out"),
    lo = field(f, CONV_DOT, "min"),
    hi = field(f, CONV_DOT, "max"),
    PC = field(f, CONV_DOT, "pixelsPerTask");
  const p = f.local("i32"), pEnd = f.local("i32"), wp = f.local("i32");
  const tap = f.local("i32"),
    off = f.local("i32"),
    kBytes = f.local("i32"),
    tBytes = f.local("i32");
  const ptr = [0, 1, 2, 3].map(() => f.local("i32"));
  const row = [0, 1, 2, 3].map(() => f.local("i32"));
  const acc: Local[] = [0, 1, 2, 3].map(() => f.local("v128"));
  const w = f.local("v128"), v = f.local("f32");
  f.get(K).i32(4).op("i32.mul").set(kBytes);
  f.get(T).i32(4).op("i32.mul").set(tBytes);
  f.get(t0).get(PC).op("i32.mul").set(p);
  f.get(t1).get(PC).op("i32.mul").tee(pEnd).get(M).get(pEnd).get(M).op("i32.lt_s", "select");
  f.set(pEnd);
  const pixels = (n: number) => {
    for (let q = 0; q < n; q++) f.f32x4(0).set(acc[q]);
    // row[q]: pixel q's next tap in the indirection buffer.
    f.get(ind).get(p).get(tBytes).op("i32.mul", "i32.add").set(row[0]);
    for (let q = 1; q < n; q++) addTo(f, row[q], row[q - 1], tBytes);
    f.get(wts).set(wp);
    f.get(T).set(tap);
    f.open("loop");
    for (let q = 0; q < n; q++) {
      f.get(row[q]).mem("i32.load").set(ptr[q]);
      addTo(f, row[q], row[q], 4);
    }
    f.i32(0).set(off);
    f.open("loop");
    f.get(wp).get(off).op("i32.add").mem("v128.load").set(w);
    for (let q = 0; q < n; q++) {
      fma(
        f,
        acc[q],
        () => f.get(ptr[q]).get(off).op("i32.add").mem("v128.load"),
        () => f.get(w),
        relaxed,
      );
    }
    addTo(f, off, off, 16);
    f.get(off).get(kBytes).op("i32.lt_s").br(0, true);
    f.end();
    addTo(f, wp, wp, kBytes);
    f.get(tap).i32(1).op("i32.sub").tee(tap).br(0, true);
    f.end();
    for (let q = 0; q < n; q++) {
      f.get(out).get(p).i32(q).op("i32.add").i32(4).op("i32.mul", "i32.add");
      for (let l = 0; l < 4; l++) {
        f.get(acc[q]).extractI32(l).op("f32.reinterpret_i32");
        if (l > 0) f.op("f32.add");
      }
      // Clamped by compare and select (`v < lo ? lo : v`, then `hi < v ? hi : v`: a NaN stays).
      f.get(s).op("f32.add").set(v);
      f.get(lo).get(v).get(v).get(lo).op("f32.lt", "select").set(v);
      f.get(hi).get(v).get(hi).get(v).op("f32.lt", "select").mem("f32.store");
    }
  };
  whileLt(f, p, pEnd, () => {
    f.get(pEnd).get(p).op("i32.sub").i32(4).op("i32.ge_s").open("if");
    pixels(4);
    addTo(f, p, p, 4);
    f.op("else");
    pixels(1);
    addTo(f, p, p, 1);
    f.end();
  });
  return f;
}
