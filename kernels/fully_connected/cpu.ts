/**
 * FULLY_CONNECTED on the fast CPU backend: float32 and 8-bit builders.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { f32Of } from "../_cpu/build.ts";
import { floatWeighted } from "../_cpu/weighted.ts";
import { gemm } from "../_cpu/gemm.ts";
import { gemmQ } from "../_cpu/gemm_quant.ts";
import type { FullyConnectedOptions } from "./mod.ts";

/** FULLY_CONNECTED on float32: the indirect GEMM with one tap per row. */
export const fullyConnectedFloat: CpuBuilder<FullyConnectedOptions> = (ctx, node) => {
  const f = floatWeighted(ctx, node);
  if (!f) return undefined;
  const { act, w, b, addrs: a } = f;
  const [O, I] = w.shape;
  const rows = numElements(f.x) / I;
  const pointers = new Int32Array(rows).map((_, r) => a[0] + r * I * 4);
  const wd = f32Of(w);
  return [gemm(ctx, {
    pointers,
    taps: 1,
    K: I,
    N: O,
    weight: (oc, _t, k) => wd[oc * I + k],
    bias: b ? f32Of(b) : undefined,
    out: a[1],
    act,
  })];
};

/** FULLY_CONNECTED on 8-bit tensors: the quantized GEMM with one tap per row. */
export const fullyConnectedCpuQuant: CpuBuilder<FullyConnectedOptions> = (ctx, node) => {
  const o = node.options;
  const w = ctx.graph.tensors[node.inputs[1]];
  if (!w.value) return undefined;
  const [O, I] = w.shape;
  const rows = numElements(ctx.graph.tensors[node.inputs[0]].shape) / I;
  const wd = w.value.data;
  return gemmQ(ctx, node, {
    rows,
    K: I,
    N: O,
    taps: 1,
    pointers: (row) => new Int32Array(rows).map((_, r) => row(r)),
    weight: (oc, _t, k) => Number(wd[oc * I + k]),
    act: o.activation,
  });
};
