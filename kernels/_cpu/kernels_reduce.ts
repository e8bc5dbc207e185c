/**
 * Generators of the float32 WebAssembly SIMD reductions: the spatial mean of MEAN.
 *
 * @module
 */
import type { FuncBuilder, Local } from "./emit.ts";
import { blockOffset, MEAN_PIXELS } from "./blocks.ts";
import { addTo, blockBase, field, kernel, whileLt } from "./_wasm_util.ts";

/**
 * MEAN over the pixels of NHWC float32 (`mean_pixels`): a task takes columns (a batch and a block
 * of up to 16 channels); each pixel's values are widened to float64 in pairs
 * (`v128.load64_zero`, `f64x2.promote_low_f32x4`) and summed in up to 8 `f64x2` accumulators, so
 * that the sum is as exact as the reference's float64 one; the sums are divided by the pixel count
 * and narrowed to float32. Parameters: the {@linkcode MEAN_PIXELS} block.
 *
 * @returns The kernel.
 */
export function meanPixels(): FuncBuilder {
  const f = kernel("mean_pixels");
  const [t0, t1] = [f.param(1), f.param(2)];
  const x = field(f, MEAN_PIXELS, "x"),
    y = field(f, MEAN_PIXELS, "y"),
    P = field(f, MEAN_PIXELS, "pixels"),
    C = field(f, MEAN_PIXELS, "channels"),
    N = field(f, MEAN_PIXELS, "columns"),
    CT = field(f, MEAN_PIXELS, "columnsPerTask");
  const count = f.local("v128");
  blockBase(f).mem("v128.load32_splat", blockOffset(MEAN_PIXELS, "count"));
  f.op("f64x2.promote_low_f32x4").set(count);
  const j = f.local("i32"), jEnd = f.local("i32"), blocks = f.local("i32"), b = f.local("i32");
  const cb = f.local("i32"), rowBytes = f.local("i32"), nv = f.local("i32");
  const ptr = f.local("i32"), left = f.local("i32"), o = f.local("i32");
  const acc: Local[] = Array.from({ length: 8 }, () => f.local("v128"));
  f.get(C).i32(4).op("i32.mul").set(rowBytes);
  // 16-channel blocks per batch.
  f.get(C).i32(15).op("i32.add").i32(16).op("i32.div_s").set(blocks);
  f.get(t0).get(CT).op("i32.mul").set(j);
  f.get(t1).get(CT).op("i32.mul").tee(jEnd).get(N).get(jEnd).get(N).op("i32.lt_s", "select");
  f.set(jEnd);
  // The sums of `n` vectors of 4 channels from `ptr` over every pixel, stored as means at `o`.
  const body = (n: number) => {
    for (let a = 0; a < 2 * n; a++) f.f32x4(0).set(acc[a]);
    f.get(P).set(left);
    f.open("loop");
    for (let a = 0; a < 2 * n; a++) {
      f.get(acc[a]).get(ptr).mem("v128.load64_zero", 8 * a).op("f64x2.promote_low_f32x4");
      f.op("f64x2.add").set(acc[a]);
    }
    addTo(f, ptr, ptr, rowBytes);
    f.get(left).i32(1).op("i32.sub").tee(left).br(0, true);
    f.end();
    for (let a = 0; a < 2 * n; a++) {
      f.get(acc[a]).get(count).op("f64x2.div", "f32x4.demote_f64x2_zero").set(acc[a]);
      f.get(o).get(acc[a]).storeLane(0, 8 * a);
      f.get(o).get(acc[a]).storeLane(1, 8 * a + 4);
    }
  };
  whileLt(f, j, jEnd, () => {
    f.get(j).get(blocks).op("i32.div_s").set(b);
    f.get(j).get(b).get(blocks).op("i32.mul", "i32.sub").i32(64).op("i32.mul").set(cb);
    f.get(x).get(b).get(P).get(rowBytes).op("i32.mul", "i32.mul", "i32.add").get(cb);
    f.op("i32.add").set(ptr);
    f.get(y).get(b).get(rowBytes).op("i32.mul", "i32.add").get(cb).op("i32.add").set(o);
    // Vectors in this block: 4, or what is left of the channels.
    f.get(rowBytes).get(cb).op("i32.sub").i32(4).op("i32.shr_s").set(nv);
    for (const n of [4, 3, 2]) {
      f.get(nv).i32(n).op("i32.ge_s").open("if");
      body(n);
      f.op("else");
    }
    body(1);
    for (let k = 0; k < 3; k++) f.end();
    addTo(f, j, j, 1);
  });
  return f;
}
