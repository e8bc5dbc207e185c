import { deepStrictEqual, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { reduceMin } from "./mod.ts";

const axes = (data: number[]) => ({
  dtype: "int32" as const,
  shape: [data.length],
  value: { dtype: "int32" as const, shape: [data.length], data: new Int32Array(data) },
});

Deno.test("REDUCE_MIN conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(reduceMin);
});

Deno.test("REDUCE_MIN normalises negative and repeated axes and honours keepDims", () => {
  const x = { dtype: "float32" as const, shape: [2, 3, 4] };
  const options = reduceMin.parse({ options: { keepDims: true }, inputs: [x, axes([-1, 2, 0])] });
  deepStrictEqual(options, { axes: [0, 2], keepDims: true });
  deepStrictEqual(reduceMin.infer({ inputs: [x], options })[0].shape, [1, 3, 1]);
  const flat = reduceMin.parse({ options: {}, inputs: [x, axes([1])] });
  deepStrictEqual(reduceMin.infer({ inputs: [x], options: flat })[0].shape, [2, 4]);
});

Deno.test("REDUCE_MIN rejects out-of-range and non-constant axes", () => {
  const x = { dtype: "float32" as const, shape: [2, 3] };
  throws(() => reduceMin.parse({ options: {}, inputs: [x, axes([2])] }), OpError);
  throws(
    () => reduceMin.parse({ options: {}, inputs: [x, { dtype: "int32", shape: [1] }] }),
    OpError,
  );
});
