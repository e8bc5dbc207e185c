import { deepStrictEqual as assertEquals, throws } from "node:assert";
import { readNpy, writeNpy } from "./npy.ts";
import { UsageError } from "../core/errors.ts";

Deno.test("writeNpy() then readNpy() round-trips every supported dtype", () => {
  const cases = [
    { dtype: "float32" as const, shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-7, 6]) },
    { dtype: "int32" as const, shape: [3], data: new Int32Array([1, -2, 3]) },
    { dtype: "uint8" as const, shape: [1, 2, 2], data: new Uint8Array([0, 255, 7, 9]) },
    { dtype: "int64" as const, shape: [], data: new BigInt64Array([5n]) },
  ];
  for (const t of cases) {
    const back = readNpy(writeNpy(t));
    assertEquals(back.dtype, t.dtype);
    assertEquals(back.shape, t.shape);
    assertEquals(
      Array.from(back.data as ArrayLike<number>),
      Array.from(t.data as ArrayLike<number>),
    );
  }
});

Deno.test("writeNpy() aligns the header to 64 bytes", () => {
  const bytes = writeNpy({ dtype: "float32", shape: [4], data: new Float32Array(4) });
  assertEquals((bytes.length - 16) % 64, 0);
});

Deno.test("readNpy() rejects truncated, foreign and Fortran-ordered files with a clear error", () => {
  const good = writeNpy({ dtype: "float32", shape: [4], data: new Float32Array(4) });
  throws(
    () => readNpy(good.subarray(0, good.length - 4), "x.npy"),
    (e: Error) => e instanceof UsageError && /needs 16 bytes/.test(e.message),
  );
  throws(
    () => readNpy(new Uint8Array(20)),
    (e: Error) => e instanceof UsageError && /magic/.test(e.message),
  );
  const text = new TextDecoder().decode(good).replace("False", "True ");
  throws(() => readNpy(new TextEncoder().encode(text)), UsageError);
});
