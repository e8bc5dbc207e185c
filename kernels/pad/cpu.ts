/**
 * PAD on the fast CPU backend: zero fill, then row copies.
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import { loopBuilder } from "../_cpu/build.ts";
/**
 * PAD of a float32 tensor with zeros. Trailing dimensions without padding are merged into the
 * copied row (NHWC padded in H and W copies whole image rows), so a row is one copy of
 * `inner · size` floats; the row offsets are computed once, at creation.
 */
export const padFloat: CpuBuilder<unknown> = loopBuilder<unknown>((ctx, node, a) => {
  const o = node.options as { paddings: [number, number][] };
  const g = ctx.graph;
  const xs = g.tensors[node.inputs[0]].shape, ys = g.tensors[node.outputs[0]].shape;
  const x = a[0], y = a[1];
  const n = numElements(ys), rank = xs.length;
  if (rank === 0) return (f) => f.copyWithin(y, x, x + 1);
  // The innermost padded dimension k: dimensions after it are copied whole.
  let k = rank - 1;
  while (k > 0 && o.paddings[k][0] === 0 && o.paddings[k][1] === 0) k--;
  const inner = numElements(xs.slice(k + 1));
  const len = xs[k] * inner;
  const rows = numElements(xs.slice(0, k));
  const ystr = ys.map((_, d) => numElements(ys.slice(d + 1)));
  const dst = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let rem = r, at = y + o.paddings[k][0] * ystr[k];
    for (let d = k - 1; d >= 0; d--) {
      const i = rem % xs[d];
      rem = Math.floor(rem / xs[d]);
      at += (i + o.paddings[d][0]) * ystr[d];
    }
    dst[r] = at;
  }
  return (f) => {
    f.fill(0, y, y + n);
    if (len >= 16) {
      for (let r = 0; r < rows; r++) f.copyWithin(dst[r], x + r * len, x + (r + 1) * len);
      return;
    }
    for (let r = 0, s = x; r < rows; r++) {
      for (let i = 0, d = dst[r]; i < len; i++) f[d + i] = f[s++];
    }
  };
});
