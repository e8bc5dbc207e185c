/**
 * SPLIT: splits input 1 into `numSplits` equal parts along the constant scalar axis of input 0
 * (negative counts from the end).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { intOption } from "../_shared/options.ts";
import { dataCase, intCase } from "../_shared/shape_kernel.ts";
import { intOperand, normalizeAxis } from "../_shared/shape_util.ts";
import { splitKernel } from "../_shared/shape_split.ts";

const CASES: [number[], number, number, "float32" | "int32"][] = [
  [[1, 4, 4, 6], 3, 2, "float32"],
  [[1, 6, 5, 7], 1, 3, "float32"],
  [[2, 3, 4, 10], -1, 5, "int32"],
  [[4, 9], 0, 2, "float32"],
  [[3, 4, 5], -2, 4, "float32"],
  [[12], 0, 3, "int32"],
  [[2, 5], 1, 1, "float32"],
];

/** The SPLIT kernel. */
export const split = {
  ...splitKernel({
    name: "SPLIT",
    optionsType: "SplitOptions",
    inputCount: [2, 2],
    data: 1,
    parse({ inputs, options }) {
      const x = inputs[1]!;
      const [raw] = intOperand("SPLIT", inputs, 0, "axis", 1);
      const axis = normalizeAxis("SPLIT", raw, x.shape.length);
      const n = intOption("SPLIT", options, "numSplits", 0, 1);
      if (x.shape[axis] % n !== 0) {
        throw new OpError(
          `SPLIT: dimension ${axis} (${x.shape[axis]}) is not divisible by numSplits ${n}`,
        );
      }
      const size = x.shape[axis] / n;
      const shape = [...x.shape];
      shape[axis] = size;
      return {
        data: 1,
        axis,
        offsets: Array.from({ length: n }, (_, k) => k * size),
        shapes: Array.from({ length: n }, () => [...shape]),
        drop: false,
      };
    },
    cases: () =>
      CASES.map(([shape, axis, n, dtype]) => ({
        name: `[${shape}] axis ${axis} numSplits ${n} ${dtype}`,
        inputs: [intCase([axis], []), dataCase(shape, dtype)],
        options: { numSplits: n },
      })),
  }),
  traits: { dataMovement: true, cheap: true },
};
