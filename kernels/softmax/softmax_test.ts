import { ok, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { softmax } from "./mod.ts";

Deno.test("SOFTMAX conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(softmax);
});

Deno.test("SOFTMAX stays finite for large inputs and rows sum to one", () => {
  const x = { dtype: "float32" as const, shape: [1, 3], data: new Float32Array([1000, 999, -5]) };
  const options = softmax.parse({ options: { beta: 1 }, inputs: [x] });
  const [y] = softmax.reference({ inputs: [x], options, outputs: [] });
  const d = y.data as Float32Array;
  ok(d.every(Number.isFinite));
  ok(Math.abs(d[0] + d[1] + d[2] - 1) < 1e-6);
});

Deno.test("SOFTMAX rejects a non-numeric beta and int32 input", () => {
  const x = { dtype: "float32" as const, shape: [2] };
  throws(() => softmax.parse({ options: { beta: "x" }, inputs: [x] }), OpError);
  const options = softmax.parse({ options: { beta: 1 }, inputs: [x] });
  throws(() => softmax.infer({ inputs: [{ dtype: "int32", shape: [2] }], options }), OpError);
});
