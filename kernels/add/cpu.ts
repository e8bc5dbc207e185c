/**
 * ADD on the fast CPU backend: the 8-bit builder (float32 uses the shared
 * `binaryBuilder("add")`).
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import type { BinaryOptions } from "../_shared/binary.ts";
import { quantAddParams, quantizedActivationRange } from "../_shared/quant_math.ts";
import { Q_ADD } from "../_cpu/blocks.ts";
import { wasmStep, writeBlock } from "../_cpu/build.ts";
/** ADD of two 8-bit tensors of the output's size: TFLite's integer ADD (`q_add_*`). */
export const addCpuQuant: CpuBuilder<BinaryOptions> = (ctx, node) => {
  const [ai, bi] = node.inputs;
  const T = ctx.graph.tensors;
  const y = T[node.outputs[0]];
  const act = node.options.activation;
  const range = quantizedActivationRange(act, y.dtype, y.quantization!);
  const n = numElements(y.shape);
  const aa = ctx.addr(ai), ba = ctx.addr(bi), ya = ctx.addr(node.outputs[0]);
  if (!range || aa === undefined || ba === undefined || ya === undefined) return undefined;
  if (numElements(T[ai].shape) !== n || numElements(T[bi].shape) !== n) return undefined;
  if (T[ai].dtype !== y.dtype || T[bi].dtype !== y.dtype) return undefined;
  // int16 (16x8) nodes run on the integer reference.
  if (y.dtype !== "int8" && y.dtype !== "uint8") return undefined;
  const q = quantAddParams([T[ai].quantization!, T[bi].quantization!, y.quantization!], range);
  const sh = (m: { shift: number }) => [Math.max(m.shift, 0), Math.max(-m.shift, 0)];
  // Without left shifts the kernel rescales with the bounded form: 8-bit differences shifted by
  // 20 stay below 2^28, and so do their rescaled sums. It takes multipliers as 2M.
  const bounded = q.m.every((m) => m.shift <= 0 && m.multiplier >= 2 ** 30);
  const mult = (m: { multiplier: number }) => bounded ? (2 * m.multiplier) | 0 : m.multiplier;
  const ET = Math.max(1024, Math.ceil(n / (ctx.threads * 4) / 8) * 8);
  const p = writeBlock(ctx, Q_ADD, {
    a: aa,
    b: ba,
    out: ya,
    n,
    zeroA: q.z[0],
    zeroB: q.z[1],
    zeroOut: q.z[2],
    multA: mult(q.m[0]),
    leftA: sh(q.m[0])[0],
    rightA: sh(q.m[0])[1],
    multB: mult(q.m[1]),
    leftB: sh(q.m[1])[0],
    rightB: sh(q.m[1])[1],
    multOut: mult(q.m[2]),
    leftOut: sh(q.m[2])[0],
    rightOut: sh(q.m[2])[1],
    qmin: range[0],
    qmax: range[1],
    perTask: ET,
  });
  const name = `q_add_${bounded ? "b_" : ""}${y.dtype === "int8" ? "s" : "u"}`;
  return [wasmStep(ctx, name, p, Math.ceil(n / ET))];
};
