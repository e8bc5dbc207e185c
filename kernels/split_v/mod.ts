/**
 * SPLIT_V: splits input 0 along the constant scalar axis (input 2) into parts of the constant
 * `sizeSplits` (input 1; one entry may be -1, inferred).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { intOption } from "../_shared/options.ts";
import { dataCase, intCase } from "../_shared/shape_kernel.ts";
import { intOperand, normalizeAxis } from "../_shared/shape_util.ts";
import { splitKernel } from "../_shared/shape_split.ts";

const CASES: [number[], number[], number, "float32" | "int32"][] = [
  [[1, 4, 4, 9], [2, 3, 4], 3, "float32"],
  [[1, 7, 5, 3], [1, -1, 2], 1, "float32"],
  [[2, 3, 4, 10], [5, 5], -1, "int32"],
  [[5, 9], [4, 1], 0, "float32"],
  [[12], [3, 2, -1], 0, "int32"],
];

/** The SPLIT_V kernel. */
export const splitV = splitKernel({
  name: "SPLIT_V",
  optionsType: "SplitVOptions",
  inputCount: [3, 3],
  data: 0,
  parse({ inputs, options }) {
    const x = inputs[0]!;
    const sizes = intOperand("SPLIT_V", inputs, 1, "sizeSplits");
    const [raw] = intOperand("SPLIT_V", inputs, 2, "axis", 1);
    const axis = normalizeAxis("SPLIT_V", raw, x.shape.length);
    const n = intOption("SPLIT_V", options, "numSplits", sizes.length, 1);
    if (n !== sizes.length) {
      throw new OpError(`SPLIT_V: numSplits ${n} differs from the ${sizes.length} sizeSplits`);
    }
    const dim = x.shape[axis];
    const unknown = sizes.filter((s) => s === -1).length;
    const known = sizes.filter((s) => s !== -1).reduce((a, b) => a + b, 0);
    if (unknown > 1 || sizes.some((s) => s < -1) || (unknown === 0 ? known !== dim : known > dim)) {
      throw new OpError(
        `SPLIT_V: sizeSplits [${sizes}] do not add up to dimension ${axis} (${dim})`,
      );
    }
    const resolved = sizes.map((s) => (s === -1 ? dim - known : s));
    const offsets = resolved.map((_, k) => resolved.slice(0, k).reduce((a, b) => a + b, 0));
    return {
      data: 0,
      axis,
      offsets,
      shapes: resolved.map((s) => x.shape.map((d, i) => (i === axis ? s : d))),
      drop: false,
    };
  },
  cases: () =>
    CASES.map(([shape, sizes, axis, dtype]) => ({
      name: `[${shape}] sizeSplits [${sizes}] axis ${axis} ${dtype}`,
      inputs: [dataCase(shape, dtype), intCase(sizes), intCase([axis], [])],
      options: { numSplits: sizes.length },
    })),
});
