/**
 * RESHAPE: the same elements in a new shape, taken from the constant second input when it is a
 * vector, else from the `newShape` option; one dimension may be -1 (inferred).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { numElements } from "../../core/ir.ts";
import type { MoveOptions } from "../_shared/shape_kernel.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { intOperand, sameCount } from "../_shared/shape_util.ts";
import { RESHAPE_LIKE } from "../_shared/shape_reshape.ts";
import type { OpCase } from "../../core/kernel.ts";
import { reshapeInteger } from "./quant.ts";
import { copy8bit, copyFloat } from "../_cpu/build.ts";

/**
 * Resolves a requested shape against an element count: at most one -1, filled in.
 *
 * @example
 * ```ts
 * import { resolveShape } from "./mod.ts";
 * if (resolveShape([2, 3, 4], [4, -1]).join() !== "4,6") throw new Error("wrong");
 * ```
 *
 * @param from The input shape.
 * @param requested The requested shape, with at most one -1.
 * @returns The output shape.
 */
export function resolveShape(from: readonly number[], requested: readonly number[]): number[] {
  const shape = [...requested];
  const stretch = shape.flatMap((d, i) => (d === -1 ? [i] : []));
  if (stretch.length > 1) {
    throw new OpError(`RESHAPE: new shape [${requested}] has more than one -1`);
  }
  if (shape.some((d) => d < -1 || !Number.isInteger(d))) {
    throw new OpError(`RESHAPE: new shape [${requested}] has a negative dimension`);
  }
  const total = numElements(from);
  if (stretch.length === 1) {
    const rest = numElements(shape.filter((d) => d !== -1));
    if (rest === 0 || total % rest !== 0) {
      throw new OpError(`RESHAPE: cannot infer the -1 of [${requested}] from [${from}]`);
    }
    shape[stretch[0]] = total / rest;
  }
  sameCount("RESHAPE", from, shape);
  return shape;
}

const CASES: [number[], number[], boolean, "float32" | "int32"][] = [
  [[1, 4, 4, 3], [1, 12, 4], true, "float32"],
  [[1, 5, 7, 5], [-1, 5], true, "float32"],
  [[2, 3, 5], [5, 6], false, "float32"],
  [[1, 1, 1, 28], [1, 4, 7], true, "int32"],
  [[3, 7], [21], false, "int32"],
  [[6, 5], [2, -1, 5, 1], true, "float32"],
  [[1, 8, 8, 6], [1, 16, 24], true, "float32"],
  [[1], [], true, "float32"],
];

/** The RESHAPE kernel. */
export const reshape = {
  ...moveKernel<MoveOptions>({
    name: "RESHAPE",
    optionsType: "ReshapeOptions",
    inputCount: [1, 2],
    parse({ inputs, options }) {
      const x = inputs[0]!;
      const shapeInput = inputs[1];
      let requested: number[];
      if (shapeInput && shapeInput.shape.length === 1) {
        requested = intOperand("RESHAPE", inputs, 1, "shape");
      } else {
        const opt = options.newShape ?? [];
        if (!Array.isArray(opt) || opt.some((d) => typeof d !== "number")) {
          throw new OpError(`RESHAPE: option newShape must be a list of integers`);
        }
        requested = opt as number[];
        if (requested.length === 1 && requested[0] === 0) requested = [];
        if (!shapeInput && !options.newShape) {
          throw new OpError("RESHAPE: no shape input and no newShape option");
        }
      }
      return { shape: resolveShape(x.shape, requested) };
    },
    ...RESHAPE_LIKE,
    cases: () => [
      ...CASES.map(([from, to, tensor, dtype]): OpCase => ({
        name: `[${from}] -> [${to}] ${tensor ? "tensor" : "option"} ${dtype}`,
        inputs: tensor ? [dataCase(from, dtype), intCase(to)] : [dataCase(from, dtype)],
        options: tensor ? {} : { newShape: to },
      })),
    ],
  }),
  quant: reshapeInteger,
  traits: { dataMovement: true, cheap: true, quantPassThrough: true },
  cpu: { float: copyFloat, quant: copy8bit },
};
