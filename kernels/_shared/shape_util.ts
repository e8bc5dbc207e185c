/**
 * Helpers shared by the shape and data-movement ops (CONCATENATION, PAD, RESHAPE, TRANSPOSE, SLICE,
 * GATHER...): axis normalisation, coordinate arithmetic, a gather-style CPU reference and input
 * checks. Every op of the group is "for each output element, find the source element".
 *
 * @module
 */
import type { DType } from "../../core/ir.ts";
import { numElements } from "../../core/ir.ts";
import { OpError } from "../../core/errors.ts";
import type { HostTensor, OpInput, TensorSpec } from "../../core/kernel.ts";
import { allocTensor, constantInts, stridesOf } from "./tensor.ts";

/** Where an output element comes from: `[input, coordinates]`, or `null` for the pad value. */
export type SourceOf = (out: number[]) => readonly [number, number[]] | null;

/** Dtypes the data-movement references copy (element by element, bit-exact). */
export const COPY_DTYPES: readonly DType[] = [
  "float32",
  "float16",
  "int32",
  "int64",
  "uint8",
  "int8",
  "int16",
  "uint16",
  "uint32",
  "bool",
  "float64",
];

/**
 * Normalises a possibly negative axis into `[0, rank)`, or throws an `OpError` naming the op.
 *
 * @example
 * ```ts
 * import { normalizeAxis } from "./shape_util.ts";
 * if (normalizeAxis("CONCATENATION", -1, 4) !== 3) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param axis The axis, in `[-rank, rank)`.
 * @param rank The rank the axis indexes.
 * @returns The axis in `[0, rank)`.
 */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new OpError(`${op}: axis ${axis} is out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Row-major coordinates of a flat index.
 *
 * @example
 * ```ts
 * import { unravel } from "./shape_util.ts";
 * if (unravel(5, [2, 3]).join() !== "1,2") throw new Error("wrong");
 * ```
 *
 * @param index Flat index.
 * @param shape Shape.
 * @returns The coordinates.
 */
export function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let rem = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = rem % shape[d];
    rem = Math.floor(rem / shape[d]);
  }
  return out;
}

/**
 * Flat row-major index of coordinates.
 *
 * @example
 * ```ts
 * import { ravel } from "./shape_util.ts";
 * if (ravel([1, 2], [2, 3]) !== 5) throw new Error("wrong");
 * ```
 *
 * @param coords Coordinates.
 * @param shape Shape.
 * @returns The flat index.
 */
export function ravel(coords: readonly number[], shape: readonly number[]): number {
  const st = stridesOf(shape);
  let f = 0;
  for (let d = 0; d < coords.length; d++) f += coords[d] * st[d];
  return f;
}

/**
 * The gather-style reference every data-movement op uses: each output element is copied from the
 * input element `source` names (bit-exact, any dtype), or set to `pad` when `source` returns `null`.
 *
 * @example
 * ```ts
 * import { gatherReference } from "./shape_util.ts";
 * const x = { dtype: "int32" as const, shape: [3], data: new Int32Array([1, 2, 3]) };
 * const y = gatherReference({ inputs: [x], output: { dtype: "int32", shape: [3] }, source: ([i]) => [0, [2 - i]] });
 * if (Array.from(y.data as Int32Array).join() !== "3,2,1") throw new Error("wrong");
 * ```
 *
 * @param args Inputs, the output spec, the source map and the pad value (default 0).
 * @returns The output tensor.
 */
export function gatherReference(args: {
  inputs: readonly (HostTensor | undefined)[];
  output: TensorSpec;
  source: SourceOf;
  pad?: number;
}): HostTensor {
  const { inputs, output, source } = args;
  const out = allocTensor(output.dtype, output.shape);
  if (output.quantization) out.quantization = output.quantization;
  const strides = inputs.map((t) => (t ? stridesOf(t.shape) : []));
  const big = out.data instanceof BigInt64Array;
  const pad = args.pad ?? 0;
  const data = out.data as { [i: number]: number | bigint; length: number };
  for (let i = 0; i < data.length; i++) {
    const src = source(unravel(i, output.shape));
    if (src === null) {
      data[i] = big ? BigInt(Math.trunc(pad)) : pad;
      continue;
    }
    const [k, coords] = src;
    let f = 0;
    for (let d = 0; d < coords.length; d++) f += coords[d] * strides[k][d];
    data[i] = inputs[k]!.data[f];
  }
  return out;
}

/**
 * Checks that a data input exists and has a dtype the references copy; returns it.
 *
 * @example
 * ```ts
 * import { dataInput } from "./shape_util.ts";
 * const x = dataInput("TILE", [{ dtype: "float32", shape: [2] }], 0);
 * if (x.shape[0] !== 2) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param inputs The node's inputs.
 * @param index Which input.
 * @returns The input.
 */
export function dataInput(
  op: string,
  inputs: readonly (OpInput | undefined)[],
  index: number,
): OpInput {
  const x = inputs[index];
  if (!x) throw new OpError(`${op}: input ${index} is missing`);
  if (!COPY_DTYPES.includes(x.dtype)) {
    throw new OpError(`${op}: dtype ${x.dtype} of input ${index} is not supported`);
  }
  if (x.shape.some((d) => d < 0)) {
    throw new OpError(`${op}: input ${index} has a dynamic shape [${x.shape}]`);
  }
  return x;
}

/**
 * Checks the number of inputs of a node.
 *
 * @example
 * ```ts
 * import { expectInputs } from "./shape_util.ts";
 * expectInputs("TILE", [{ dtype: "float32", shape: [1] }, { dtype: "int32", shape: [1] }], 2, 2);
 * ```
 *
 * @param op Op name, for errors.
 * @param inputs The node's inputs.
 * @param min Fewest inputs.
 * @param max Most inputs.
 */
export function expectInputs(
  op: string,
  inputs: readonly unknown[],
  min: number,
  max: number = min,
): void {
  if (inputs.length < min || inputs.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new OpError(`${op} needs ${want} inputs, got ${inputs.length}`);
  }
}

/**
 * The integer values of a constant int32/int64 operand (shape, axes, paddings), checking its dtype
 * and element count.
 *
 * @example
 * ```ts
 * import { intOperand } from "./shape_util.ts";
 * const t = { dtype: "int32" as const, shape: [2], value: { dtype: "int32" as const, shape: [2], data: new Int32Array([1, 2]) } };
 * if (intOperand("TILE", [undefined, t], 1, "multiples").join() !== "1,2") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param inputs The node's inputs.
 * @param index Which input.
 * @param what What the operand is, for errors.
 * @param count Expected element count, when known.
 * @returns The values.
 */
export function intOperand(
  op: string,
  inputs: readonly (OpInput | undefined)[],
  index: number,
  what: string,
  count?: number,
): number[] {
  const t = inputs[index];
  if (!t) throw new OpError(`${op}: input ${index} (${what}) is missing`);
  if (t.dtype !== "int32" && t.dtype !== "int64") {
    throw new OpError(`${op}: ${what} must be int32 or int64, got ${t.dtype}`);
  }
  const v = constantInts(op, t, index);
  if (count !== undefined && v.length !== count) {
    throw new OpError(`${op}: ${what} must have ${count} values, got ${v.length}`);
  }
  return v;
}

/**
 * Reads an `[n, 2]` paddings or crops operand as pairs, checking shape and sign.
 *
 * @example
 * ```ts
 * import { pairsOperand } from "./shape_util.ts";
 * const t = { dtype: "int32" as const, shape: [1, 2], value: { dtype: "int32" as const, shape: [1, 2], data: new Int32Array([1, 2]) } };
 * if (pairsOperand("PAD", [undefined, t], { index: 1, what: "paddings", rows: 1 })[0][1] !== 2) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param inputs The node's inputs.
 * @param spec Which input, its name for errors, and the expected number of rows.
 * @returns `[before, after]` per row.
 */
export function pairsOperand(
  op: string,
  inputs: readonly (OpInput | undefined)[],
  spec: { index: number; what: string; rows: number },
): [number, number][] {
  const t = inputs[spec.index];
  if (t && (t.shape.length !== 2 || t.shape[0] !== spec.rows || t.shape[1] !== 2)) {
    throw new OpError(
      `${op}: ${spec.what} must have shape [${spec.rows}, 2], got [${t.shape}]`,
    );
  }
  const v = intOperand(op, inputs, spec.index, spec.what, spec.rows * 2);
  const pairs: [number, number][] = [];
  for (let i = 0; i < spec.rows; i++) {
    if (v[2 * i] < 0 || v[2 * i + 1] < 0) {
      throw new OpError(`${op}: ${spec.what} must be non-negative, got [${v}]`);
    }
    pairs.push([v[2 * i], v[2 * i + 1]]);
  }
  return pairs;
}

/**
 * Checks that the element counts of two shapes agree (reshape-like ops).
 *
 * @example
 * ```ts
 * import { sameCount } from "./shape_util.ts";
 * sameCount("RESHAPE", [2, 3], [6]);
 * ```
 *
 * @param op Op name, for errors.
 * @param from Input shape.
 * @param to Output shape.
 */
export function sameCount(op: string, from: readonly number[], to: readonly number[]): void {
  if (numElements(from) !== numElements(to)) {
    throw new OpError(
      `${op}: cannot reshape [${from}] (${numElements(from)} elements) to [${to}] (${
        numElements(to)
      } elements)`,
    );
  }
}
