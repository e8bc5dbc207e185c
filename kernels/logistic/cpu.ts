/**
 * LOGISTIC on the fast CPU backend: a float32 loop.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { loopBuilder } from "../_cpu/build.ts";
/** LOGISTIC on float32: `1 / (1 + exp(-x))`. */
export const logisticFloat: CpuBuilder<unknown> = loopBuilder<unknown>((ctx, node, [x, y]) => {
  const n = numElements(ctx.graph.tensors[node.outputs[0]].shape);
  return (f) => {
    for (let i = 0; i < n; i++) f[y + i] = 1 / (1 + Math.exp(-f[x + i]));
  };
});
