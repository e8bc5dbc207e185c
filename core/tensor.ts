/**
 * A tensor typed by its dtype: `TypedTensor<"float32">` holds a `Float32Array`, `TypedTensor<"uint8">` a
 * `Uint8Array`, and so on; {@linkcode tensor} makes one with its shape checked. A `TypedTensor` is a
 * `HostTensor`, so sessions take and return them.
 *
 * @module
 */
import { UsageError } from "./errors.ts";
import type { HostTensor } from "./kernel.ts";

/** The typed array of each dtype a tensor can hold. */
export interface TensorArrays {
  /** 32-bit floats. */
  float32: Float32Array;
  /** 16-bit floats, as raw bits. */
  float16: Uint16Array;
  /** 64-bit floats. */
  float64: Float64Array;
  /** 32-bit integers. */
  int32: Int32Array;
  /** 16-bit integers. */
  int16: Int16Array;
  /** 8-bit integers. */
  int8: Int8Array;
  /** 8-bit unsigned integers. */
  uint8: Uint8Array;
  /** Booleans, one byte each. */
  bool: Uint8Array;
  /** 64-bit integers. */
  int64: BigInt64Array;
}

/** A dtype a {@linkcode TypedTensor} can have. */
export type TensorDType = keyof TensorArrays;

/** A tensor whose data's type follows its dtype. */
export interface TypedTensor<D extends TensorDType = TensorDType> extends HostTensor {
  /** Element type. */
  dtype: D;
  /** Elements in row-major order. */
  data: TensorArrays[D];
}

const MAKERS: { [D in TensorDType]: (n: number) => TensorArrays[D] } = {
  float32: (n) => new Float32Array(n),
  float16: (n) => new Uint16Array(n),
  float64: (n) => new Float64Array(n),
  int32: (n) => new Int32Array(n),
  int16: (n) => new Int16Array(n),
  int8: (n) => new Int8Array(n),
  uint8: (n) => new Uint8Array(n),
  bool: (n) => new Uint8Array(n),
  int64: (n) => new BigInt64Array(n),
};

/**
 * Makes a tensor: zeros when no data is given, else the data (its length must fit the shape).
 *
 * @example
 * ```ts
 * import { tensor } from "./tensor.ts";
 * const x = tensor("float32", [1, 2, 2, 1], new Float32Array([1, 2, 3, 4]));
 * const mask = tensor("uint8", [4]); // zeros
 * const sum: number = x.data.reduce((a, b) => a + b, 0) + mask.data[0];
 * if (sum !== 10) throw new Error("wrong");
 * ```
 *
 * @param dtype Element type.
 * @param shape Shape (non-negative integers).
 * @param data Elements in row-major order (default zeros).
 * @returns The tensor.
 * @throws {UsageError} When the shape is not a list of non-negative integers, the dtype is unknown
 * or the data's length or type does not fit.
 */
export function tensor<D extends TensorDType>(
  dtype: D,
  shape: readonly number[],
  data?: TensorArrays[D],
): TypedTensor<D> {
  const make = MAKERS[dtype] as ((n: number) => TensorArrays[D]) | undefined;
  if (!make) throw new UsageError(`Unknown dtype ${JSON.stringify(dtype)}`);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new UsageError(`A tensor shape is a list of non-negative integers, got [${shape}]`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const values = data ?? make(n);
  if (values.constructor !== make(0).constructor) {
    throw new UsageError(
      `A ${dtype} tensor holds a ${make(0).constructor.name}, got ${values.constructor.name}`,
    );
  }
  if (values.length !== n) {
    throw new UsageError(`Shape [${shape}] needs ${n} elements, got ${values.length}`);
  }
  return { dtype, shape: [...shape], data: values } as TypedTensor<D>;
}
