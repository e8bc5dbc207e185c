/**
 * Conversion between host tensors (row-major, NHWC for 4-D) and the GPU's PHWC4 layout, in f32, f16 or
 * i32 storage. This is the engine's job at graph edges; kernels only ever see PHWC4.
 *
 * @module
 */
import type { HostTensor, Precision, TensorData } from "../../core/kernel.ts";
import { f16BitsToNumber, numberToF16Bits } from "../_shared/tensor.ts";
import { toShape4 } from "./wgsl.ts";

/** Storage element kind of a GPU tensor. */
export type StorageKind = "f32" | "f16" | "i32";

/**
 * The storage a tensor of this dtype gets on the GPU, or `undefined` when the GPU cannot hold it.
 *
 * @example
 * ```ts
 * import { storageOf } from "./phwc4.ts";
 * if (storageOf("float32", "f16") !== "f16") throw new Error("wrong");
 * ```
 *
 * @param dtype The tensor's dtype.
 * @param precision The run's precision.
 * @returns The storage kind.
 */
export function storageOf(
  dtype: string,
  precision: Precision,
): StorageKind | undefined {
  if (dtype === "float32" || dtype === "float16") return precision;
  if (dtype === "int32") return "i32";
  return undefined;
}

/**
 * Bytes a PHWC4 tensor of this shape occupies.
 *
 * @example
 * ```ts
 * import { phwc4Bytes } from "./phwc4.ts";
 * if (phwc4Bytes([1, 2, 2, 5], "f32") !== 128) throw new Error("wrong");
 * ```
 *
 * @param shape Logical shape.
 * @param kind Storage kind.
 * @returns Size in bytes (a multiple of 8).
 */
export function phwc4Bytes(
  shape: readonly number[],
  kind: StorageKind,
): number {
  const [b, h, w, c] = toShape4(shape);
  return b * h * w * Math.ceil(c / 4) * 4 * (kind === "f16" ? 2 : 4);
}

/**
 * Packs a host tensor into PHWC4 storage bytes (padding lanes zero).
 *
 * @example
 * ```ts
 * import { packPhwc4 } from "./phwc4.ts";
 * const bytes = packPhwc4({ dtype: "float32", shape: [1, 1, 1, 5], data: new Float32Array([1, 2, 3, 4, 5]) }, "f32");
 * if (new Float32Array(bytes.buffer)[4] !== 5) throw new Error("wrong");
 * ```
 *
 * @param t The host tensor.
 * @param kind Storage kind.
 * @returns The bytes.
 */
export function packPhwc4(t: HostTensor, kind: StorageKind): Uint8Array<ArrayBuffer> {
  const [B, H, W, C] = toShape4(t.shape);
  const S = Math.ceil(C / 4);
  const n = B * H * W * S * 4;
  const src = t.data;
  if (
    (kind === "f32" && src instanceof Float32Array) || (kind === "i32" && src instanceof Int32Array)
  ) {
    return packSameType(src, [B, H, W, C]);
  }
  const read: (i: number) => number = t.dtype === "float16"
    ? (i) => f16BitsToNumber(src[i] as number)
    : (i) => Number(src[i]);
  let out: Float32Array | Uint16Array | Int32Array;
  if (kind === "f32") out = new Float32Array(n);
  else if (kind === "f16") out = new Uint16Array(n);
  else out = new Int32Array(n);
  const conv = kind === "f16" ? numberToF16Bits : (x: number) => x;
  let i = 0;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        const base = ((b * S) * H + h) * W + w;
        for (let c = 0; c < C; c++, i++) {
          const s = c >> 2;
          out[(base + s * H * W) * 4 + (c & 3)] = conv(read(i));
        }
      }
    }
  }
  return new Uint8Array(out.buffer as ArrayBuffer);
}

/** The common case, values already in the storage type: plain copies, no conversion. */
function packSameType(
  src: Float32Array | Int32Array,
  [B, H, W, C]: [number, number, number, number],
): Uint8Array<ArrayBuffer> {
  const S = Math.ceil(C / 4);
  const out = src instanceof Float32Array
    ? new Float32Array(B * H * W * S * 4)
    : new Int32Array(B * H * W * S * 4);
  if (C === 4) {
    out.set(src);
  } else if (C < 4) {
    for (let p = 0, i = 0; p < B * H * W; p++) {
      for (let c = 0; c < C; c++) out[p * 4 + c] = src[i++];
    }
  } else {
    const plane = H * W;
    for (let b = 0, i = 0; b < B; b++) {
      for (let p = 0; p < plane; p++) {
        for (let c = 0; c < C; c++, i++) {
          out[((b * S + (c >> 2)) * plane + p) * 4 + (c & 3)] = src[i];
        }
      }
    }
  }
  return new Uint8Array(out.buffer as ArrayBuffer);
}

/**
 * Unpacks PHWC4 storage bytes into a host tensor of the given dtype and shape.
 *
 * @example
 * ```ts
 * import { packPhwc4, unpackPhwc4 } from "./phwc4.ts";
 * const t = { dtype: "float32" as const, shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) };
 * const back = unpackPhwc4(packPhwc4(t, "f16"), { dtype: "float32", shape: [2, 3] }, "f16");
 * if (back.data[5] !== 6) throw new Error("wrong");
 * ```
 *
 * @param bytes PHWC4 bytes.
 * @param spec Dtype and logical shape of the result.
 * @param kind Storage kind of the bytes.
 * @returns The host tensor.
 */
export function unpackPhwc4(
  bytes: Uint8Array,
  spec: { dtype: string; shape: number[] },
  kind: StorageKind,
): HostTensor {
  const [B, H, W, C] = toShape4(spec.shape);
  const S = Math.ceil(C / 4);
  const ab = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer as ArrayBuffer
    : bytes.slice().buffer;
  const src = kind === "f32"
    ? new Float32Array(ab, 0, B * H * W * S * 4)
    : kind === "f16"
    ? new Uint16Array(ab, 0, B * H * W * S * 4)
    : new Int32Array(ab, 0, B * H * W * S * 4);
  const n = B * H * W * C;
  let data: TensorData;
  if (spec.dtype === "int32") data = new Int32Array(n);
  else data = new Float32Array(n);
  const dtype = spec.dtype === "int32" ? "int32" : "float32";
  if (kind !== "f16" && (src instanceof Float32Array) === (data instanceof Float32Array)) {
    // Same element type: plain copies.
    if (C === 4) data.set(src);
    else if (C < 4) {
      // One slice: pixel p's channels sit at 4p .. 4p+C-1.
      for (let p = 0, i = 0, end = B * H * W * 4; p < end; p += 4) {
        for (let c = 0; c < C; c++) data[i++] = src[p + c];
      }
    } else {
      const plane = H * W;
      for (let b = 0, i = 0; b < B; b++) {
        for (let p = 0; p < plane; p++) {
          for (let c = 0; c < C; c++, i++) {
            data[i] = src[((b * S + (c >> 2)) * plane + p) * 4 + (c & 3)];
          }
        }
      }
    }
    return { dtype, shape: [...spec.shape], data };
  }
  const conv = kind === "f16" ? f16BitsToNumber : (x: number) => x;
  let i = 0;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        const base = ((b * S) * H + h) * W + w;
        for (let c = 0; c < C; c++, i++) {
          data[i] = conv(src[(base + (c >> 2) * H * W) * 4 + (c & 3)]);
        }
      }
    }
  }
  return {
    dtype: spec.dtype === "int32" ? "int32" : "float32",
    shape: [...spec.shape],
    data,
  };
}
