/**
 * RESIZE_BILINEAR on the fast CPU backend: the `resize_bilinear` SIMD kernel over the pool.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { resizeScale } from "../_shared/pool_resize.ts";
import { RESIZE } from "../_cpu/blocks.ts";
import { floatAddrs, wasmStep, writeBlock } from "../_cpu/build.ts";

/** Per output index along one axis: the two source indices and the fraction, as the reference. */
function axis(o: { alignCorners: boolean; halfPixelCenters: boolean }, out: number, size: number) {
  const fr = Math.fround;
  const scale = resizeScale({ size, out, alignCorners: o.alignCorners });
  const lo = new Int32Array(out), hi = new Int32Array(out), t = new Float32Array(out);
  for (let v = 0; v < out; v++) {
    const src = o.halfPixelCenters ? fr(fr((v + 0.5) * scale) - 0.5) : fr(v * scale);
    lo[v] = Math.max(Math.floor(src), 0);
    hi[v] = Math.min(Math.ceil(src), size - 1);
    t[v] = fr(src - lo[v]);
  }
  return { lo, hi, t };
}

/**
 * RESIZE_BILINEAR on float32: tables of source rows (absolute addresses) and columns (byte
 * offsets) with their fractions, written once; the kernel blends four pixels per output pixel.
 */
export const resizeBilinearFloat: CpuBuilder<unknown> = (ctx, node) => {
  const o = node.options as {
    alignCorners: boolean;
    halfPixelCenters: boolean;
    outH: number;
    outW: number;
  };
  const a = floatAddrs(ctx, [node.inputs[0], node.outputs[0]]);
  const shape = ctx.graph.tensors[node.inputs[0]].shape;
  if (!a || shape.length !== 4) return undefined;
  const [B, H, W, C] = shape;
  const ay = axis(o, o.outH, H), ax = axis(o, o.outW, W);
  const rows = B * o.outH;
  const rowTable = new Int32Array(rows * 3), colTable = new Int32Array(o.outW * 3);
  const rowF = new Float32Array(rowTable.buffer), colF = new Float32Array(colTable.buffer);
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < o.outH; oy++) {
      const k = (b * o.outH + oy) * 3;
      rowTable[k] = a[0] + (b * H + ay.lo[oy]) * W * C * 4;
      rowTable[k + 1] = a[0] + (b * H + ay.hi[oy]) * W * C * 4;
      rowF[k + 2] = ay.t[oy];
    }
  }
  for (let ox = 0; ox < o.outW; ox++) {
    colTable[ox * 3] = ax.lo[ox] * C * 4;
    colTable[ox * 3 + 1] = ax.hi[ox] * C * 4;
    colF[ox * 3 + 2] = ax.t[ox];
  }
  const rA = ctx.alloc(rowTable.byteLength), cA = ctx.alloc(colTable.byteLength);
  ctx.put(rA, rowTable);
  ctx.put(cA, colTable);
  const RT = Math.max(1, Math.ceil(rows / (ctx.threads * 4)));
  const p = writeBlock(ctx, RESIZE, {
    rowTable: rA,
    colTable: cA,
    out: a[1],
    channelBytes: C * 4,
    outW: o.outW,
    rowsPerTask: RT,
    rows,
  });
  return [wasmStep(ctx, "resize_bilinear", p, Math.ceil(rows / RT))];
};
