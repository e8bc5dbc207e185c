import { deepStrictEqual as assertEquals, throws as assertThrows } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { averagePool2d } from "./mod.ts";

Deno.test("AVERAGE_POOL_2D conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(averagePool2d);
});

Deno.test("AVERAGE_POOL_2D averages only in-bounds elements at SAME borders", () => {
  const options = averagePool2d.parse({
    options: { padding: "SAME", strideW: 1, strideH: 1, filterWidth: 3, filterHeight: 3 },
    inputs: [{ dtype: "float32", shape: [1, 2, 2, 1] }],
  });
  const x = {
    dtype: "float32" as const,
    shape: [1, 2, 2, 1],
    data: new Float32Array([1, 2, 3, 4]),
  };
  const [y] = averagePool2d.reference({ inputs: [x], options, outputs: [] });
  assertEquals(Array.from(y.data as Float32Array), [2.5, 2.5, 2.5, 2.5]);
});

Deno.test("AVERAGE_POOL_2D rejects a zero stride and a window larger than a VALID input", () => {
  const x = { dtype: "float32" as const, shape: [1, 2, 2, 1] };
  assertThrows(
    () => averagePool2d.parse({ options: { filterWidth: 2, filterHeight: 2 }, inputs: [x] }),
    OpError,
  );
  const options = averagePool2d.parse({
    options: { padding: "VALID", strideW: 1, strideH: 1, filterWidth: 3, filterHeight: 3 },
    inputs: [x],
  });
  assertThrows(() => averagePool2d.infer({ inputs: [x], options }), OpError);
});
