/**
 * TILE: repeats a tensor `multiples[i]` times along each axis (constant `multiples` operand).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { intOperand } from "../_shared/shape_util.ts";
import { logicalCoords, readInput } from "../_gpu/gather.ts";

/** Parsed options of TILE. */
export interface TileOptions {
  /** Output shape. */
  shape: number[];
}

const CASES: [number[], number[], "float32" | "int32"][] = [
  [[1, 3, 4, 3], [1, 2, 1, 3], "float32"],
  [[2, 3, 5], [2, 1, 2], "float32"],
  [[1, 2, 2, 7], [2, 2, 2, 1], "int32"],
  [[3, 7], [3, 2], "float32"],
  [[5], [4], "int32"],
  [[1, 4, 4, 1], [1, 1, 1, 5], "float32"],
];

/** The TILE kernel. */
export const tile = moveKernel<TileOptions>({
  name: "TILE",
  optionsType: "TileOptions",
  inputCount: [2, 2],
  parse({ inputs }) {
    const x = inputs[0]!;
    const m = intOperand("TILE", inputs, 1, "multiples", x.shape.length);
    if (m.some((v) => v < 0)) {
      throw new OpError(`TILE: multiples must be non-negative, got [${m}]`);
    }
    return { shape: x.shape.map((d, i) => d * m[i]) };
  },
  source(o, _, [x]) {
    return [0, o.map((v, i) => v % x.shape[i])];
  },
  wgsl({ inputs }) {
    const s = inputs[0]!.shape;
    const coords = logicalCoords(s.length).map((c, i) => `${c} % ${s[i]}`);
    return { body: readInput({ name: "x0", shape: s, coords }) };
  },
  cases: () =>
    CASES.map(([shape, m, dtype]) => ({
      name: `[${shape}] multiples [${m}] ${dtype}`,
      inputs: [dataCase(shape, dtype), intCase(m)],
    })),
});
