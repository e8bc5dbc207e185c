import { deepStrictEqual, strictEqual, throws } from "node:assert";
import { ModelFormatError } from "../../core/errors.ts";
import { protoBytes, protoInt, readProtoFields, writeProto } from "./protobuf.ts";

Deno.test("readProtoFields() reads back what writeProto() writes, field by field", () => {
  const buf = writeProto([
    [1, { varint: 150 }],
    [2, { bytes: "AddV2" }],
    [3, { varint: -1n }],
    [4, { float: 0.25 }],
    [2000, { bytes: new Uint8Array([1, 2, 3]) }],
  ]);
  const fields = readProtoFields(buf, "message");
  deepStrictEqual(fields.map((f) => [f.field, f.wire]), [[1, 0], [2, 2], [3, 0], [4, 5], [
    2000,
    2,
  ]]);
  strictEqual(protoInt(fields[0], "x"), 150);
  strictEqual(new TextDecoder().decode(protoBytes(fields[1], "x")), "AddV2");
  strictEqual(protoInt(fields[2], "x"), -1);
  strictEqual(
    new DataView(fields[3].bytes!.buffer, fields[3].bytes!.byteOffset).getFloat32(0, true),
    0.25,
  );
  deepStrictEqual([...protoBytes(fields[4], "x")], [1, 2, 3]);
});

Deno.test("writeProto() encodes varints as the protobuf documentation's example (150 is 08 96 01)", () => {
  deepStrictEqual([...writeProto([[1, { varint: 150 }]])], [0x08, 0x96, 0x01]);
  // A negative int64 takes ten bytes.
  strictEqual(writeProto([[1, { varint: -2 }]]).length, 11);
});

Deno.test("readProtoFields() refuses truncated and malformed messages with a ModelFormatError", () => {
  const parts = [
    writeProto([[1, { varint: 300 }]]),
    writeProto([[2, { bytes: "Softplus" }]]),
    writeProto([[4, { float: 1 }]]),
  ];
  const good = new Uint8Array(parts.flatMap((p) => [...p]));
  const ends = parts.map((_, k) => parts.slice(0, k + 1).reduce((n, p) => n + p.length, 0));
  for (let n = 1; n < good.length; n++) {
    // Every prefix that cuts a field is a clear error, never a partial read or another exception.
    if (ends.includes(n)) continue;
    throws(() => readProtoFields(good.subarray(0, n), "NodeDef"), ModelFormatError, `${n} bytes`);
  }
  const bad: [string, number[], RegExp][] = [
    ["an 11-byte varint", [0x08, ...Array(10).fill(0x80), 0x01], /longer than 10 bytes/],
    ["a length past the end", [0x12, 0x05, 0x41], /declares 5 bytes, 1 remain/],
    ["a huge length", [0x12, 0xff, 0xff, 0xff, 0xff, 0x0f], /declares 4294967295 bytes/],
    ["wire type 3 (groups)", [0x0b], /wire type 3/],
    ["field number 0", [0x00, 0x01], /field number 0/],
    ["a fixed64 cut short", [0x09, 1, 2, 3], /needs 8 bytes, 3 remain/],
  ];
  for (const [what, bytes, message] of bad) {
    throws(() => readProtoFields(new Uint8Array(bytes), "NodeDef"), (e: Error) => {
      strictEqual(e instanceof ModelFormatError, true, what);
      strictEqual(message.test(e.message), true, `${what}: ${e.message}`);
      strictEqual(e.message.includes("\n"), false);
      return true;
    });
  }
});

Deno.test("protoInt() and protoBytes() refuse fields of the wrong wire type", () => {
  const [v, s] = readProtoFields(writeProto([[1, { varint: 1 }], [2, { bytes: "x" }]]), "m");
  throws(() => protoBytes(v, "T"), /not length-delimited/);
  throws(() => protoInt(s, "T"), /not a varint/);
  const [big] = readProtoFields(writeProto([[1, { varint: 2n ** 60n }]]), "m");
  throws(() => protoInt(big, "i"), /beyond 2\^53/);
});
