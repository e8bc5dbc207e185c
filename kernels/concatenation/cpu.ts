/**
 * CONCATENATION on the fast CPU backend: float32 row copies.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { loopBuilder } from "../_cpu/build.ts";
import type { ConcatenationOptions } from "./mod.ts";
/** CONCATENATION of float32 tensors without a fused activation. */
export const concatenationFloat: CpuBuilder<ConcatenationOptions> = loopBuilder<
  ConcatenationOptions
>((ctx, node, a) => {
  const o = node.options;
  if (o.activation !== "NONE") return undefined;
  const g = ctx.graph;
  const ins = node.inputs.filter((t) => t >= 0);
  const os = g.tensors[node.outputs[0]].shape;
  const axis = o.axis < 0 ? o.axis + os.length : o.axis;
  const outer = numElements(os.slice(0, axis));
  const inner = ins.map((t) => numElements(g.tensors[t].shape.slice(axis)));
  const row = numElements(os.slice(axis));
  const y = a[ins.length];
  return (f) => {
    let off = 0;
    ins.forEach((_, k) => {
      const n = inner[k], src = a[k];
      for (let r = 0; r < outer; r++) f.copyWithin(y + r * row + off, src + r * n, src + r * n + n);
      off += n;
    });
  };
}, Infinity);
