/**
 * MaxUnpooling2D on the fast CPU backend: the output is cleared, then each value is written at the
 * position its window index names (a float32 loop over the arena, channels innermost).
 *
 * @module
 */
import type { CpuBuildContext, CpuBuilder, CpuNode, CpuSteps } from "../../core/kernel.ts";
import type { PoolParams } from "../_shared/pool_window.ts";
import { UNPOOL } from "../_cpu/blocks.ts";
import { floatAddrs, gemmEpilogue, wasmStep, writeBlock } from "../_cpu/build.ts";

/** Geometry of an unpooling: output size and leading padding per axis. */
export interface UnpoolGeometry {
  /** Output height. */
  outH: number;
  /** Output width. */
  outW: number;
  /** Rows cut before the first. */
  padH: number;
  /** Columns cut before the first. */
  padW: number;
}

/**
 * Builder of a float32 MaxUnpooling2D node (indices float32 or int32), with the op's geometry.
 *
 * @example
 * ```ts ignore
 * export const maxUnpooling2d = { ..., cpu: { float: unpoolBuilder(geometry) } };
 * ```
 *
 * @param geometry The op's output size and padding from the values' shape and the options.
 * @returns The builder.
 */
export function unpoolBuilder(
  geometry: (shape: readonly number[], p: PoolParams) => UnpoolGeometry,
): CpuBuilder<PoolParams> {
  return (ctx, node) => {
    const [vi, ii] = node.inputs;
    const T = ctx.graph.tensors;
    const a = floatAddrs(ctx, [vi, node.outputs[0]]);
    const ia = ctx.addr(ii);
    const dt = T[ii].dtype;
    if (!a || ia === undefined || (dt !== "float32" && dt !== "int32")) return undefined;
    const shape = T[vi].shape;
    if (shape.length !== 4) return undefined;
    const p = node.options;
    const [B, H, W, C] = shape;
    const g = geometry(shape, p);
    if (
      dt === "float32" && C % 4 === 0 && p.strideH === p.filterH && p.strideW === p.filterW &&
      g.padH === 0 && g.padW === 0
    ) {
      return tiledUnpool(ctx, node, { values: a[0], indices: ia, out: a[1], shape, p, g });
    }
    const [v, y] = [a[0] >> 2, a[1] >> 2];
    const ix0 = ia >> 2;
    const n = B * g.outH * g.outW * C;
    return [(rt) => {
      const f = rt.f32;
      const ind = dt === "int32" ? rt.i32 : f;
      f.fill(0, y, y + n);
      let k = 0;
      for (let b = 0; b < B; b++) {
        for (let iy = 0; iy < H; iy++) {
          const oy0 = iy * p.strideH - g.padH;
          for (let ix = 0; ix < W; ix++) {
            const ox0 = ix * p.strideW - g.padW;
            for (let c = 0; c < C; c++, k++) {
              const w = Math.trunc(ind[ix0 + k]);
              const oy = oy0 + Math.trunc(w / p.filterW), ox = ox0 + (w % p.filterW);
              if (oy >= 0 && oy < g.outH && ox >= 0 && ox < g.outW) {
                f[y + ((b * g.outH + oy) * g.outW + ox) * C + c] = f[v + k];
              }
            }
          }
        }
      }
    }];
  };
}

/**
 * The `unpool` kernel where windows tile the output (stride = window, no padding, float32 indices,
 * channels a multiple of 4): a gather per output pixel, with a leading residual ADD and PRELU of
 * the node's epilogue applied in the same pass.
 */
function tiledUnpool(
  ctx: CpuBuildContext,
  node: CpuNode<PoolParams>,
  a: {
    values: number;
    indices: number;
    out: number;
    shape: readonly number[];
    p: PoolParams;
    g: UnpoolGeometry;
  },
): CpuSteps {
  const [B, H, W, C] = a.shape;
  const { p, g } = a;
  const M = B * g.outH * g.outW;
  const table = new Int32Array(M * 2);
  for (let b = 0, q = 0; b < B; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++, q++) {
        const iy = Math.floor(oy / p.strideH), ix = Math.floor(ox / p.strideW);
        table[2 * q] = ((b * H + iy) * W + ix) * C * 4;
        table[2 * q + 1] = (oy % p.strideH) * p.filterW + (ox % p.strideW);
      }
    }
  }
  const tA = ctx.alloc(table.byteLength);
  ctx.put(tA, table);
  // A leading residual ADD and PRELU (not a HARD_SWISH) go into the same pass.
  const found = gemmEpilogue(ctx, node, C);
  const ep = found.hardSwish ? { applied: 0, residual: undefined, slopes: undefined } : found;
  let slopes = 0;
  if (ep.slopes) {
    slopes = ctx.alloc(ep.slopes.byteLength);
    ctx.put(slopes, ep.slopes);
  }
  const PC = Math.max(1, Math.ceil(M / (ctx.threads * 8)));
  const block = writeBlock(ctx, UNPOOL, {
    table: tA,
    values: a.values,
    indices: a.indices,
    out: a.out,
    channels: C,
    pixels: M,
    pixelsPerTask: PC,
    residual: ep.residual?.addr ?? 0,
    residualMin: ep.residual?.act[0] ?? 0,
    residualMax: ep.residual?.act[1] ?? 0,
    slopes,
  });
  return Object.assign([wasmStep(ctx, "unpool", block, Math.ceil(M / PC))], {
    epilogueApplied: ep.applied,
  });
}
