/**
 * The parts shared by PAD and PADV2: paddings parsing and the constant-pad map.
 *
 * @module
 */
import type { GpuPlanArgs, OpInput } from "../../core/kernel.ts";
import { pairsOperand } from "./shape_util.ts";
import { logicalCoords, readInput } from "../_gpu/gather.ts";
import { f32Lit } from "../_gpu/wgsl.ts";

/** Parsed options of PAD and PADV2 (and MIRROR_PAD). */
export interface PadOptions {
  /** Output shape. */
  shape: number[];
  /** `[before, after]` per axis. */
  paddings: [number, number][];
}

/**
 * Parses the paddings operand (input 1) and the output shape.
 *
 * @example
 * ```ts
 * import { parsePaddings } from "./shape_pad.ts";
 * const p = { dtype: "int32" as const, shape: [1, 2], value: { dtype: "int32" as const, shape: [1, 2], data: new Int32Array([1, 2]) } };
 * if (parsePaddings("PAD", [{ dtype: "float32", shape: [3] }, p]).shape[0] !== 6) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param inputs The node's inputs.
 * @returns Paddings and output shape.
 */
export function parsePaddings(op: string, inputs: readonly (OpInput | undefined)[]): PadOptions {
  const x = inputs[0]!;
  const paddings = pairsOperand(op, inputs, { index: 1, what: "paddings", rows: x.shape.length });
  return { paddings, shape: x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]) };
}

/**
 * Reference source of a constant pad.
 *
 * @example
 * ```ts
 * import { padSource } from "./shape_pad.ts";
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array(2) };
 * if (padSource([0], { shape: [4], paddings: [[1, 1]] }, [x]) !== null) throw new Error("wrong");
 * ```
 *
 * @param o Output coordinates.
 * @param options Paddings.
 * @param inputs Inputs (input 0 is the data).
 * @returns Input 0 and coordinates, or `null` in the padding.
 */
export function padSource(
  o: number[],
  options: PadOptions,
  inputs: readonly { shape: number[] }[],
): readonly [number, number[]] | null {
  const src = o.map((v, i) => v - options.paddings[i][0]);
  return src.some((v, i) => v < 0 || v >= inputs[0].shape[i]) ? null : [0, src];
}

/**
 * WGSL map of a constant pad; the pad value is a literal, or read from input 2 when it is dynamic.
 *
 * @example
 * ```ts
 * import { padWgsl } from "./shape_pad.ts";
 * const t = (shape: number[]) => ({ dtype: "float32" as const, shape, shape4: [1, 1, 1, 1] as [number, number, number, number], slices: 1 });
 * const w = padWgsl({ inputs: [t([2])], outputs: [t([4])], options: { shape: [4], paddings: [[1, 1]] } } as never, 0);
 * if (!w.body.includes("return 0.0")) throw new Error("wrong");
 * ```
 *
 * @param args Plan arguments.
 * @param value The pad value, or `undefined` to read it from input 2.
 * @returns The map.
 */
export function padWgsl(
  args: GpuPlanArgs<PadOptions>,
  value: number | undefined,
): { body: string; inputs: number[] } {
  const x = args.inputs[0]!;
  const isInt = x.dtype === "int32";
  const pad = value === undefined ? "x2_at(0, 0, 0, 0)" : isInt ? `${value | 0}` : f32Lit(value);
  const coords = logicalCoords(x.shape.length).map((c, i) =>
    `${c} - ${args.options.paddings[i][0]}`
  );
  return {
    body: readInput({ name: "x0", shape: x.shape, coords, pad }),
    inputs: value === undefined ? [0, 2] : [0],
  };
}
