import { ok, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { logSoftmax } from "./mod.ts";

Deno.test("LOG_SOFTMAX conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(logSoftmax);
});

Deno.test("LOG_SOFTMAX of equal values is -log(n)", () => {
  const x = { dtype: "float32" as const, shape: [4], data: new Float32Array([3, 3, 3, 3]) };
  const options = logSoftmax.parse({ options: {}, inputs: [x] });
  const [y] = logSoftmax.reference({ inputs: [x], options, outputs: [] });
  ok((y.data as Float32Array).every((v) => Math.abs(v + Math.log(4)) < 1e-6));
});

Deno.test("LOG_SOFTMAX rejects a missing input and a scalar", () => {
  throws(() => logSoftmax.parse({ options: {}, inputs: [] }), OpError);
  const x = { dtype: "float32" as const, shape: [] };
  const options = logSoftmax.parse({ options: {}, inputs: [x] });
  throws(() => logSoftmax.infer({ inputs: [x], options }), OpError);
});
