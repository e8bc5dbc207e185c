/**
 * Constants of a model as host tensors: the little-endian bytes of a file's constant decoded into a
 * typed array of its dtype.
 *
 * @module
 */
import type { Tensor } from "./ir.ts";
import { DTYPE_BYTES, numElements } from "./ir.ts";
import type { HostTensor, TensorData } from "./kernel.ts";
import { ModelFormatError, UnsupportedError } from "./errors.ts";

/**
 * Decodes a constant tensor's little-endian bytes into a host tensor. A sparse constant decodes to
 * its stored values, shape `[count]` (DENSIFY expands them with the tensor's `sparsity`).
 *
 * @example
 * ```ts
 * import { decodeConstant } from "./constants.ts";
 * const t = decodeConstant({ name: "c", dtype: "float32", shape: [1], data: new Uint8Array(new Float32Array([2]).buffer) });
 * if ((t.data as Float32Array)[0] !== 2) throw new Error("wrong");
 * ```
 *
 * @param t A tensor with `data`.
 * @returns Its value.
 */
export function decodeConstant(t: Tensor): HostTensor {
  const bytes = t.data ?? new Uint8Array(0);
  const stored = t.sparsity ? Math.floor(bytes.byteLength / (DTYPE_BYTES[t.dtype] ?? 1)) : -1;
  const n = t.sparsity ? stored : numElements(t.shape.map((d) => Math.max(0, d)));
  const copy = bytes.slice().buffer;
  const views: Partial<Record<string, (b: ArrayBuffer) => TensorData>> = {
    float32: (b) => new Float32Array(b, 0, n),
    float16: (b) => new Uint16Array(b, 0, n),
    float64: (b) => new Float64Array(b, 0, n),
    int32: (b) => new Int32Array(b, 0, n),
    uint32: (b) => new Uint32Array(b, 0, n),
    int16: (b) => new Int16Array(b, 0, n),
    uint16: (b) => new Uint16Array(b, 0, n),
    int8: (b) => new Int8Array(b, 0, n),
    uint8: (b) => new Uint8Array(b, 0, n),
    bool: (b) => new Uint8Array(b, 0, n),
    int64: (b) => new BigInt64Array(b, 0, n),
  };
  const make = views[t.dtype];
  if (!make) {
    throw new UnsupportedError(
      `Constant "${t.name}" has dtype ${t.dtype}, which gpulite cannot read`,
    );
  }
  const need = n * (DTYPE_BYTES[t.dtype] ?? 1);
  if (bytes.byteLength < need) {
    throw new ModelFormatError(
      `Constant "${t.name}" holds ${bytes.byteLength} bytes, its shape needs ${need}`,
    );
  }
  const out: HostTensor = {
    dtype: t.dtype,
    shape: t.sparsity ? [stored] : [...t.shape],
    data: make(copy),
  };
  if (t.quantization) out.quantization = t.quantization;
  return out;
}
