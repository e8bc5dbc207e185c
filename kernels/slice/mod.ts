/**
 * SLICE: the block of `size[i]` elements from `begin[i]` on each axis (constant operands;
 * `size[i] = -1` means up to the end).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { intOperand } from "../_shared/shape_util.ts";
import { logicalCoords, readInput } from "../_gpu/gather.ts";

/** Parsed options of SLICE. */
export interface SliceOptions {
  /** Output shape. */
  shape: number[];
  /** Start per axis. */
  begin: number[];
}

const CASES: [number[], number[], number[], "float32" | "int32"][] = [
  [[1, 6, 7, 5], [0, 1, 2, 1], [1, 3, -1, 3], "float32"],
  [[2, 5, 5, 8], [1, 0, 1, 3], [-1, 4, 3, 5], "float32"],
  [[1, 4, 4, 7], [0, 0, 0, 0], [-1, -1, -1, -1], "int32"],
  [[5, 9], [2, 3], [3, 5], "float32"],
  [[3, 4, 7], [1, 1, 4], [2, -1, 3], "int32"],
  [[11], [4], [6], "float32"],
];

/** The SLICE kernel. */
export const slice = {
  ...moveKernel<SliceOptions>({
    name: "SLICE",
    optionsType: "SliceOptions",
    inputCount: [3, 3],
    parse({ inputs }) {
      const x = inputs[0]!;
      const r = x.shape.length;
      const begin = intOperand("SLICE", inputs, 1, "begin", r);
      const size = intOperand("SLICE", inputs, 2, "size", r);
      const shape = x.shape.map((d, i) => {
        const b = begin[i];
        if (b < 0 || b > d) {
          throw new OpError(`SLICE: begin ${b} of axis ${i} is outside [0, ${d}]`);
        }
        if (size[i] === -1) return d - b;
        if (size[i] < 0 || b + size[i] > d) {
          throw new OpError(`SLICE: size ${size[i]} from ${b} does not fit axis ${i} of size ${d}`);
        }
        return size[i];
      });
      return { shape, begin };
    },
    source(o, { begin }) {
      return [0, o.map((v, i) => v + begin[i])];
    },
    wgsl({ inputs, options: { begin } }) {
      const s = inputs[0]!.shape;
      const coords = logicalCoords(s.length).map((c, i) => `${c} + ${begin[i]}`);
      return { body: readInput({ name: "x0", shape: s, coords }) };
    },
    cases: () =>
      CASES.map(([shape, begin, size, dtype]) => ({
        name: `[${shape}] begin [${begin}] size [${size}] ${dtype}`,
        inputs: [dataCase(shape, dtype), intCase(begin), intCase(size)],
      })),
  }),
  traits: { dataMovement: true, cheap: true },
};
