/**
 * SPACE_TO_DEPTH: moves `blockSize x blockSize` spatial blocks of an NHWC tensor into channels
 * (`[n, h, w, c]` to `[n, h/bs, w/bs, c*bs^2]`), the inverse of DEPTH_TO_SPACE.
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { intOption } from "../_shared/options.ts";
import { dataCase, moveKernel } from "../_shared/shape_kernel.ts";
import { readInput } from "../_gpu/gather.ts";
import type { BlockOptions } from "../depth_to_space/mod.ts";

const CASES: [number[], number, "float32" | "int32"][] = [
  [[1, 4, 6, 3], 2, "float32"],
  [[2, 6, 6, 5], 3, "float32"],
  [[1, 6, 3, 7], 3, "int32"],
  [[1, 8, 8, 1], 2, "float32"],
  [[1, 4, 4, 4], 2, "int32"],
];

/** The SPACE_TO_DEPTH kernel. */
export const spaceToDepth = moveKernel<BlockOptions>({
  name: "SPACE_TO_DEPTH",
  optionsType: "SpaceToDepthOptions",
  inputCount: [1, 1],
  parse({ inputs, options }) {
    const x = inputs[0]!;
    const bs = intOption("SPACE_TO_DEPTH", options, "blockSize", 0, 1);
    if (x.shape.length !== 4) {
      throw new OpError(`SPACE_TO_DEPTH: input must be 4-D, got [${x.shape}]`);
    }
    const [n, h, w, c] = x.shape;
    if (h % bs !== 0 || w % bs !== 0) {
      throw new OpError(
        `SPACE_TO_DEPTH: height ${h} and width ${w} must be divisible by blockSize ${bs}`,
      );
    }
    return { shape: [n, h / bs, w / bs, c * bs * bs], blockSize: bs };
  },
  source([b, h, w, c], { blockSize: bs }, [x]) {
    const cin = x.shape[3];
    const k = Math.floor(c / cin);
    return [0, [b, h * bs + Math.floor(k / bs), w * bs + (k % bs), c % cin]];
  },
  wgsl({ inputs, options: { blockSize: bs } }) {
    const s = inputs[0]!.shape;
    const k = `(o.w / ${s[3]})`;
    const coords = [
      "o.x",
      `o.y * ${bs} + ${k} / ${bs}`,
      `o.z * ${bs} + ${k} % ${bs}`,
      `o.w % ${s[3]}`,
    ];
    return { body: readInput({ name: "x0", shape: s, coords }) };
  },
  cases: () =>
    CASES.map(([shape, bs, dtype]) => ({
      name: `[${shape}] blockSize ${bs} ${dtype}`,
      inputs: [dataCase(shape, dtype)],
      options: { blockSize: bs },
    })),
});
