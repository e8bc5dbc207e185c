/**
 * TRANSPOSE: permutes the axes of a tensor by the constant `perm` operand
 * (`out.shape[i] = in.shape[perm[i]]`).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { intOperand } from "../_shared/shape_util.ts";
import { logicalCoords, readInput } from "../_gpu/gather.ts";

/** Parsed options of TRANSPOSE. */
export interface TransposeOptions {
  /** Output shape. */
  shape: number[];
  /** The permutation. */
  perm: number[];
}

const SHAPES: [number[], number[], "float32" | "int32"][] = [
  [[1, 5, 7, 3], [0, 3, 1, 2], "float32"],
  [[2, 3, 4, 5], [3, 2, 1, 0], "float32"],
  [[1, 4, 6, 7], [0, 2, 1, 3], "int32"],
  [[3, 7], [1, 0], "float32"],
  [[2, 3, 5], [2, 0, 1], "float32"],
  [[2, 3, 5], [1, 2, 0], "int32"],
  [[9], [0], "float32"],
  [[1, 8, 8, 12], [0, 3, 1, 2], "float32"],
];

/** The TRANSPOSE kernel. */
export const transpose = {
  ...moveKernel<TransposeOptions>({
    name: "TRANSPOSE",
    optionsType: "TransposeOptions",
    inputCount: [2, 2],
    parse({ inputs }) {
      const x = inputs[0]!;
      const r = x.shape.length;
      const perm = intOperand("TRANSPOSE", inputs, 1, "perm", r);
      const seen = new Set(perm);
      if (seen.size !== r || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= r)) {
        throw new OpError(`TRANSPOSE: perm [${perm}] is not a permutation of the ${r} axes`);
      }
      return { perm, shape: perm.map((p) => x.shape[p]) };
    },
    source(o, { perm }) {
      const src = new Array<number>(o.length);
      perm.forEach((p, i) => (src[p] = o[i]));
      return [0, src];
    },
    wgsl({ options: { perm }, inputs }) {
      const o = logicalCoords(perm.length);
      const src = new Array<string>(perm.length);
      perm.forEach((p, i) => (src[p] = o[i]));
      return { body: readInput({ name: "x0", shape: inputs[0]!.shape, coords: src }) };
    },
    cases: () =>
      SHAPES.map(([shape, perm, dtype]) => ({
        name: `[${shape}] perm [${perm}] ${dtype}`,
        inputs: [dataCase(shape, dtype), intCase(perm)],
      })),
  }),
  traits: { dataMovement: true, cheap: true },
};
