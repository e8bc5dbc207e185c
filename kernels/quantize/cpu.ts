/**
 * QUANTIZE on the fast CPU backend (its input is float32, so this is the float builder).
 *
 * @module
 */
import type { CpuBuilder, CpuStep } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { Q_QUANTIZE } from "../_cpu/blocks.ts";
import { view8, wasmStep, writeBlock } from "../_cpu/build.ts";
import type { QuantizeOptions } from "./mod.ts";
/**
 * QUANTIZE of a float32 tensor to a per-tensor uint8/int8 one: `round(x / scale) + zero point`,
 * rounded half away from zero, clamped to the dtype's range (NaN gives the zero point), as the
 * kernel's reference computes it (the division in double precision), so bit for bit equal to it:
 * the `q_quantize_*` SIMD kernel (f64x2) on groups of 8, a typed-array loop on the tail.
 *
 * @example
 * ```ts ignore
 * const steps = quantizeFloat(ctx, node);
 * ```
 */
export const quantizeFloat: CpuBuilder<QuantizeOptions> = (ctx, node) => {
  const T = ctx.graph.tensors;
  const x = T[node.inputs[0]], y = T[node.outputs[0]];
  const xa = ctx.addr(node.inputs[0]), ya = ctx.addr(node.outputs[0]);
  const q = y.quantization;
  if (x.dtype !== "float32" || (y.dtype !== "int8" && y.dtype !== "uint8") || !q) return undefined;
  if (q.scale.length !== 1 || q.zeroPoint.length > 1 || !(q.scale[0] > 0)) return undefined;
  if (xa === undefined || ya === undefined || numElements(y.shape) !== numElements(x.shape)) {
    return undefined;
  }
  const n = numElements(y.shape), s = q.scale[0], zp = q.zeroPoint[0] ?? 0;
  const [lo, hi] = y.dtype === "int8" ? [-128, 127] : [0, 255];
  const G = n >> 3, GT = Math.max(256, Math.ceil(G / (ctx.threads * 4)));
  const p = writeBlock(ctx, Q_QUANTIZE, {
    x: xa,
    y: ya,
    groups: G,
    groupsPerTask: GT,
    zeroPoint: zp,
    scale: s,
    lo: lo - zp,
    hi: hi - zp,
    half: 0.5,
  });
  const steps: CpuStep[] = G > 0
    ? [wasmStep(ctx, `q_quantize_${y.dtype === "int8" ? "s" : "u"}`, p, Math.ceil(G / GT))]
    : [];
  if (n > G * 8) {
    steps.push((rt) => {
      const xs = rt.f32, x0 = xa >> 2;
      const ys = view8(rt.u8, y.dtype, ya, n);
      for (let i = G * 8; i < n; i++) {
        const v = xs[x0 + i] / s;
        let r = v >= 0 ? Math.floor(v + 0.5) : -Math.floor(0.5 - v);
        r = r === r ? r + zp : zp;
        ys[i] = r < lo ? lo : r > hi ? hi : r;
      }
    });
  }
  return steps;
};
