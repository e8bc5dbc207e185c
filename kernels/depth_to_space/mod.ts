/**
 * DEPTH_TO_SPACE: moves blocks of `blockSize x blockSize` channel groups of an NHWC tensor into space
 * (`[n, h, w, c]` to `[n, h*bs, w*bs, c/bs^2]`, DCR order as in TensorFlow).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { intOption } from "../_shared/options.ts";
import { dataCase, moveKernel } from "../_shared/shape_kernel.ts";
import { readInput } from "../_gpu/gather.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { depthToSpaceFloat } from "./cpu.ts";

/** Parsed options of DEPTH_TO_SPACE and SPACE_TO_DEPTH. */
export interface BlockOptions {
  /** Output shape. */
  shape: number[];
  /** Block size. */
  blockSize: number;
}

const CASES: [number[], number, "float32" | "int32"][] = [
  [[1, 3, 4, 12], 2, "float32"],
  [[2, 2, 3, 20], 2, "float32"],
  [[1, 3, 3, 27], 3, "int32"],
  [[1, 2, 2, 9], 3, "float32"],
  [[1, 4, 4, 4], 2, "int32"],
];

/** The DEPTH_TO_SPACE kernel. */
export const depthToSpace: KernelDef<BlockOptions> = {
  ...moveKernel<BlockOptions>({
    name: "DEPTH_TO_SPACE",
    optionsType: "DepthToSpaceOptions",
    inputCount: [1, 1],
    parse({ inputs, options }) {
      const x = inputs[0]!;
      const bs = intOption("DEPTH_TO_SPACE", options, "blockSize", 0, 1);
      if (x.shape.length !== 4) {
        throw new OpError(`DEPTH_TO_SPACE: input must be 4-D, got [${x.shape}]`);
      }
      const [n, h, w, c] = x.shape;
      if (c % (bs * bs) !== 0) {
        throw new OpError(
          `DEPTH_TO_SPACE: channels ${c} are not divisible by blockSize^2 ${bs * bs}`,
        );
      }
      return { shape: [n, h * bs, w * bs, c / (bs * bs)], blockSize: bs };
    },
    source([b, h, w, c], { blockSize: bs, shape }) {
      return [0, [
        b,
        Math.floor(h / bs),
        Math.floor(w / bs),
        ((h % bs) * bs + (w % bs)) * shape[3] + c,
      ]];
    },
    wgsl({ inputs, options: { blockSize: bs, shape } }) {
      const coords = [
        "o.x",
        `o.y / ${bs}`,
        `o.z / ${bs}`,
        `((o.y % ${bs}) * ${bs} + o.z % ${bs}) * ${shape[3]} + o.w`,
      ];
      return { body: readInput({ name: "x0", shape: inputs[0]!.shape, coords }) };
    },
    cases: () =>
      CASES.map(([shape, bs, dtype]) => ({
        name: `[${shape}] blockSize ${bs} ${dtype}`,
        inputs: [dataCase(shape, dtype)],
        options: { blockSize: bs },
      })),
  }),
  cpu: { float: depthToSpaceFloat },
};
