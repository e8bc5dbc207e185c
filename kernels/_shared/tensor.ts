/**
 * Host tensor helpers for references and cases: allocation, strides, broadcasting, reading constants.
 *
 * @module
 */
import type { DType } from "../../core/ir.ts";
import { numElements } from "../../core/ir.ts";
import { OpError, ValueNeededError } from "../../core/errors.ts";
import { f16BitsToNumber, halvesToFloat32 } from "../../core/half.ts";
import type { HostTensor, OpInput, TensorData } from "../../core/kernel.ts";

export { f16BitsToNumber, halvesToFloat32 };

const CONSTRUCTORS: Partial<Record<DType, new (n: number) => TensorData>> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int16: Int16Array,
  uint16: Uint16Array,
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int64: BigInt64Array,
};

/**
 * The typed-array class that holds a dtype's elements on the host (`Uint8Array` for `bool`,
 * `Uint16Array` for `float16` bits), or `undefined` for dtypes the host does not hold.
 *
 * @example
 * ```ts
 * import { arrayClassOf } from "./tensor.ts";
 * if (arrayClassOf("int64") !== BigInt64Array || arrayClassOf("string") !== undefined) {
 *   throw new Error("wrong");
 * }
 * ```
 *
 * @param dtype Element type.
 * @returns The class.
 */
export function arrayClassOf(dtype: string): (new (n: number) => TensorData) | undefined {
  return CONSTRUCTORS[dtype as DType];
}

/**
 * A zero-filled host tensor.
 *
 * @example
 * ```ts
 * import { allocTensor } from "./tensor.ts";
 * if (allocTensor("float32", [2, 3]).data.length !== 6) throw new Error("wrong");
 * ```
 *
 * @param dtype Element type.
 * @param shape Shape.
 * @returns The tensor.
 */
export function allocTensor(
  dtype: DType,
  shape: readonly number[],
): HostTensor {
  const C = CONSTRUCTORS[dtype];
  if (!C) {
    throw new OpError(
      `Tensors of dtype ${dtype} are not supported on the host`,
    );
  }
  return { dtype, shape: [...shape], data: new C(numElements(shape)) };
}

/**
 * Row-major strides of a shape.
 *
 * @example
 * ```ts
 * import { stridesOf } from "./tensor.ts";
 * if (stridesOf([2, 3, 4]).join() !== "12,4,1") throw new Error("wrong");
 * ```
 *
 * @param shape Shape.
 * @returns Strides in elements.
 */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * NumPy-style broadcast of two shapes; throws `OpError` naming the op when they do not fit.
 *
 * @example
 * ```ts
 * import { broadcastShapes } from "./tensor.ts";
 * if (broadcastShapes("ADD", [4, 1, 3], [5, 1]).join() !== "4,5,3") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param a First shape.
 * @param b Second shape.
 * @returns The broadcast shape.
 */
export function broadcastShapes(
  op: string,
  a: readonly number[],
  b: readonly number[],
): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new OpError(
        `${op}: shapes [${a}] and [${b}] cannot be broadcast together`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * Maps a flat index of the output shape to the flat index of an input broadcast into it.
 *
 * @example
 * ```ts
 * import { broadcastIndex } from "./tensor.ts";
 * if (broadcastIndex(5, [2, 3], [1, 3]) !== 2) throw new Error("wrong");
 * ```
 *
 * @param index Flat output index.
 * @param outShape Output shape.
 * @param inShape Input shape (right-aligned against `outShape`).
 * @returns Flat input index.
 */
export function broadcastIndex(
  index: number,
  outShape: readonly number[],
  inShape: readonly number[],
): number {
  let rem = index;
  let inIdx = 0;
  let inStride = 1;
  for (let d = outShape.length - 1; d >= 0; d--) {
    const od = outShape[d];
    const coord = rem % od;
    rem = Math.floor(rem / od);
    const k = d - (outShape.length - inShape.length);
    if (k >= 0) {
      const id = inShape[k];
      if (id !== 1) inIdx += coord * inStride;
      inStride *= id;
    }
  }
  return inIdx;
}

/**
 * The integer values of a constant input (shape, axes, paddings...), or an `OpError` naming the op
 * and input when it is not a constant.
 *
 * @example
 * ```ts
 * import { constantInts } from "./tensor.ts";
 * const v = constantInts("RESHAPE", { dtype: "int32", shape: [2], value: { dtype: "int32", shape: [2], data: new Int32Array([3, 4]) } }, 1);
 * if (v.join() !== "3,4") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param input The input.
 * @param index The input's position, for errors.
 * @returns The values as numbers.
 */
export function constantInts(
  op: string,
  input: OpInput | undefined,
  index: number,
): number[] {
  if (!input?.value) {
    throw new ValueNeededError(
      `${op}: input ${index} must be a constant tensor (dynamic values are not supported)`,
      { operand: index },
    );
  }
  return Array.from(
    input.value.data as ArrayLike<number | bigint>,
    (x) => Number(x),
  );
}

/**
 * Reads element `i` of a host tensor as a number (float16 bits decoded, int64 converted).
 *
 * @example
 * ```ts
 * import { readNumber } from "./tensor.ts";
 * if (readNumber({ dtype: "int32", shape: [1], data: new Int32Array([7]) }, 0) !== 7) throw new Error("wrong");
 * ```
 *
 * @param t The tensor.
 * @param i Flat index.
 * @returns The value.
 */
export function readNumber(t: HostTensor, i: number): number {
  const v = t.data[i];
  if (t.dtype === "float16") return f16BitsToNumber(v as number);
  return Number(v);
}

/**
 * A tensor's elements as numbers for fast indexed reads: the data itself for number-typed arrays,
 * float16 bits decoded to float32, int64 converted.
 *
 * @example
 * ```ts
 * import { numbersOf } from "./tensor.ts";
 * const v = numbersOf({ dtype: "float16", shape: [1], data: new Uint16Array([0x3c00]) });
 * if (v[0] !== 1) throw new Error("wrong");
 * ```
 *
 * @param t The tensor.
 * @returns The values, row-major.
 */
export function numbersOf(t: HostTensor): ArrayLike<number> {
  if (t.dtype === "float16") return halvesToFloat32(t.data as Uint16Array);
  const d = t.data;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Array.from(d, Number);
  return d as ArrayLike<number>;
}

/**
 * Encodes a number as IEEE half-precision bits (round to nearest even; overflow to infinity).
 *
 * @example
 * ```ts
 * import { numberToF16Bits } from "./tensor.ts";
 * if (numberToF16Bits(1) !== 0x3c00) throw new Error("wrong");
 * ```
 *
 * @param x The value.
 * @returns 16-bit pattern.
 */
export function numberToF16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (e < -14) {
    const m = Math.round(a / 2 ** -24);
    return sign | m;
  }
  let m = a / 2 ** e - 1;
  let mi = Math.round(m * 1024);
  const frac = m * 1024 - Math.floor(m * 1024);
  if (frac === 0.5 && (Math.floor(m * 1024) & 1) === 0) {
    mi = Math.floor(m * 1024);
  }
  if (mi === 1024) {
    mi = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  m = mi;
  return sign | ((e + 15) << 10) | m;
}
