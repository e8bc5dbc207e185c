/**
 * NumPy `.npy` files (format versions 1.0-3.0, little-endian, C order): the format people already use
 * to exchange tensors. Reading validates the header; writing emits version 1.0.
 *
 * @module
 */
import type { DType } from "../core/ir.ts";
import type { HostTensor, TensorData } from "../core/kernel.ts";
import { UsageError } from "../core/errors.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

const DESCR_TO_DTYPE: Readonly<Record<string, DType>> = {
  "<f4": "float32",
  "<f8": "float64",
  "<f2": "float16",
  "<i4": "int32",
  "<i8": "int64",
  "<i2": "int16",
  "|i1": "int8",
  "|u1": "uint8",
  "|b1": "bool",
  "<u2": "uint16",
  "<u4": "uint32",
};

const DTYPE_TO_DESCR: Readonly<Partial<Record<DType, string>>> = Object.fromEntries(
  Object.entries(DESCR_TO_DTYPE).map(([k, v]) => [v, k]),
);

const ARRAYS: Readonly<
  Partial<Record<DType, { new (b: ArrayBuffer): TensorData; BYTES_PER_ELEMENT: number }>>
> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
};

/**
 * Parses a `.npy` file.
 *
 * @example
 * ```ts
 * import { readNpy, writeNpy } from "./npy.ts";
 * const t = readNpy(writeNpy({ dtype: "float32", shape: [2], data: new Float32Array([1, 2]) }));
 * if (t.data[1] !== 2) throw new Error("wrong");
 * ```
 *
 * @param bytes File contents.
 * @param name File name, for errors.
 * @returns The tensor.
 */
export function readNpy(bytes: Uint8Array, name = "array"): HostTensor {
  const fail = (why: string): never => {
    throw new UsageError(`${name} is not a valid .npy file: ${why}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail("missing the \\x93NUMPY magic");
  }
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) fail("header runs past the end of the file");
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) {
    fail(`unreadable header ${JSON.stringify(header)}`);
  }
  if (fortran === "True") fail("Fortran-ordered arrays are not supported; save with C order");
  const dtype = DESCR_TO_DTYPE[descr!] ?? fail(`dtype ${descr} is not supported`);
  const shape = shapeText!.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`bad shape (${shapeText})`);
  const n = shape.reduce((a, b) => a * b, 1);
  const C = ARRAYS[dtype]!;
  const dataStart = start + headerLen;
  const need = n * C.BYTES_PER_ELEMENT;
  if (bytes.length - dataStart < need) {
    fail(
      `shape (${shape}) needs ${need} bytes of data, the file holds ${bytes.length - dataStart}`,
    );
  }
  const data = new C(bytes.slice(dataStart, dataStart + need).buffer);
  return { dtype, shape, data };
}

/**
 * Serialises a tensor as a version 1.0 `.npy` file.
 *
 * @example
 * ```ts
 * import { writeNpy } from "./npy.ts";
 * const bytes = writeNpy({ dtype: "int32", shape: [1, 3], data: new Int32Array([1, 2, 3]) });
 * if (bytes[0] !== 0x93) throw new Error("wrong");
 * ```
 *
 * @param t The tensor.
 * @returns File contents.
 */
export function writeNpy(t: HostTensor): Uint8Array {
  const descr = DTYPE_TO_DESCR[t.dtype];
  if (!descr) throw new UsageError(`Cannot write dtype ${t.dtype} as .npy`);
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const hb = new TextEncoder().encode(header);
  const data = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Uint8Array(10 + hb.length + data.length);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, hb.length, true);
  out.set(hb, 10);
  out.set(data, 10 + hb.length);
  return out;
}
