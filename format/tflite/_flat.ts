/**
 * A bounds-checked view of a FlatBuffer: every offset, vtable and vector length is checked against the
 * file before it is read, and every failure is a {@linkcode ModelFormatError} that says where it
 * happened. Internal to the reader.
 *
 * @module
 */

import { ByteBuffer } from "flatbuffers";
import { ModelFormatError } from "../../core/errors.ts";
import type { ScalarKind } from "./schema.ts";

/** A table located and checked in the buffer. */
export interface Table {
  /** Absolute position of the table. */
  pos: number;
  /** Absolute position of its vtable. */
  vt: number;
  /** Length of the vtable in bytes. */
  vtLen: number;
  /** Length of the table's inline data in bytes. */
  objLen: number;
  /** Human-readable location, e.g. `subgraph 0 tensor 12`. */
  where: string;
}

/** A vector located and checked in the buffer. */
export interface Vec {
  /** Absolute position of the first element. */
  start: number;
  /** Number of elements. */
  length: number;
}

const SIZES: Record<ScalarKind, number> = {
  bool: 1,
  i8: 1,
  u8: 1,
  i16: 2,
  u16: 2,
  i32: 4,
  u32: 4,
  i64: 8,
  f32: 4,
};

/** Checked reader over the bytes of one FlatBuffer. */
export class FlatReader {
  readonly bytes: Uint8Array;
  readonly #bb: ByteBuffer;
  readonly #len: number;
  #budget: number;
  readonly #decoder = new TextDecoder("utf-8", { fatal: false });

  /**
   * Wraps the bytes.
   *
   * @param bytes The whole file.
   * @param budget How many vector elements and tables may be decoded in total (bounds the work a hostile
   *   file that shares one big vector among many tables can cause).
   */
  constructor(bytes: Uint8Array, budget: number) {
    this.bytes = bytes;
    this.#bb = new ByteBuffer(bytes);
    this.#len = bytes.length;
    this.#budget = budget;
  }

  /** Throws a {@linkcode ModelFormatError}. */
  fail(message: string): never {
    throw new ModelFormatError(message);
  }

  #need(pos: number, size: number, what: string): void {
    if (!(pos >= 0 && pos + size <= this.#len)) {
      this.fail(
        `Truncated or corrupt file: ${what} at offset ${pos} needs ${size} bytes but the file has ${this.#len}`,
      );
    }
  }

  #spend(n: number, where: string): void {
    this.#budget -= n;
    if (this.#budget < 0) {
      this.fail(
        `Model decodes to far more data than the file holds (at ${where}): refusing a hostile file`,
      );
    }
  }

  /** Reads a scalar at an absolute position (already checked). */
  scalarAt(pos: number, kind: ScalarKind): number | boolean {
    const bb = this.#bb;
    switch (kind) {
      case "bool":
        return bb.readUint8(pos) !== 0;
      case "i8":
        return bb.readInt8(pos);
      case "u8":
        return bb.readUint8(pos);
      case "i16":
        return bb.readInt16(pos);
      case "u16":
        return bb.readUint16(pos);
      case "i32":
        return bb.readInt32(pos);
      case "u32":
        return bb.readUint32(pos);
      case "i64":
        return Number(bb.readInt64(pos));
      case "f32":
        return bb.readFloat32(pos);
    }
  }

  /** Locates and checks the root table, after checking the file identifier. */
  root(identifier: string): Table {
    if (this.#len < 8) {
      this.fail(
        `File too short to be a TensorFlow Lite model: ${this.#len} bytes`,
      );
    }
    const id = String.fromCharCode(...this.bytes.subarray(4, 8));
    if (id !== identifier) {
      this.fail(
        `Not a TensorFlow Lite model: file identifier is ${
          JSON.stringify(id)
        }, expected "${identifier}"`,
      );
    }
    return this.tableAt(this.#bb.readUint32(0), "model");
  }

  /** Locates and checks a table at an absolute position. */
  tableAt(pos: number, where: string): Table {
    this.#spend(1, where);
    this.#need(pos, 4, `${where} table`);
    const vt = pos - this.#bb.readInt32(pos);
    this.#need(vt, 4, `${where} vtable`);
    const vtLen = this.#bb.readUint16(vt);
    const objLen = this.#bb.readUint16(vt + 2);
    if (vtLen < 4 || vtLen % 2 !== 0) {
      this.fail(
        `Corrupt file: ${where} vtable at offset ${vt} has length ${vtLen}`,
      );
    }
    this.#need(vt, vtLen, `${where} vtable`);
    if (objLen < 4) {
      this.fail(
        `Corrupt file: ${where} table at offset ${pos} has length ${objLen}`,
      );
    }
    this.#need(pos, objLen, `${where} table`);
    return { pos, vt, vtLen, objLen, where };
  }

  /** Absolute position of a field, or 0 when absent; checks that `size` bytes fit in the table. */
  field(t: Table, id: number, size: number, name: string): number {
    const slot = 4 + 2 * id;
    if (slot + 2 > t.vtLen) return 0;
    const o = this.#bb.readUint16(t.vt + slot);
    if (o === 0) return 0;
    if (o + size > t.objLen) {
      this.fail(
        `Corrupt file: ${t.where} field ${name} at offset ${o} lies outside its table (${t.objLen} bytes)`,
      );
    }
    return t.pos + o;
  }

  /** A scalar field, or its default when absent. */
  scalar<T extends number | boolean>(
    t: Table,
    id: number,
    kind: ScalarKind,
    def: T,
    name: string,
  ): T {
    const p = this.field(t, id, SIZES[kind], name);
    return p === 0 ? def : this.scalarAt(p, kind) as T;
  }

  /** The absolute position an offset field points to, or 0 when absent. */
  ref(t: Table, id: number, name: string): number {
    const p = this.field(t, id, 4, name);
    if (p === 0) return 0;
    const target = p + this.#bb.readUint32(p);
    this.#need(target, 4, `${t.where} ${name}`);
    return target;
  }

  /** A sub-table field, or `undefined` when absent. */
  table(t: Table, id: number, name: string, where: string): Table | undefined {
    const p = this.ref(t, id, name);
    return p === 0 ? undefined : this.tableAt(p, where);
  }

  /** A vector field with elements of `elemSize` bytes, or `undefined` when absent. */
  vector(
    t: Table,
    id: number,
    elemSize: number,
    name: string,
  ): Vec | undefined {
    const p = this.ref(t, id, name);
    if (p === 0) return undefined;
    const length = this.#bb.readUint32(p);
    this.#need(
      p + 4,
      length * elemSize,
      `${t.where} ${name} (${length} elements)`,
    );
    this.#spend(length, `${t.where} ${name}`);
    return { start: p + 4, length };
  }

  /** A vector of scalars as numbers (booleans as 0/1), or `undefined` when absent. */
  numbers(
    t: Table,
    id: number,
    kind: ScalarKind,
    name: string,
  ): number[] | undefined {
    const size = SIZES[kind];
    const v = this.vector(t, id, size, name);
    if (v === undefined) return undefined;
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) {
      out[i] = Number(this.scalarAt(v.start + i * size, kind));
    }
    return out;
  }

  /** A byte vector as a copy, or `undefined` when absent. */
  byteVector(t: Table, id: number, name: string): Uint8Array | undefined {
    const v = this.vector(t, id, 1, name);
    return v === undefined ? undefined : this.bytes.slice(v.start, v.start + v.length);
  }

  /** A string field, or `undefined` when absent. */
  string(t: Table, id: number, name: string): string | undefined {
    const v = this.vector(t, id, 1, name);
    return v === undefined
      ? undefined
      : this.#decoder.decode(this.bytes.subarray(v.start, v.start + v.length));
  }

  /** A vector of tables; `[]` when absent. */
  tables(
    t: Table,
    id: number,
    name: string,
    where: (i: number) => string,
  ): Table[] {
    const v = this.vector(t, id, 4, name);
    if (v === undefined) return [];
    const out: Table[] = [];
    for (let i = 0; i < v.length; i++) {
      const p = v.start + 4 * i;
      out.push(this.tableAt(p + this.#bb.readUint32(p), where(i)));
    }
    return out;
  }

  /** Bytes `[offset, offset + size)` of the file, copied, after checking they lie inside it. */
  slice(offset: number, size: number, what: string): Uint8Array {
    this.#need(offset, size, what);
    return this.bytes.slice(offset, offset + size);
  }
}
