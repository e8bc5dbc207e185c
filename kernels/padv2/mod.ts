/**
 * PADV2: like PAD, with the pad value taken from the scalar third input (constant or not).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { numElements } from "../../core/ir.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { type PadOptions, padSource, padWgsl, parsePaddings } from "../_shared/shape_pad.ts";
import { readNumber } from "../_shared/tensor.ts";
import type { OpCase } from "../../core/kernel.ts";

/** Parsed options of PADV2. */
export interface PadV2Options extends PadOptions {
  /** The pad value when the third input is constant. */
  value?: number;
}

const CASES: [number[], number[], number, "float32" | "int32", boolean][] = [
  [[1, 5, 5, 3], [0, 0, 1, 1, 2, 2, 0, 0], -1.5, "float32", true],
  [[1, 4, 6, 5], [0, 0, 0, 0, 0, 0, 1, 2], 0.25, "float32", false],
  [[2, 3, 3, 7], [1, 0, 0, 2, 3, 0, 0, 1], -7, "int32", true],
  [[3, 7], [1, 2, 0, 3], 3, "float32", true],
  [[9], [3, 1], 5, "int32", false],
];

/** The PADV2 kernel. */
export const padv2 = moveKernel<PadV2Options>({
  name: "PADV2",
  optionsType: "PadV2Options",
  inputCount: [3, 3],
  parse({ inputs }) {
    const x = inputs[0]!;
    const v = inputs[2];
    if (!v || v.dtype !== x.dtype || numElements(v.shape) !== 1) {
      throw new OpError(
        `PADV2: the pad value must be one element of dtype ${x.dtype}, got ${
          v ? `[${v.shape}] ${v.dtype}` : "none"
        }`,
      );
    }
    const options: PadV2Options = parsePaddings("PADV2", inputs);
    if (v.value) options.value = readNumber(v.value, 0);
    return options;
  },
  source: padSource,
  pad: (inputs) => readNumber(inputs[2]!, 0),
  wgsl: (args) => padWgsl(args, args.options.value),
  cases: () =>
    CASES.map(([shape, p, value, dtype, constant]): OpCase => ({
      name: `[${shape}] paddings [${p}] value ${value} ${constant ? "constant" : "input"} ${dtype}`,
      inputs: [dataCase(shape, dtype), intCase(p, [shape.length, 2]), {
        dtype,
        shape: [],
        data: [value],
        constant,
      }],
    })),
});
