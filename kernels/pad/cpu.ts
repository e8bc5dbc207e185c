/**
 * PAD on the fast CPU backend: zero fill, then row copies.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { loopBuilder } from "../_cpu/build.ts";
/** PAD of a float32 tensor with zeros. */
export const padFloat: CpuBuilder<unknown> = loopBuilder<unknown>((ctx, node, a) => {
  const o = node.options as { paddings: [number, number][] };
  const g = ctx.graph;
  const xs = g.tensors[node.inputs[0]].shape, ys = g.tensors[node.outputs[0]].shape;
  const x = a[0], y = a[1];
  const n = numElements(ys), rank = xs.length;
  const last = xs[rank - 1] ?? 1;
  const rows = numElements(xs) / last;
  const ystr = ys.map((_, d) => numElements(ys.slice(d + 1)));
  return (f) => {
    f.fill(0, y, y + n);
    for (let r = 0; r < rows; r++) {
      let rem = r, dst = y + o.paddings[rank - 1][0];
      for (let d = rank - 2; d >= 0; d--) {
        const i = rem % xs[d];
        rem = Math.floor(rem / xs[d]);
        dst += (i + o.paddings[d][0]) * ystr[d];
      }
      f.copyWithin(dst, x + r * last, x + r * last + last);
    }
  };
});
