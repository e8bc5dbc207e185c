/**
 * STRIDED_SLICE: NumPy-style `x[b0:e0:s0, ..., bn:en:sn]` from constant begin/end/strides, with
 * `beginMask`/`endMask` (full range), `ellipsisMask` (one `...`), `newAxisMask` (insert a 1),
 * `shrinkAxisMask` (index and drop an axis), negative indices and strides, and `offset` (`end` is
 * relative to `begin`). Indices are clamped like TensorFlow Lite's `StartForAxis`/`StopForAxis`.
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { boolOption, intOption } from "../_shared/options.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { intOperand, ravel, unravel } from "../_shared/shape_util.ts";
import { flatIndex, logicalCoords, readInput, unflatten } from "../_gpu/gather.ts";
import type { OpCase } from "../../core/kernel.ts";

/** Parsed options of STRIDED_SLICE: per input axis, the first index, the step and the count. */
export interface StridedSliceOptions {
  /** Output shape. */
  shape: number[];
  /** First input index per input axis. */
  start: number[];
  /** Step per input axis. */
  stride: number[];
  /** Number of elements taken per input axis. */
  count: number[];
}

/** The raw operands and masks of a strided slice. */
export interface StridedSliceSpec {
  /** `begin` values. */
  begin: number[];
  /** `end` values. */
  end: number[];
  /** `strides` values. */
  strides: number[];
  /** Bit `i`: ignore `begin[i]`. */
  beginMask: number;
  /** Bit `i`: ignore `end[i]`. */
  endMask: number;
  /** Bit `i`: entry `i` is `...`. */
  ellipsisMask: number;
  /** Bit `i`: entry `i` inserts an axis of size 1. */
  newAxisMask: number;
  /** Bit `i`: entry `i` indexes (and drops) an axis. */
  shrinkAxisMask: number;
  /** Whether `end` is an offset from `begin`. */
  offset: boolean;
}

const bit = (mask: number, i: number) => (mask >> i) & 1;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Resolves a strided slice against an input shape, following TensorFlow's sparse-to-dense
 * expansion of `...` and new axes and TensorFlow Lite's clamping.
 *
 * @example
 * ```ts
 * import { resolveStridedSlice } from "./mod.ts";
 * const r = resolveStridedSlice([4, 6], {
 *   begin: [1, 0], end: [3, 0], strides: [1, -2], beginMask: 2, endMask: 2,
 *   ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0, offset: false,
 * });
 * if (r.shape.join() !== "2,3" || r.start.join() !== "1,5") throw new Error("wrong");
 * ```
 *
 * @param inShape The input shape.
 * @param spec Operands and masks.
 * @returns Start, stride and count per input axis, and the output shape.
 */
export function resolveStridedSlice(
  inShape: readonly number[],
  spec: StridedSliceSpec,
): StridedSliceOptions {
  const op = "STRIDED_SLICE";
  const n = spec.begin.length;
  const rank = inShape.length;
  let ellipsis = spec.ellipsisMask & ((1 << n) - 1);
  if ((ellipsis & (ellipsis - 1)) !== 0) {
    throw new OpError(`${op}: ellipsisMask ${spec.ellipsisMask} marks more than one ellipsis`);
  }
  let dims = n;
  if (ellipsis === 0) {
    ellipsis = 1 << n;
    dims = n + 1;
  }
  const at = Math.log2(ellipsis);
  let newAfter = 0;
  for (let i = at + 1; i < n; i++) newAfter += bit(spec.newAxisMask, i);
  // Dense entries: one per input axis. `final` lists what each output axis is.
  const dense: { b: number; e: number; s: number; bm: number; em: number; shrink: number }[] = [];
  const final: ("new" | number)[] = [];
  for (let i = 0; i < dims; i++) {
    if (bit(ellipsis, i)) {
      const next = Math.min(rank - (dims - i) + 1 + newAfter, rank);
      while (dense.length < next) {
        final.push(dense.length);
        dense.push({ b: 0, e: 0, s: 1, bm: 1, em: 1, shrink: 0 });
      }
    } else if (bit(spec.newAxisMask, i)) {
      final.push("new");
    } else {
      if (dense.length === rank) {
        throw new OpError(`${op}: the slice has more entries than the input's ${rank} axes`);
      }
      const shrink = bit(spec.shrinkAxisMask, i);
      if (!shrink) final.push(dense.length);
      const b = spec.begin[i];
      dense.push({
        b,
        e: spec.offset ? b + spec.end[i] : spec.end[i],
        s: spec.strides[i],
        bm: bit(spec.beginMask, i),
        em: bit(spec.endMask, i),
        shrink,
      });
    }
  }
  const start: number[] = [];
  const stride: number[] = [];
  const count: number[] = [];
  dense.forEach((d, axis) => {
    const size = inShape[axis];
    if (d.s === 0) throw new OpError(`${op}: stride of axis ${axis} is 0`);
    const fwd = d.s > 0;
    let b = d.bm ? (fwd ? -Infinity : Infinity) : d.b;
    if (b < 0) b += size;
    b = fwd ? clamp(b, 0, size) : clamp(b, -1, size - 1);
    if (d.shrink) {
      if (!fwd) throw new OpError(`${op}: shrinking axis ${axis} needs a positive stride`);
      if (b >= size) {
        throw new OpError(
          `${op}: index ${d.b} of shrunk axis ${axis} is outside [${-size}, ${size})`,
        );
      }
      start.push(b);
      stride.push(1);
      count.push(1);
      return;
    }
    let e = d.em ? (fwd ? Infinity : -Infinity) : d.e;
    if (e < 0) e += size;
    e = fwd ? clamp(e, 0, size) : clamp(e, -1, size - 1);
    start.push(b);
    stride.push(d.s);
    count.push(Math.max(0, Math.ceil((e - b) / d.s)));
  });
  const shape = final.map((f) => (f === "new" ? 1 : count[f]));
  return { shape, start, stride, count };
}

const CASES: [string, number[], number[], number[], number[], Partial<StridedSliceSpec>][] = [
  ["plain", [1, 6, 7, 5], [0, 1, 2, 1], [1, 5, 7, 4], [1, 1, 2, 1], {}],
  ["negative strides", [1, 6, 7, 5], [0, -1, -2, 0], [1, -7, 0, 5], [1, -1, -2, 1], {}],
  ["begin/end masks", [2, 5, 6, 7], [1, 1, 1, 1], [2, 4, 5, 6], [1, 2, 1, 3], {
    beginMask: 0b0101,
    endMask: 0b1010,
  }],
  ["masks with negative strides", [2, 5, 6, 7], [0, 3, 0, -2], [0, 0, 0, 0], [1, -1, -2, -3], {
    beginMask: 0b0101,
    endMask: 0b1111,
  }],
  ["shrink two axes", [1, 6, 7, 5], [0, 2, 0, 0], [1, 3, 7, 5], [1, 1, 1, 1], {
    shrinkAxisMask: 0b0011,
  }],
  ["shrink a negative index", [4, 9], [-1, 0], [0, 9], [1, 1], { shrinkAxisMask: 1 }],
  ["leading ellipsis", [2, 3, 4, 7], [0, 1], [0, 5], [1, 2], { ellipsisMask: 1 }],
  ["middle ellipsis", [2, 3, 4, 7], [1, 0, 2], [2, 0, 6], [1, 1, 1], { ellipsisMask: 0b010 }],
  ["new axis", [3, 7], [0, 0, 1], [0, 3, 6], [1, 1, 2], { newAxisMask: 0b001 }],
  ["ellipsis then new axis", [3, 5, 7], [0, 0], [0, 0], [1, 1], {
    ellipsisMask: 0b01,
    newAxisMask: 0b10,
  }],
  ["new axis, shrink and end mask", [3, 7], [0, 2, 0], [0, 3, 0], [1, 1, 1], {
    newAxisMask: 0b001,
    shrinkAxisMask: 0b010,
    endMask: 0b100,
  }],
  ["offset", [1, 6, 7, 5], [0, 1, 2, 1], [1, 3, 4, 3], [1, 1, 1, 1], { offset: true }],
  ["fewer entries than axes", [2, 5, 6, 3], [1, 2], [2, 5], [1, 1], {}],
  ["out-of-range indices clamp", [5, 9], [-10, 3], [10, 100], [1, 2], {}],
  ["reverse everything", [11], [0], [0], [-1], { beginMask: 1, endMask: 1 }],
];

/** The STRIDED_SLICE kernel. */
export const stridedSlice = {
  ...moveKernel<StridedSliceOptions>({
    name: "STRIDED_SLICE",
    optionsType: "StridedSliceOptions",
    inputCount: [4, 4],
    parse({ inputs, options }) {
      const op = "STRIDED_SLICE";
      const begin = intOperand(op, inputs, 1, "begin");
      const n = begin.length;
      const mask = (f: string) => intOption(op, options, f, 0, 0);
      return resolveStridedSlice(inputs[0]!.shape, {
        begin,
        end: intOperand(op, inputs, 2, "end", n),
        strides: intOperand(op, inputs, 3, "strides", n),
        beginMask: mask("beginMask"),
        endMask: mask("endMask"),
        ellipsisMask: mask("ellipsisMask"),
        newAxisMask: mask("newAxisMask"),
        shrinkAxisMask: mask("shrinkAxisMask"),
        offset: boolOption(op, options, "offset", false),
      });
    },
    source(o, { shape, start, stride, count }) {
      const k = unravel(ravel(o, shape), count);
      return [0, k.map((v, i) => start[i] + v * stride[i])];
    },
    wgsl({ inputs, options: { shape, start, stride, count } }) {
      const f = flatIndex(logicalCoords(shape.length), shape);
      const coords = unflatten("f", count).map((k, i) => `${start[i]} + (${k}) * ${stride[i]}`);
      return {
        body: `  let f = ${f};\n` + readInput({ name: "x0", shape: inputs[0]!.shape, coords }),
      };
    },
    cases: () =>
      CASES.flatMap(([what, shape, b, e, s, masks], i): OpCase[] => {
        const dtype = i % 4 === 3 ? "int32" : "float32";
        return [{
          name: `[${shape}] ${what} [${b}]:[${e}]:[${s}] ${JSON.stringify(masks)} ${dtype}`,
          inputs: [dataCase(shape, dtype), intCase(b), intCase(e), intCase(s)],
          options: masks,
        }];
      }),
  }),
  traits: { dataMovement: true, cheap: true },
};
