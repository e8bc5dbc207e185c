/**
 * The custom options of a Flex op: a flexbuffer vector of two strings, the TensorFlow op name and
 * the op's serialized `NodeDef` protocol buffer (TensorFlow's `node_def.proto`: `op` is field 2, the
 * `attr` map field 5, each `AttrValue` holding `s` 2, `i` 3, `f` 4, `b` 5 or `type` 6). Both layers
 * are read by bounds-checked code of this folder; anything malformed is a one-line
 * `ModelFormatError`. The writers build the same layout for one-op models and tests.
 *
 * @module
 */
import { ModelFormatError } from "../../core/errors.ts";
import type { DType } from "../../core/ir.ts";
import {
  protoBytes,
  type ProtoField,
  protoInt,
  type ProtoValue,
  readProtoFields,
  writeProto,
} from "./protobuf.ts";

/** One attribute value of a `NodeDef` (the kinds gpulite reads; others are kept as their kind). */
export type AttrValue =
  | { kind: "type"; type: number }
  | { kind: "i"; i: number }
  | { kind: "f"; f: number }
  | { kind: "b"; b: boolean }
  | { kind: "s"; s: Uint8Array }
  | { kind: "other"; field: number };

/** The parts of a `NodeDef` gpulite reads. */
export interface NodeDef {
  /** TensorFlow op name (`"AddV2"`). */
  op: string;
  /** Node name (may be empty). */
  name: string;
  /** Attributes by name. */
  attrs: Map<string, AttrValue>;
}

/** TensorFlow `DataType` enum values (`types.proto`) of the dtypes gpulite has, and their names. */
export const TF_DTYPES: Readonly<Record<number, { name: string; dtype?: DType }>> = {
  1: { name: "DT_FLOAT", dtype: "float32" },
  2: { name: "DT_DOUBLE", dtype: "float64" },
  3: { name: "DT_INT32", dtype: "int32" },
  4: { name: "DT_UINT8", dtype: "uint8" },
  5: { name: "DT_INT16" },
  6: { name: "DT_INT8" },
  7: { name: "DT_STRING", dtype: "string" },
  8: { name: "DT_COMPLEX64" },
  9: { name: "DT_INT64", dtype: "int64" },
  10: { name: "DT_BOOL", dtype: "bool" },
  14: { name: "DT_BFLOAT16" },
  19: { name: "DT_HALF", dtype: "float16" },
};

const DECODER = new TextDecoder("utf-8", { fatal: true });

function text(bytes: Uint8Array, where: string): string {
  try {
    return DECODER.decode(bytes);
  } catch (e) {
    throw new ModelFormatError(`${where} is not valid UTF-8`, { cause: e });
  }
}

/** `AttrValue` fields by number: how each kind reads. */
const ATTR_READERS: Readonly<Record<number, (f: ProtoField, where: string) => AttrValue>> = {
  2: (f, w) => ({ kind: "s", s: protoBytes(f, w) }),
  3: (f, w) => ({ kind: "i", i: protoInt(f, w) }),
  4: (f, w) => {
    if (f.wire !== 5 || !f.bytes) throw new ModelFormatError(`${w}: f is not a 32-bit float`);
    return {
      kind: "f",
      f: new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true),
    };
  },
  5: (f, w) => ({ kind: "b", b: protoInt(f, w) !== 0 }),
  6: (f, w) => ({ kind: "type", type: protoInt(f, w) }),
};

function readAttrValue(buf: Uint8Array, where: string): AttrValue {
  const fields = readProtoFields(buf, where);
  // A oneof: the last field present wins, as protobuf parsers merge.
  const f = fields.at(-1);
  if (!f) return { kind: "other", field: 0 };
  return ATTR_READERS[f.field]?.(f, where) ?? { kind: "other", field: f.field };
}

/**
 * Decodes a serialized `NodeDef`.
 *
 * @example
 * ```ts
 * import { decodeNodeDef, encodeNodeDef } from "./node_def.ts";
 * const def = decodeNodeDef(encodeNodeDef({ op: "AddV2", attrs: { T: { type: 1 } } }));
 * if (def.op !== "AddV2" || def.attrs.get("T")?.kind !== "type") throw new Error("wrong");
 * ```
 *
 * @param buf The protocol buffer's bytes.
 * @param where What is being read, for errors (`"FlexAddV2"`).
 * @returns The op, name and attributes.
 */
export function decodeNodeDef(buf: Uint8Array, where = "Flex op"): NodeDef {
  const w = `${where} NodeDef`;
  const def: NodeDef = { op: "", name: "", attrs: new Map() };
  for (const f of readProtoFields(buf, w)) {
    if (f.field === 1) def.name = text(protoBytes(f, `${w} name`), `${w} name`);
    else if (f.field === 2) def.op = text(protoBytes(f, `${w} op`), `${w} op`);
    else if (f.field === 5) {
      const entry = readProtoFields(protoBytes(f, `${w} attr`), `${w} attr`);
      const keyField = entry.findLast((e) => e.field === 1);
      const key = keyField ? text(protoBytes(keyField, `${w} attr key`), `${w} attr key`) : "";
      const valueField = entry.findLast((e) => e.field === 2);
      const where = `${w} attr ${key}`;
      def.attrs.set(
        key,
        valueField
          ? readAttrValue(protoBytes(valueField, where), where)
          : { kind: "other", field: 0 },
      );
    }
  }
  if (def.op === "") throw new ModelFormatError(`${w} names no op`);
  return def;
}

/** An attribute to write: exactly one of a dtype enum, an integer, a float, a bool or a string. */
export type AttrInit = { type: number } | { i: number } | { f: number } | { b: boolean } | {
  s: string;
};

/** What {@linkcode encodeNodeDef} writes. */
export interface NodeDefInit {
  /** TensorFlow op name. */
  op: string;
  /** Node name (default empty). */
  name?: string;
  /** Attributes by name. */
  attrs?: Readonly<Record<string, AttrInit>>;
}

function attrValue(a: AttrInit): [number, ProtoValue] {
  if ("type" in a) return [6, { varint: a.type }];
  if ("i" in a) return [3, { varint: BigInt(a.i) }];
  if ("f" in a) return [4, { float: a.f }];
  if ("b" in a) return [5, { varint: a.b }];
  return [2, { bytes: a.s }];
}

/**
 * Serializes a `NodeDef` (name, op and attributes).
 *
 * @example
 * ```ts
 * import { encodeNodeDef } from "./node_def.ts";
 * const b = encodeNodeDef({ op: "Relu" });
 * if (b[0] !== 0x12 || b[1] !== 4) throw new Error("wrong");
 * ```
 *
 * @param init The op, its name and attributes.
 * @returns The protocol buffer's bytes.
 */
export function encodeNodeDef(init: NodeDefInit): Uint8Array {
  const fields: [number, ProtoValue][] = [];
  if (init.name) fields.push([1, { bytes: init.name }]);
  fields.push([2, { bytes: init.op }]);
  for (const [key, a] of Object.entries(init.attrs ?? {})) {
    const value = writeProto([attrValue(a)]);
    fields.push([5, { bytes: writeProto([[1, { bytes: key }], [2, { bytes: value }]]) }]);
  }
  return writeProto(fields);
}

/** Flexbuffer value types used here (`flexbuffers.h`). */
const FBT_STRING = 5, FBT_VECTOR = 10, FBT_BLOB = 25;

function readUint(buf: Uint8Array, at: number, width: number, what: string): number {
  if (at < 0 || at + width > buf.length) {
    throw new ModelFormatError(`${what} lies outside the ${buf.length} bytes of custom options`);
  }
  let v = 0;
  for (let k = width - 1; k >= 0; k--) v = v * 256 + buf[at + k];
  return v;
}

function widthOf(code: number, what: string): number {
  if (![1, 2, 4, 8].includes(code)) throw new ModelFormatError(`${what}: byte width ${code}`);
  return code;
}

/** The two strings of a Flex op's custom options. */
export interface FlexOptions {
  /** The TensorFlow op name the flexbuffer gives. */
  op: string;
  /** The serialized `NodeDef`. */
  nodeDef: Uint8Array;
}

/**
 * Reads a Flex op's custom options: a flexbuffer vector whose first two elements are strings (the
 * op name and the serialized `NodeDef`).
 *
 * @example
 * ```ts
 * import { decodeFlexOptions, encodeFlexOptions } from "./node_def.ts";
 * const o = decodeFlexOptions(encodeFlexOptions("Relu", new Uint8Array([0x12, 0])));
 * if (o.op !== "Relu" || o.nodeDef.length !== 2) throw new Error("wrong");
 * ```
 *
 * @param buf The custom options.
 * @param where The op, for errors (`"FlexAddV2"`).
 * @returns The op name and the `NodeDef` bytes.
 */
export function decodeFlexOptions(buf: Uint8Array | undefined, where = "Flex op"): FlexOptions {
  const w = `${where} custom options`;
  if (!buf || buf.length < 3) {
    throw new ModelFormatError(`${w} are missing or shorter than 3 bytes`);
  }
  const rootWidth = widthOf(buf[buf.length - 1], `${w} root`);
  const rootType = buf[buf.length - 2];
  if (rootType >> 2 !== FBT_VECTOR) {
    throw new ModelFormatError(`${w}: the root is flexbuffer type ${rootType >> 2}, not a vector`);
  }
  const rootAt = buf.length - 2 - rootWidth;
  const vec = rootAt - readUint(buf, rootAt, rootWidth, `${w} root offset`);
  const width = 1 << (rootType & 3);
  const length = readUint(buf, vec - width, width, `${w} vector length`);
  if (length < 2) throw new ModelFormatError(`${w}: the vector holds ${length} elements, not 2`);
  const strings = [0, 1].map((i) => {
    const at = vec + i * width;
    const type = readUint(buf, vec + length * width + i, 1, `${w} type of element ${i}`);
    if (type >> 2 !== FBT_STRING && type >> 2 !== FBT_BLOB) {
      throw new ModelFormatError(
        `${w}: element ${i} is flexbuffer type ${type >> 2}, not a string`,
      );
    }
    const start = at - readUint(buf, at, width, `${w} element ${i}`);
    const size = readUint(buf, start - (1 << (type & 3)), 1 << (type & 3), `${w} size of ${i}`);
    if (start < 0 || size > buf.length - start) {
      throw new ModelFormatError(
        `${w}: element ${i} (${size} bytes at ${start}) runs past the end`,
      );
    }
    return buf.subarray(start, start + size);
  });
  return { op: text(strings[0], `${w} op name`), nodeDef: strings[1] };
}

/**
 * Writes a Flex op's custom options: the flexbuffer vector of the op name and the `NodeDef`, all
 * offsets and sizes in the narrowest width that holds them.
 *
 * @example
 * ```ts
 * import { encodeFlexOptions } from "./node_def.ts";
 * const b = encodeFlexOptions("Relu", new Uint8Array([0x12, 0x04, 0x52, 0x65, 0x6c, 0x75]));
 * if (b.at(-1) !== 1 || b.at(-2) !== 0x28) throw new Error("wrong");
 * ```
 *
 * @param op TensorFlow op name.
 * @param nodeDef Serialized `NodeDef`.
 * @returns The custom options.
 */
export function encodeFlexOptions(op: string, nodeDef: Uint8Array): Uint8Array {
  const parts = [new TextEncoder().encode(op), nodeDef];
  for (const [width, log] of [[1, 0], [2, 1], [4, 2]]) {
    const limit = 2 ** (8 * width);
    const out: number[] = [];
    const put = (v: number) => {
      for (let k = 0; k < width; k++) out.push(Math.floor(v / 256 ** k) % 256);
    };
    const align = () => {
      while (out.length % width) out.push(0);
    };
    const starts = parts.map((p) => {
      align();
      put(p.length);
      const start = out.length;
      out.push(...p, 0);
      return start;
    });
    align();
    put(parts.length);
    const vec = out.length;
    starts.forEach((s, i) => put(vec + i * width - s));
    parts.forEach(() => out.push((FBT_STRING << 2) | log));
    const root = out.length;
    put(root - vec);
    out.push((FBT_VECTOR << 2) | log, width);
    if (out.length < limit) return new Uint8Array(out);
  }
  throw new ModelFormatError(`Flex options of ${op} exceed 4 GiB`);
}
