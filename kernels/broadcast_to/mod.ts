/**
 * BROADCAST_TO: a tensor broadcast NumPy-style to a constant shape (the shape's rank may exceed the
 * input's; each input axis is 1 or equal to the target's).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { dataCase, intCase, moveKernel } from "../_shared/shape_kernel.ts";
import { intOperand } from "../_shared/shape_util.ts";
import { logicalCoords, readInput } from "../_gpu/gather.ts";

/** Parsed options of BROADCAST_TO. */
export interface BroadcastToOptions {
  /** Output shape. */
  shape: number[];
}

const CASES: [number[], number[], "float32" | "int32"][] = [
  [[1, 1, 3], [2, 4, 3], "float32"],
  [[3], [1, 5, 2, 3], "float32"],
  [[2, 1, 4, 1], [2, 3, 4, 5], "int32"],
  [[1, 1], [7, 9], "float32"],
  [[1, 2, 1], [1, 2, 6], "int32"],
];

/**
 * The BROADCAST_TO kernel.
 *
 * @example
 * ```ts
 * import { broadcastTo } from "./mod.ts";
 * const shape = { dtype: "int32" as const, shape: [2], value: { dtype: "int32" as const, shape: [2], data: new Int32Array([2, 3]) } };
 * const o = broadcastTo.parse({ options: {}, inputs: [{ dtype: "float32", shape: [1, 3] }, shape] });
 * if (o.shape.join() !== "2,3") throw new Error("wrong");
 * ```
 */
export const broadcastTo = moveKernel<BroadcastToOptions>({
  name: "BROADCAST_TO",
  optionsType: "BroadcastToOptions",
  inputCount: [2, 2],
  parse({ inputs }) {
    const x = inputs[0]!;
    const shape = intOperand("BROADCAST_TO", inputs, 1, "shape");
    const lead = shape.length - x.shape.length;
    if (lead < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) {
      throw new OpError(`BROADCAST_TO: [${x.shape}] cannot be broadcast to [${shape}]`);
    }
    return { shape };
  },
  source(o, _, [x]) {
    const lead = o.length - x.shape.length;
    return [0, x.shape.map((d, i) => (d === 1 ? 0 : o[lead + i]))];
  },
  wgsl({ inputs, outputs }) {
    const s = inputs[0]!.shape;
    const out = logicalCoords(outputs[0].shape.length);
    const lead = out.length - s.length;
    const coords = s.map((d, i) => (d === 1 ? "0" : out[lead + i]));
    return { body: readInput({ name: "x0", shape: s, coords }) };
  },
  cases: () =>
    CASES.map(([shape, to, dtype]) => ({
      name: `[${shape}] to [${to}] ${dtype}`,
      inputs: [dataCase(shape, dtype), intCase(to)],
    })),
});
