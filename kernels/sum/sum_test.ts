import { deepStrictEqual, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { sum } from "./mod.ts";

const axes = (data: number[]) => ({
  dtype: "int32" as const,
  shape: [data.length],
  value: { dtype: "int32" as const, shape: [data.length], data: new Int32Array(data) },
});

Deno.test("SUM conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(sum);
});

Deno.test("SUM normalises negative and repeated axes and honours keepDims", () => {
  const x = { dtype: "float32" as const, shape: [2, 3, 4] };
  const options = sum.parse({ options: { keepDims: true }, inputs: [x, axes([-1, 2, 0])] });
  deepStrictEqual(options, { axes: [0, 2], keepDims: true });
  deepStrictEqual(sum.infer({ inputs: [x], options })[0].shape, [1, 3, 1]);
  const flat = sum.parse({ options: {}, inputs: [x, axes([1])] });
  deepStrictEqual(sum.infer({ inputs: [x], options: flat })[0].shape, [2, 4]);
});

Deno.test("SUM rejects out-of-range and non-constant axes", () => {
  const x = { dtype: "float32" as const, shape: [2, 3] };
  throws(() => sum.parse({ options: {}, inputs: [x, axes([2])] }), OpError);
  throws(() => sum.parse({ options: {}, inputs: [x, { dtype: "int32", shape: [1] }] }), OpError);
});
