/**
 * PACK: stacks `valuesCount` tensors of one shape along a new axis (`axis` in `[-rank-1, rank]`).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { intOption } from "../_shared/options.ts";
import { dataCase, moveKernel } from "../_shared/shape_kernel.ts";
import { normalizeAxis } from "../_shared/shape_util.ts";
import { logicalCoords, readInput } from "../_gpu/gather.ts";

/** Parsed options of PACK. */
export interface PackOptions {
  /** Output shape. */
  shape: number[];
  /** The new axis, in `[0, rank]`. */
  axis: number;
}

const CASES: [number[], number, number, "float32" | "int32"][] = [
  [[4, 4, 3], 2, 0, "float32"],
  [[4, 4, 3], 3, -1, "float32"],
  [[2, 5, 7], 2, 1, "int32"],
  [[3, 5], 4, 2, "float32"],
  [[6], 3, -1, "int32"],
  [[], 5, 0, "float32"],
];

/** The PACK kernel. */
export const pack = {
  ...moveKernel<PackOptions>({
    name: "PACK",
    optionsType: "PackOptions",
    inputCount: [1, Infinity],
    dataInputs: (inputs) => inputs.map((_, i) => i),
    parse({ inputs, options }) {
      const first = inputs[0]!;
      const n = intOption("PACK", options, "valuesCount", inputs.length);
      if (n !== inputs.length) {
        throw new OpError(`PACK: valuesCount is ${n} but the node has ${inputs.length} inputs`);
      }
      for (const [k, t] of inputs.entries()) {
        if (t!.dtype !== first.dtype || t!.shape.join() !== first.shape.join()) {
          throw new OpError(
            `PACK: input ${k} is [${t!.shape}] ${
              t!.dtype
            }, input 0 is [${first.shape}] ${first.dtype}`,
          );
        }
      }
      const r = first.shape.length;
      const axis = normalizeAxis("PACK", intOption("PACK", options, "axis", 0), r + 1);
      const shape = [...first.shape];
      shape.splice(axis, 0, n);
      return { shape, axis };
    },
    source(o, { axis }) {
      const src = [...o];
      const [k] = src.splice(axis, 1);
      return [k, src];
    },
    wgsl({ inputs, options: { axis, shape } }) {
      const coords = logicalCoords(shape.length);
      const [k] = coords.splice(axis, 1);
      const s = inputs[0]!.shape;
      const body = inputs.map((_, i) => {
        const read = readInput({ name: `x${i}`, shape: s, coords });
        return i === inputs.length - 1 ? read : `  if (${k} == ${i}) {\n${read}  }\n`;
      });
      return { body: body.join("") };
    },
    cases: () =>
      CASES.map(([shape, n, axis, dtype]) => ({
        name: `${n} x [${shape}] axis ${axis} ${dtype}`,
        inputs: Array.from({ length: n }, () => dataCase(shape, dtype)),
        options: { valuesCount: n, axis },
      })),
  }),
  traits: { dataMovement: true, cheap: true },
};
