import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { maxPool2d } from "./mod.ts";

Deno.test("MAX_POOL_2D conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(maxPool2d);
});

Deno.test("MAX_POOL_2D never takes padding as the maximum", () => {
  const options = maxPool2d.parse({
    options: { padding: "SAME", strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 },
    inputs: [{ dtype: "float32", shape: [1, 3, 3, 1] }],
  });
  const x = {
    dtype: "float32" as const,
    shape: [1, 3, 3, 1],
    data: new Float32Array([-9, -8, -7, -6, -5, -4, -3, -2, -1]),
  };
  const [y] = maxPool2d.reference({ inputs: [x], options, outputs: [] });
  assertEquals(y.shape, [1, 2, 2, 1]);
  assertEquals(Array.from(y.data as Float32Array), [-5, -4, -2, -1]);
});

Deno.test("MAX_POOL_2D rejects a 3-D input and an unknown padding", () => {
  const x = { dtype: "float32" as const, shape: [2, 2, 1] };
  const options = maxPool2d.parse({
    options: { strideW: 1, strideH: 1, filterWidth: 1, filterHeight: 1 },
    inputs: [x],
  });
  assertThrows(() => maxPool2d.infer({ inputs: [x], options }), OpError);
  assertThrows(
    () =>
      maxPool2d.parse({
        options: { padding: "FULL", strideW: 1, strideH: 1, filterWidth: 1, filterHeight: 1 },
        inputs: [x],
      }),
    OpError,
  );
});
