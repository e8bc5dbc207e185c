/**
 * Reading tensors from a `.tflite` FlatBuffer: constant buffers, quantization, sparsity and shapes,
 * each offset and size checked before use (see `reader.ts`).
 *
 * @module
 */
import {
  type DType,
  DTYPE_BYTES,
  numElements,
  type Quantization,
  type SparseDimension,
  type Sparsity,
  type Tensor,
} from "../../core/ir.ts";
import type { FlatReader, Table } from "./_flat.ts";
import { TENSOR_TYPES } from "./schema.ts";

/** Bits per element of sub-byte types. */
const SUB_BYTE_BITS: Partial<Record<DType, number>> = {
  int4: 4,
  uint4: 4,
  int2: 2,
};

export interface OpCode {
  op: string;
  customCode?: string;
  version: number;
}

export interface State {
  r: FlatReader;
  buffers: Table[];
  opcodes: OpCode[];
  maxTensorBytes: number;
  maxTotalBytes: number;
  totalBytes: number;
  allowDangling: boolean;
  onWarning: (message: string) => void;
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30 && n % 2 ** 30 === 0) return `${n / 2 ** 30} GiB`;
  if (n >= 2 ** 20 && n % 2 ** 20 === 0) return `${n / 2 ** 20} MiB`;
  return `${n} bytes`;
}

/** The constant bytes a buffer holds (inside the FlatBuffer or, for large models, after it). */
export function bufferRegion(
  s: State,
  b: number,
  where: string,
): { start: number; length: number } {
  const { r } = s;
  const t = s.buffers[b];
  const offset = r.scalar(t, 1, "i64", 0, "offset");
  if (offset > 1) {
    const size = r.scalar(t, 2, "i64", 0, "size");
    if (size < 0 || offset + size > r.bytes.length) {
      r.fail(
        `${where}: buffer ${b} points at bytes ${offset}..${
          offset + size
        } outside the file (${r.bytes.length} bytes)`,
      );
    }
    return { start: offset, length: size };
  }
  return r.vector(t, 0, 1, "data") ?? { start: 0, length: 0 };
}

function readQuantization(
  s: State,
  t: Table,
  shape: number[],
  where: string,
): Quantization | undefined {
  const { r } = s;
  const min = r.numbers(t, 0, "f32", "min");
  const max = r.numbers(t, 1, "f32", "max");
  const scale = r.numbers(t, 2, "f32", "scale") ?? [];
  const zeroPoint = r.numbers(t, 3, "i64", "zero_point") ?? [];
  const quantizedDimension = r.scalar(t, 6, "i32", 0, "quantized_dimension");
  const blockwise = readBlockwise(s, t, where);
  if (
    scale.length === 0 && zeroPoint.length === 0 && !min?.length && !max?.length && !blockwise
  ) return undefined;
  if (scale.length > 1) {
    if (quantizedDimension < 0 || quantizedDimension >= shape.length) {
      r.fail(
        `${where}: per-channel quantization along dimension ${quantizedDimension} of shape ${
          shapeText(shape)
        }`,
      );
    }
    const channels = shape[quantizedDimension];
    if (channels >= 0 && channels !== scale.length) {
      r.fail(
        `${where}: ${scale.length} quantization scales for ${channels} channels along dimension ${quantizedDimension}`,
      );
    }
  }
  if (zeroPoint.length > 0 && zeroPoint.length !== scale.length) {
    r.fail(
      `${where}: ${zeroPoint.length} quantization zero points for ${scale.length} scales`,
    );
  }
  const q: Quantization = { scale, zeroPoint, quantizedDimension };
  if (blockwise) q.blockwise = blockwise;
  if (min?.length) q.min = min;
  if (max?.length) q.max = max;
  return q;
}

/** The `details` union's `BlockwiseQuantization` (type 2); other details are ignored. */
function readBlockwise(s: State, t: Table, where: string): Quantization["blockwise"] {
  const { r } = s;
  if (r.scalar<number>(t, 4, "u8", 0, "details_type") !== 2) return undefined;
  const d = r.table(t, 5, "details", `${where} blockwise quantization`);
  if (d === undefined) return undefined;
  const blockSize = r.scalar(d, 2, "i32", 0, "block_size");
  if (blockSize < 1) r.fail(`${where}: blockwise quantization with block size ${blockSize}`);
  return {
    scales: r.scalar(d, 0, "i32", 0, "scales"),
    zeroPoints: r.scalar(d, 1, "i32", 0, "zero_points"),
    blockSize,
  };
}

const INDEX_VECTORS: Record<number, "i32" | "u16" | "u8"> = {
  1: "i32",
  2: "u16",
  3: "u8",
};

function readIndexVector(
  s: State,
  t: Table,
  id: number,
  name: string,
): number[] | undefined {
  const { r } = s;
  const type = r.scalar(t, id, "u8", 0, `${name}_type`);
  if (type === 0) return undefined;
  const kind = INDEX_VECTORS[type];
  if (kind === undefined) {
    r.fail(`${t.where}: unknown sparse index vector type ${type}`);
  }
  const v = r.table(t, id + 1, name, `${t.where} ${name}`);
  return v === undefined ? [] : (r.numbers(v, 0, kind, "values") ?? []);
}

function readSparsity(s: State, t: Table): Sparsity {
  const { r } = s;
  const dims = r.tables(
    t,
    2,
    "dim_metadata",
    (i) => `${t.where} dimension ${i}`,
  );
  const dimMetadata = dims.map((d): SparseDimension => {
    const format = r.scalar(d, 0, "i8", 0, "format");
    if (format !== 0 && format !== 1) {
      r.fail(`${d.where}: unknown dimension format ${format}`);
    }
    const out: SparseDimension = {
      format: format === 0 ? "dense" : "sparse_csr",
      denseSize: r.scalar(d, 1, "i32", 0, "dense_size"),
    };
    const segments = readIndexVector(s, d, 2, "array_segments");
    const indices = readIndexVector(s, d, 4, "array_indices");
    if (segments !== undefined) out.arraySegments = segments;
    if (indices !== undefined) out.arrayIndices = indices;
    return out;
  });
  return {
    traversalOrder: r.numbers(t, 0, "i32", "traversal_order") ?? [],
    blockMap: r.numbers(t, 1, "i32", "block_map") ?? [],
    dimMetadata,
  };
}

function tensorBytes(dtype: DType, elements: number): number | undefined {
  const bits = SUB_BYTE_BITS[dtype];
  if (bits !== undefined) return Math.ceil((elements * bits) / 8);
  const size = DTYPE_BYTES[dtype];
  return size === undefined ? undefined : elements * size;
}

export function readTensor(s: State, t: Table, label: string): Tensor {
  const { r } = s;
  const name = r.string(t, 3, "name") ?? "";
  const where = `${label} ${JSON.stringify(name)}`;
  t.where = where;
  const fileShape = r.numbers(t, 0, "i32", "shape") ?? [];
  const typeCode = r.scalar(t, 1, "i8", 0, "type");
  const dtype = TENSOR_TYPES[typeCode];
  if (dtype === undefined) r.fail(`${where}: unknown tensor type ${typeCode}`);
  // Older converters write -1 for unknown dimensions in `shape` itself: accepted as dynamic.
  for (const d of fileShape) {
    if (d < -1) {
      r.fail(
        `${where}: negative dimension ${d} in shape ${shapeText(fileShape)}`,
      );
    }
  }
  let shape = fileShape;
  const signature = r.numbers(t, 7, "i32", "shape_signature");
  if (signature !== undefined && signature.length > 0) {
    if (signature.length !== fileShape.length) {
      r.fail(
        `${where}: shape signature ${shapeText(signature)} has a different rank than shape ${
          shapeText(fileShape)
        }`,
      );
    }
    shape = signature.map((d, i) => {
      if (d < -1) {
        r.fail(
          `${where}: invalid dimension ${d} in shape signature ${shapeText(signature)}`,
        );
      }
      if (d !== -1 && d !== fileShape[i] && fileShape[i] !== -1) {
        r.fail(
          `${where}: shape signature ${shapeText(signature)} disagrees with shape ${
            shapeText(fileShape)
          }`,
        );
      }
      return d === -1 ? -1 : fileShape[i];
    });
  }
  const elements = numElements(fileShape.map((d) => d === -1 ? 1 : d));
  const needed = tensorBytes(dtype, elements);
  if (needed !== undefined && needed > s.maxTensorBytes) {
    r.fail(
      `${where}: shape ${shapeText(fileShape)} ${dtype} needs ${needed} bytes, over the limit of ${
        formatBytes(s.maxTensorBytes)
      } (maxTensorBytes)`,
    );
  }
  const tensor: Tensor = { name, dtype, shape };
  const q = r.table(t, 4, "quantization", `${where} quantization`);
  if (q !== undefined) {
    const quantization = readQuantization(s, q, fileShape, where);
    if (quantization !== undefined) tensor.quantization = quantization;
  }
  const sp = r.table(t, 6, "sparsity", `${where} sparsity`);
  if (sp !== undefined) tensor.sparsity = readSparsity(s, sp);
  if (r.scalar(t, 5, "bool", false, "is_variable")) tensor.isVariable = true;
  if (fileShape.length === 0 && !signature?.length && !r.scalar(t, 8, "bool", false, "has_rank")) {
    tensor.unranked = true;
  }

  const b = r.scalar(t, 2, "u32", 0, "buffer");
  if (b !== 0 || s.buffers.length > 0) {
    if (b >= s.buffers.length) {
      r.fail(
        `${where}: buffer ${b} out of range (the model has ${s.buffers.length} buffers)`,
      );
    }
  }
  if (b === 0) return tensor;
  const region = bufferRegion(s, b, where);
  if (region.length === 0) return tensor;
  if (region.length > s.maxTensorBytes) {
    r.fail(
      `${where}: buffer ${b} holds ${region.length} bytes, over the limit of ${
        formatBytes(s.maxTensorBytes)
      } (maxTensorBytes)`,
    );
  }
  if (shape.includes(-1)) {
    r.fail(
      `${where}: constant tensor (buffer ${b}) has a dynamic shape ${shapeText(shape)}`,
    );
  }
  if (needed !== undefined && tensor.sparsity === undefined) {
    const unpacked = SUB_BYTE_BITS[dtype] !== undefined &&
      region.length === elements;
    if (region.length !== needed && !unpacked) {
      r.fail(
        `${where}: buffer ${b} holds ${region.length} bytes, shape ${
          shapeText(fileShape)
        } ${dtype} needs ${needed}`,
      );
    }
  }
  s.totalBytes += region.length;
  if (s.totalBytes > s.maxTotalBytes) {
    r.fail(
      `${where}: constant data passes ${formatBytes(s.maxTotalBytes)} in total (maxTotalBytes)`,
    );
  }
  tensor.data = r.slice(region.start, region.length, `${where} buffer ${b}`);
  return tensor;
}
