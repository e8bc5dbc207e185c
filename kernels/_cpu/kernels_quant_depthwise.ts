/**
 * The generator of the 8-bit DEPTHWISE_CONV_2D WebAssembly SIMD kernel (`q_depthwise_*`). It reads
 * its parameter block ({@linkcode Q_DEPTHWISE}) by field name.
 *
 * @module
 */
import type { FuncBuilder } from "./emit.ts";
import { Q_DEPTHWISE } from "./blocks.ts";
import { addTo, field, kernel, whileLt } from "./_wasm_util.ts";
import type { RequantMode } from "./kernels_quant.ts";
import {
  BOUNDED_GROUP_BYTES,
  boundedRequantSetup,
  requantBounded,
  requantBoundedPerChannel,
  requantPerChannel,
  vecRequantSetup,
} from "./_requant_simd.ts";

/** Interleaves the bytes of two vectors: lanes 0-7 (`LOW_BYTES`) or 8-15 (`HIGH_BYTES`). */
const LOW_BYTES = [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23];
const HIGH_BYTES = LOW_BYTES.map((b) => b + 8);

/**
 * Quantized DEPTHWISE_CONV_2D (multiplier 1), 16 channels and two taps at a time: one 16-byte load
 * per tap, the two taps' bytes interleaved per channel and widened to int16 pairs that meet
 * weights packed the same way in `i32x4.dot_i16x8_s`; two output pixels per weight load; then
 * TFLite requantization. The builder pads the taps to an even count (the extra tap reads a
 * zero-point row against zero weights) and folds the input zero point into the bias (`bias - zx *
 * sum(w)`; padding taps read rows of `zx`, which the fold cancels exactly), so taps multiply the
 * raw 8-bit values. Channels past the last (up to a multiple of 16) read whatever follows a pixel's
 * channels and meet zero weights; their results are not stored. Parameters: the
 * {@linkcode Q_DEPTHWISE} block (`taps` even, weights `[taps / 2][Cp][2]` with `Cp` the channels
 * rounded up to 16; its `inZeroPoint` is not read).
 */
export function depthwiseQ(signed: boolean, mode: RequantMode): FuncBuilder {
  const perChannel = mode === "pc";
  const f = kernel(`q_depthwise_${mode}_${signed ? "s" : "u"}`);
  const [t0, t1] = [f.param(1), f.param(2)];
  const ind = field(f, Q_DEPTHWISE, "indirection"),
    M = field(f, Q_DEPTHWISE, "pixels"),
    T = field(f, Q_DEPTHWISE, "taps"),
    C = field(f, Q_DEPTHWISE, "channels");
  const wts = field(f, Q_DEPTHWISE, "weights"),
    bias = field(f, Q_DEPTHWISE, "bias"),
    out = field(f, Q_DEPTHWISE, "out"),
    ostride = field(f, Q_DEPTHWISE, "outStride");
  const mult0 = field(f, Q_DEPTHWISE, "mult"),
    left0 = field(f, Q_DEPTHWISE, "left"),
    right0 = field(f, Q_DEPTHWISE, "right");
  const zy = field(f, Q_DEPTHWISE, "outZeroPoint"),
    qmin = field(f, Q_DEPTHWISE, "qmin"),
    qmax = field(f, Q_DEPTHWISE, "qmax"),
    PC = field(f, Q_DEPTHWISE, "pixelsPerTask");
  // Two sets of requantization addresses: channels 0-7 and 8-15 of the group.
  const q = [0, 1].map(() => ({
    mult: f.local("i32"),
    left: f.local("i32"),
    right: f.local("i32"),
  }));
  const p = f.local("i32"), pEnd = f.local("i32"), c = f.local("i32"), ri = f.local("i32");
  const wp = f.local("i32"), tap = f.local("i32"), o = f.local("i32"), b = f.local("i32");
  const rowBytes = f.local("i32"), left = f.local("i32"), rest = f.local("i32");
  const indBytes = f.local("i32");
  const xa = f.local("v128"), xb = f.local("v128"), xi = f.local("v128");
  const wv = [0, 1, 2, 3].map(() => f.local("v128"));
  const aa = [f.local("i32"), f.local("i32")];
  const acc = [0, 1].map(() => [0, 1, 2, 3].map(() => f.local("v128")));
  const [extLow, extHigh] = signed
    ? ["i16x8.extend_low_i8x16_s", "i16x8.extend_high_i8x16_s"]
    : ["i16x8.extend_low_i8x16_u", "i16x8.extend_high_i8x16_u"];
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
  // One pair of taps: Cp channels x 2 taps of int16.
  f.get(C).i32(15).op("i32.add").i32(-16).op("i32.and").i32(4).op("i32.mul").set(rowBytes);
  f.get(T).i32(4).op("i32.mul").set(indBytes);
  f.get(t0).get(PC).op("i32.mul").set(p);
  f.get(t1).get(PC).op("i32.mul").tee(pEnd).get(M).get(pEnd).get(M).op("i32.lt_s", "select");
  f.set(pEnd);
  // MR output pixels (1 or 2) from pixel p: every tap's weights loaded once for all of them.
  const pixels = (MR: number) => {
    f.get(ind).get(p).get(indBytes).op("i32.mul", "i32.add").set(ri);
    f.i32(0).set(c);
    whileLt(f, c, C, () => {
      f.get(bias).get(c).i32(4).op("i32.mul", "i32.add").set(b);
      for (let r = 0; r < MR; r++) {
        for (let v = 0; v < 4; v++) f.get(b).mem("v128.load", 16 * v).set(acc[r][v]);
        if (r === 0) f.get(ri).set(aa[r]);
        else addTo(f, aa[r], ri, indBytes);
      }
      f.get(wts).get(c).i32(4).op("i32.mul", "i32.add").set(wp);
      f.get(T).i32(1).op("i32.shr_u").set(tap);
      f.open("loop");
      for (let v = 0; v < 4; v++) f.get(wp).mem("v128.load", 16 * v).set(wv[v]);
      for (let r = 0; r < MR; r++) {
        f.get(aa[r]).mem("i32.load").get(c).op("i32.add").mem("v128.load").set(xa);
        f.get(aa[r]).mem("i32.load", 4).get(c).op("i32.add").mem("v128.load").set(xb);
        for (const [h, lanes] of [[0, LOW_BYTES], [1, HIGH_BYTES]] as const) {
          f.get(xa).get(xb).shuffle(lanes).set(xi);
          f.get(acc[r][2 * h]).get(xi).op(extLow).get(wv[2 * h]);
          f.op("i32x4.dot_i16x8_s", "i32x4.add").set(acc[r][2 * h]);
          f.get(acc[r][2 * h + 1]).get(xi).op(extHigh).get(wv[2 * h + 1]);
          f.op("i32x4.dot_i16x8_s", "i32x4.add").set(acc[r][2 * h + 1]);
        }
        addTo(f, aa[r], aa[r], 8);
      }
      addTo(f, wp, wp, rowBytes);
      f.get(tap).i32(1).op("i32.sub").tee(tap).br(0, true);
      f.end();
      for (let g = 0; g < 2; g++) {
        f.get(mult0).get(c).i32(4).op("i32.mul", "i32.add").i32(32 * g).op("i32.add");
        f.set(q[g].mult);
        f.get(left0).get(c).i32(4).op("i32.mul", "i32.add").i32(32 * g).op("i32.add");
        f.set(q[g].left);
        // Per group of 8 channels: 256 bytes (pc), BOUNDED_GROUP_BYTES (b); one word per channel (v).
        const groupBytes = { v: 32, b: BOUNDED_GROUP_BYTES, pc: 256 }[mode];
        f.get(right0).get(c).i32(groupBytes / 8).op("i32.mul", "i32.add");
        f.i32(mode === "v" ? 0 : groupBytes * g).op("i32.add").set(q[g].right);
      }
      f.get(C).get(c).op("i32.sub").set(left);
      for (let r = 0; r < MR; r++) {
        for (let v = 0; v < 4; v++) {
          const g = q[v >> 1], off = 16 * (v & 1);
          if (perChannel) requantPerChannel(f, acc[r][v], g, off, qv);
          else if (mode === "b") requantBoundedPerChannel(f, acc[r][v], g, off, qb);
          else requantBounded(f, acc[r][v], () => f.get(g.mult).mem("v128.load", off), qb);
        }
        f.get(acc[r][0]).get(acc[r][1]).op("i16x8.narrow_i32x4_s");
        f.get(acc[r][2]).get(acc[r][3]).op("i16x8.narrow_i32x4_s");
        f.op(signed ? "i8x16.narrow_i16x8_s" : "i8x16.narrow_i16x8_u").set(xi);
        f.get(out).get(p).i32(r).op("i32.add").get(ostride).op("i32.mul", "i32.add");
        f.get(c).op("i32.add").set(o);
        f.get(left).i32(16).op("i32.ge_s").open("if");
        f.get(o).get(xi).mem("v128.store");
        f.op("else");
        for (let l = 0; l < 15; l++) {
          f.get(left).i32(l).op("i32.gt_s").open("if");
          f.get(o).get(xi).extractU8(l).mem("i32.store8", l).end();
        }
        f.end();
      }
      addTo(f, c, c, 16);
    });
  };
  whileLt(f, p, pEnd, () => {
    f.get(pEnd).get(p).op("i32.sub").set(rest);
    f.get(rest).i32(2).op("i32.ge_s").open("if");
    pixels(2);
    addTo(f, p, p, 2);
    f.op("else");
    pixels(1);
    addTo(f, p, p, 1);
    f.end();
  });
  return f;
}
