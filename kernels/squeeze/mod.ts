/**
 * SQUEEZE: removes dimensions of size 1: those listed in `squeezeDims` (negative allowed), or all of
 * them when the list is empty.
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import type { MoveOptions } from "../_shared/shape_kernel.ts";
import { dataCase, moveKernel } from "../_shared/shape_kernel.ts";
import { normalizeAxis } from "../_shared/shape_util.ts";
import { RESHAPE_LIKE } from "../_shared/shape_reshape.ts";
import { squeezeInteger } from "./quant.ts";
import { copy8bit, copyFloat } from "../_cpu/build.ts";

const CASES: [number[], number[], "float32" | "int32"][] = [
  [[1, 5, 1, 3], [], "float32"],
  [[1, 5, 1, 3], [0], "float32"],
  [[1, 5, 1, 7], [-2], "int32"],
  [[2, 1, 1, 5], [1, -2], "float32"],
  [[3, 1], [], "float32"],
  [[1, 1, 1, 1], [], "float32"],
];

/** The SQUEEZE kernel. */
export const squeeze = {
  ...moveKernel<MoveOptions>({
    name: "SQUEEZE",
    optionsType: "SqueezeOptions",
    inputCount: [1, 1],
    parse({ inputs, options }) {
      const x = inputs[0]!;
      const raw = options.squeezeDims ?? [];
      if (!Array.isArray(raw) || raw.some((d) => typeof d !== "number")) {
        throw new OpError("SQUEEZE: option squeezeDims must be a list of integers");
      }
      const r = x.shape.length;
      const dims = new Set((raw as number[]).map((d) => normalizeAxis("SQUEEZE", d, r)));
      for (const d of dims) {
        if (x.shape[d] !== 1) {
          throw new OpError(
            `SQUEEZE: dimension ${d} of [${x.shape}] has size ${x.shape[d]}, not 1`,
          );
        }
      }
      const keep = (d: number, i: number) => dims.size === 0 ? d !== 1 : !dims.has(i);
      return { shape: x.shape.filter(keep) };
    },
    ...RESHAPE_LIKE,
    cases: () =>
      CASES.map(([shape, dims, dtype]) => ({
        name: `[${shape}] squeezeDims [${dims}] ${dtype}`,
        inputs: [dataCase(shape, dtype)],
        options: { squeezeDims: dims },
      })),
  }),
  quant: squeezeInteger,
  traits: { dataMovement: true, cheap: true, quantPassThrough: true },
  cpu: { float: copyFloat, quant: copy8bit },
};
