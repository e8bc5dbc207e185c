/**
 * UNPACK: splits a tensor into `num` tensors along `axis`, dropping that axis.
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { intOption } from "../_shared/options.ts";
import { dataCase } from "../_shared/shape_kernel.ts";
import { normalizeAxis } from "../_shared/shape_util.ts";
import { splitKernel } from "../_shared/shape_split.ts";

const CASES: [number[], number, "float32" | "int32"][] = [
  [[2, 4, 4, 3], 0, "float32"],
  [[1, 3, 5, 7], 1, "float32"],
  [[2, 3, 4, 5], -1, "int32"],
  [[4, 9], 1, "float32"],
  [[3, 5, 2], -2, "int32"],
  [[3], 0, "float32"],
];

/** The UNPACK kernel. */
export const unpack = {
  ...splitKernel({
    name: "UNPACK",
    optionsType: "UnpackOptions",
    inputCount: [1, 1],
    data: 0,
    parse({ inputs, options }) {
      const x = inputs[0]!;
      const axis = normalizeAxis("UNPACK", intOption("UNPACK", options, "axis", 0), x.shape.length);
      const dim = x.shape[axis];
      const num = intOption("UNPACK", options, "num", dim, 0) || dim;
      if (num !== dim) {
        throw new OpError(`UNPACK: num ${num} differs from dimension ${axis} (${dim})`);
      }
      const shape = x.shape.filter((_, i) => i !== axis);
      return {
        data: 0,
        axis,
        offsets: Array.from({ length: num }, (_, k) => k),
        shapes: Array.from({ length: num }, () => [...shape]),
        drop: true,
      };
    },
    cases: () =>
      CASES.map(([shape, axis, dtype]) => ({
        name: `[${shape}] axis ${axis} ${dtype}`,
        inputs: [dataCase(shape, dtype)],
        options: { num: shape.at(axis)!, axis },
      })),
  }),
  traits: { dataMovement: true, cheap: true },
};
