/**
 * EXPAND_DIMS: inserts a dimension of size 1 at the constant `axis` (in `[-rank-1, rank]`).
 *
 * @module
 */
import type { MoveOptions } from "../_shared/shape_kernel.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { intOperand, normalizeAxis } from "../_shared/shape_util.ts";
import { RESHAPE_LIKE } from "../_shared/shape_reshape.ts";
import { copyFloat } from "../_cpu/build.ts";

const CASES: [number[], number, "float32" | "int32"][] = [
  [[5, 7, 3], 0, "float32"],
  [[5, 7, 3], 3, "float32"],
  [[5, 7, 3], -1, "int32"],
  [[5, 7], 1, "float32"],
  [[6], -2, "float32"],
  [[], 0, "float32"],
];

/** The EXPAND_DIMS kernel. */
export const expandDims = {
  ...moveKernel<MoveOptions>({
    name: "EXPAND_DIMS",
    optionsType: "ExpandDimsOptions",
    inputCount: [2, 2],
    parse({ inputs }) {
      const x = inputs[0]!;
      const [raw] = intOperand("EXPAND_DIMS", inputs, 1, "axis", 1);
      const axis = normalizeAxis("EXPAND_DIMS", raw, x.shape.length + 1);
      const shape = [...x.shape];
      shape.splice(axis, 0, 1);
      return { shape };
    },
    ...RESHAPE_LIKE,
    cases: () =>
      CASES.map(([shape, axis, dtype]) => ({
        name: `[${shape}] axis ${axis} ${dtype}`,
        inputs: [dataCase(shape, dtype), intCase([axis], [])],
      })),
  }),
  traits: { dataMovement: true, cheap: true },
  cpu: { float: copyFloat },
};
