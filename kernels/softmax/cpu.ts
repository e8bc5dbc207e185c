/**
 * SOFTMAX on the fast CPU backend: a float32 loop over rows.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import type { RowOptions } from "../_shared/pool_rowwise.ts";
import { loopBuilder } from "../_cpu/build.ts";
/** SOFTMAX along the last axis of a float32 tensor, in float64. */
export const softmaxFloat: CpuBuilder<RowOptions> = loopBuilder<RowOptions>((ctx, node, [x, y]) => {
  const o = node.options;
  if ((o.activation ?? "NONE") !== "NONE") return undefined;
  const shape = ctx.graph.tensors[node.inputs[0]].shape;
  const C = shape.at(-1) ?? 1;
  const rows = numElements(shape) / C;
  const e = new Float64Array(C);
  return (f) => {
    for (let r = 0; r < rows; r++) {
      const base = x + r * C;
      let m = -Infinity;
      for (let c = 0; c < C; c++) m = Math.max(m, f[base + c]);
      let s = 0;
      for (let c = 0; c < C; c++) s += e[c] = Math.exp((f[base + c] - m) * o.beta);
      for (let c = 0; c < C; c++) f[y + r * C + c] = e[c] / s;
    }
  };
});
