/**
 * MIRROR_PAD: pads a tensor with its own mirror image: `REFLECT` excludes the edge element
 * (`[1 2 3]` padded by 2 gives `3 2 [1 2 3] 2 1`), `SYMMETRIC` repeats it (`2 1 [1 2 3] 3 2`). Paddings
 * must not exceed `dim - 1` (REFLECT) or `dim` (SYMMETRIC).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { type PadOptions, parsePaddings } from "../_shared/shape_pad.ts";
import { enumOption } from "../_shared/options.ts";
import { logicalCoords, readInput } from "../_gpu/gather.ts";

/** Parsed options of MIRROR_PAD. */
export interface MirrorPadOptions extends PadOptions {
  /** 1 for REFLECT (edge excluded), 0 for SYMMETRIC. */
  offset: 0 | 1;
}

/**
 * The input index a mirrored output index reads, along one axis.
 *
 * @example
 * ```ts
 * import { mirrorIndex } from "./mod.ts";
 * if (mirrorIndex(0, { before: 2, size: 3, offset: 1 }) !== 2) throw new Error("wrong");
 * ```
 *
 * @param o Output index along the axis.
 * @param axis Padding before, input size and the mode's offset.
 * @returns The input index.
 */
export function mirrorIndex(o: number, axis: { before: number; size: number; offset: number }) {
  const i = o - axis.before;
  if (i < 0) return -i - 1 + axis.offset;
  if (i >= axis.size) return 2 * axis.size - 1 - axis.offset - i;
  return i;
}

const CASES: [number[], number[], "REFLECT" | "SYMMETRIC", "float32" | "int32"][] = [
  [[1, 5, 5, 3], [0, 0, 2, 2, 1, 3, 0, 0], "REFLECT", "float32"],
  [[1, 5, 5, 3], [0, 0, 2, 2, 1, 3, 0, 0], "SYMMETRIC", "float32"],
  [[1, 4, 6, 5], [0, 0, 3, 0, 0, 0, 2, 4], "REFLECT", "int32"],
  [[2, 3, 3, 7], [1, 2, 0, 3, 3, 0, 0, 0], "SYMMETRIC", "float32"],
  [[3, 7], [2, 1, 0, 6], "REFLECT", "float32"],
  [[4], [4, 4], "SYMMETRIC", "int32"],
  [[2, 3, 5], [0, 0, 0, 0, 0, 0], "REFLECT", "float32"],
];

/** The MIRROR_PAD kernel. */
export const mirrorPad = moveKernel<MirrorPadOptions>({
  name: "MIRROR_PAD",
  optionsType: "MirrorPadOptions",
  inputCount: [2, 2],
  parse({ inputs, options }) {
    const mode = enumOption("MIRROR_PAD", options, "mode", ["REFLECT", "SYMMETRIC"], "REFLECT");
    const offset = mode === "REFLECT" ? 1 : 0;
    const p = parsePaddings("MIRROR_PAD", inputs);
    inputs[0]!.shape.forEach((d, i) => {
      if (Math.max(...p.paddings[i]) > d - offset) {
        throw new OpError(
          `MIRROR_PAD: paddings [${p.paddings[i]}] of axis ${i} exceed ${d - offset} (${mode})`,
        );
      }
    });
    return { ...p, offset };
  },
  source(o, { paddings, offset }, [x]) {
    return [
      0,
      o.map((v, i) => mirrorIndex(v, { before: paddings[i][0], size: x.shape[i], offset })),
    ];
  },
  wgsl({ inputs, options: { paddings, offset } }) {
    const s = inputs[0]!.shape;
    let body = "";
    const coords = logicalCoords(s.length).map((c, i) => {
      const n = s[i];
      body += `  var m${i} = ${c} - ${paddings[i][0]};\n` +
        `  if (m${i} < 0) { m${i} = -m${i} - ${1 - offset}; }\n` +
        `  if (m${i} >= ${n}) { m${i} = ${2 * n - 1 - offset} - m${i}; }\n`;
      return `m${i}`;
    });
    return { body: body + readInput({ name: "x0", shape: s, coords }) };
  },
  cases: () =>
    CASES.map(([shape, p, mode, dtype]) => ({
      name: `[${shape}] paddings [${p}] ${mode} ${dtype}`,
      inputs: [dataCase(shape, dtype), intCase(p, [shape.length, 2])],
      options: { mode },
    })),
});
