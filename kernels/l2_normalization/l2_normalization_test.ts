import { deepStrictEqual, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { l2Normalization } from "./mod.ts";

Deno.test("L2_NORMALIZATION conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(l2Normalization);
});

Deno.test("L2_NORMALIZATION divides by the norm, floored at 1e-6", () => {
  const x = { dtype: "float32" as const, shape: [2, 2], data: new Float32Array([3, 4, 0, 0]) };
  const options = l2Normalization.parse({ options: {}, inputs: [x] });
  const [y] = l2Normalization.reference({ inputs: [x], options, outputs: [] });
  deepStrictEqual(Array.from(y.data as Float32Array), [
    0.6000000238418579,
    0.800000011920929,
    0,
    0,
  ]);
});

Deno.test("L2_NORMALIZATION rejects an unknown activation", () => {
  const x = { dtype: "float32" as const, shape: [2] };
  throws(
    () => l2Normalization.parse({ options: { fusedActivationFunction: "GELU" }, inputs: [x] }),
    OpError,
  );
});
