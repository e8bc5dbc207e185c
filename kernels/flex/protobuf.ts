/**
 * A small protocol-buffer wire-format reader and writer: varints, fixed 32/64-bit fields and
 * length-delimited fields, enough to read TensorFlow's `NodeDef` out of a Flex op's custom options.
 * Every read is bounds-checked: a truncated or hostile message gives a one-line `ModelFormatError`
 * naming the field and the offset.
 *
 * @module
 */
import { ModelFormatError } from "../../core/errors.ts";

/** One field of a message, as the wire format gives it. */
export interface ProtoField {
  /** Field number. */
  field: number;
  /** Wire type: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit. */
  wire: 0 | 1 | 2 | 5;
  /** The varint (as a bigint, two's complement bits of an int64 kept), for wire type 0. */
  varint?: bigint;
  /** The field's bytes: the payload for wire type 2, the little-endian bytes for 1 and 5. */
  bytes?: Uint8Array;
}

/** Longest varint: 10 bytes carry 64 bits. */
const MAX_VARINT_BYTES = 10;

function readVarint(buf: Uint8Array, at: number, where: string): [bigint, number] {
  let value = 0n;
  for (let k = 0; k < MAX_VARINT_BYTES; k++) {
    if (at + k >= buf.length) {
      throw new ModelFormatError(
        `${where}: varint at byte ${at} runs past the end (${buf.length})`,
      );
    }
    const b = buf[at + k];
    value |= BigInt(b & 0x7f) << BigInt(7 * k);
    if ((b & 0x80) === 0) return [BigInt.asUintN(64, value), at + k + 1];
  }
  throw new ModelFormatError(`${where}: varint at byte ${at} is longer than 10 bytes`);
}

/**
 * The fields of one message, in order (repeated fields appear once per occurrence).
 *
 * @example
 * ```ts
 * import { readProtoFields } from "./protobuf.ts";
 * const [f] = readProtoFields(new Uint8Array([0x08, 0x96, 0x01]), "example");
 * if (f.field !== 1 || f.varint !== 150n) throw new Error("wrong");
 * ```
 *
 * @param buf The message's bytes.
 * @param where What the message is, for errors (`"FlexAddV2 NodeDef"`).
 * @returns The fields.
 */
export function readProtoFields(buf: Uint8Array, where: string): ProtoField[] {
  const fields: ProtoField[] = [];
  let at = 0;
  while (at < buf.length) {
    const start = at;
    const [tag, next] = readVarint(buf, at, where);
    at = next;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field === 0 || field > 0x1fffffff) {
      throw new ModelFormatError(`${where}: field number ${field} at byte ${start} is invalid`);
    }
    const take = (n: number) => {
      if (n > buf.length - at) {
        throw new ModelFormatError(
          `${where}: field ${field} at byte ${start} needs ${n} bytes, ${buf.length - at} remain`,
        );
      }
      const bytes = buf.subarray(at, at + n);
      at += n;
      return bytes;
    };
    if (wire === 0) {
      const [varint, after] = readVarint(buf, at, where);
      at = after;
      fields.push({ field, wire, varint });
    } else if (wire === 1) fields.push({ field, wire, bytes: take(8) });
    else if (wire === 5) fields.push({ field, wire, bytes: take(4) });
    else if (wire === 2) {
      const [len, after] = readVarint(buf, at, where);
      at = after;
      if (len > BigInt(buf.length - at)) {
        throw new ModelFormatError(
          `${where}: field ${field} at byte ${start} declares ${len} bytes, ${
            buf.length - at
          } remain`,
        );
      }
      fields.push({ field, wire, bytes: take(Number(len)) });
    } else {
      throw new ModelFormatError(`${where}: field ${field} at byte ${start} has wire type ${wire}`);
    }
  }
  return fields;
}

/**
 * The varint of a field read as a signed 64-bit integer (protobuf `int64`, `int32` and enums),
 * as a number; throws when it does not fit a safe integer.
 *
 * @example
 * ```ts
 * import { protoInt } from "./protobuf.ts";
 * if (protoInt({ field: 1, wire: 0, varint: 2n ** 64n - 1n }, "x") !== -1) throw new Error("wrong");
 * ```
 *
 * @param f The field (wire type 0).
 * @param where What the field is, for errors.
 * @returns The integer.
 */
export function protoInt(f: ProtoField, where: string): number {
  if (f.wire !== 0 || f.varint === undefined) {
    throw new ModelFormatError(`${where}: field ${f.field} is not a varint (wire type ${f.wire})`);
  }
  const v = BigInt.asIntN(64, f.varint);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ModelFormatError(`${where}: field ${f.field} (${v}) is beyond 2^53`);
  }
  return Number(v);
}

/**
 * The payload of a length-delimited field.
 *
 * @example
 * ```ts
 * import { protoBytes, readProtoFields } from "./protobuf.ts";
 * const [f] = readProtoFields(new Uint8Array([0x12, 0x01, 0x54]), "example");
 * if (protoBytes(f, "example")[0] !== 0x54) throw new Error("wrong");
 * ```
 *
 * @param f The field (wire type 2).
 * @param where What the field is, for errors.
 * @returns Its bytes (a view into the message).
 */
export function protoBytes(f: ProtoField, where: string): Uint8Array {
  if (f.wire !== 2 || !f.bytes) {
    throw new ModelFormatError(
      `${where}: field ${f.field} is not length-delimited (wire type ${f.wire})`,
    );
  }
  return f.bytes;
}

/** A value to write: a varint (number, bigint or boolean), bytes, a string or a 32-bit float. */
export type ProtoValue =
  | { varint: number | bigint | boolean }
  | { bytes: Uint8Array | string }
  | { float: number };

function varintBytes(v: bigint): number[] {
  let u = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    const low = Number(u & 0x7fn);
    u >>= 7n;
    out.push(u > 0n ? low | 0x80 : low);
  } while (u > 0n);
  return out;
}

/**
 * Encodes fields as a message, in the given order.
 *
 * @example
 * ```ts
 * import { writeProto } from "./protobuf.ts";
 * const b = writeProto([[1, { varint: 150 }]]);
 * if (b.join() !== "8,150,1") throw new Error("wrong");
 * ```
 *
 * @param fields `[field number, value]` pairs.
 * @returns The message's bytes.
 */
export function writeProto(fields: readonly (readonly [number, ProtoValue])[]): Uint8Array {
  const out: number[] = [];
  for (const [field, value] of fields) {
    if ("varint" in value) {
      out.push(...varintBytes(BigInt(field) << 3n), ...varintBytes(BigInt(value.varint)));
    } else if ("float" in value) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, value.float, true);
      out.push(...varintBytes((BigInt(field) << 3n) | 5n), ...b);
    } else {
      const b = typeof value.bytes === "string"
        ? new TextEncoder().encode(value.bytes)
        : value.bytes;
      out.push(...varintBytes((BigInt(field) << 3n) | 2n), ...varintBytes(BigInt(b.length)), ...b);
    }
  }
  return new Uint8Array(out);
}
