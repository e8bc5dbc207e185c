/**
 * DEQUANTIZE on the fast CPU backend (its input is 8-bit, so this is the 8-bit builder).
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import type { DequantizeOptions } from "./mod.ts";
/**
 * DEQUANTIZE of a per-tensor uint8/int8 tensor to float32 through a 256-entry table of
 * `fround(scale * (q - zero point))`, the reference's values.
 */
export const dequantizeCpuQuant: CpuBuilder<DequantizeOptions> = (ctx, node) => {
  const T = ctx.graph.tensors;
  const x = T[node.inputs[0]], y = T[node.outputs[0]];
  const xa = ctx.addr(node.inputs[0]), ya = ctx.addr(node.outputs[0]);
  const q = x.quantization;
  if (y.dtype !== "float32" || !q || q.scale.length !== 1 || q.zeroPoint.length > 1) {
    return undefined;
  }
  if (xa === undefined || ya === undefined || numElements(y.shape) !== numElements(x.shape)) {
    return undefined;
  }
  const n = numElements(y.shape), s = q.scale[0], zp = q.zeroPoint[0] ?? 0;
  const signed = x.dtype === "int8";
  const table = new Float32Array(256);
  for (let b = 0; b < 256; b++) table[b] = s * ((signed && b > 127 ? b - 256 : b) - zp);
  return [(rt) => {
    const xs = rt.u8, ys = rt.f32, y0 = ya >> 2;
    for (let i = 0; i < n; i++) ys[y0 + i] = table[xs[xa + i]];
  }];
};
