import { strictEqual, throws } from "node:assert";
import { tensor } from "./tensor.ts";
import { UsageError } from "./errors.ts";

Deno.test("tensor() makes zeros of the dtype's array type and keeps given data", () => {
  const z = tensor("int8", [2, 3]);
  strictEqual(z.data.constructor, Int8Array);
  strictEqual(z.data.length, 6);
  const x = tensor("float32", [2], new Float32Array([1, 2]));
  strictEqual(x.data[1], 2);
});

Deno.test("tensor() refuses data that does not fit its shape or dtype", () => {
  throws(() => tensor("float32", [3], new Float32Array(2)), UsageError);
  throws(() => tensor("float32", [2], new Int32Array(2) as unknown as Float32Array), UsageError);
  throws(() => tensor("float32", [-1]), UsageError);
  throws(() => tensor("complex64" as "float32", [1]), UsageError);
});
