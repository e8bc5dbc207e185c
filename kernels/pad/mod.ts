/**
 * PAD: pads a tensor with zeros (the output zero point when quantized) by constant `[rank, 2]`
 * paddings.
 *
 * @module
 */
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { type PadOptions, padSource, padWgsl, parsePaddings } from "../_shared/shape_pad.ts";
import { padCpuFloat } from "./cpu.ts";

const CASES: [number[], number[], "float32" | "int32"][] = [
  [[1, 5, 5, 3], [0, 0, 1, 1, 2, 2, 0, 0], "float32"],
  [[1, 4, 6, 5], [0, 0, 0, 0, 0, 0, 1, 2], "float32"],
  [[2, 3, 3, 7], [1, 0, 0, 2, 3, 0, 0, 1], "int32"],
  [[3, 7], [1, 2, 0, 3], "float32"],
  [[2, 3, 5], [0, 0, 0, 0, 0, 0], "float32"],
  [[9], [3, 0], "int32"],
  [[1, 16, 16, 8], [0, 0, 1, 1, 1, 1, 0, 0], "float32"],
  [[1, 6, 5, 24], [0, 0, 0, 0, 0, 0, 0, 8], "float32"],
  [[1, 3, 4, 6], [0, 0, 2, 1, 0, 1, 3, 5], "float32"],
];

/** The PAD kernel. */
export const pad = {
  ...moveKernel<PadOptions>({
    name: "PAD",
    optionsType: "PadOptions",
    inputCount: [2, 2],
    parse: ({ inputs }) => parsePaddings("PAD", inputs),
    source: padSource,
    pad: (_, __, out) => out.quantization?.zeroPoint[0] ?? 0,
    wgsl: (args) => padWgsl(args, 0),
    cases: () =>
      CASES.map(([shape, p, dtype]) => ({
        name: `[${shape}] paddings [${p}] ${dtype}`,
        inputs: [dataCase(shape, dtype), intCase(p, [shape.length, 2])],
      })),
  }),
  traits: { dataMovement: true, cheap: true },
  cpu: { float: padCpuFloat },
};
