import { deepStrictEqual, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { resizeNearestNeighbor } from "./mod.ts";

const size = (h: number, w: number) => ({
  dtype: "int32" as const,
  shape: [2],
  value: { dtype: "int32" as const, shape: [2], data: new Int32Array([h, w]) },
});

Deno.test("RESIZE_NEAREST_NEIGHBOR conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(resizeNearestNeighbor);
});

Deno.test("RESIZE_NEAREST_NEIGHBOR follows TensorFlow Lite on a 1-D ramp", () => {
  const x = { dtype: "float32" as const, shape: [1, 1, 3, 1], data: new Float32Array([0, 1, 2]) };
  const run = (options: Record<string, boolean>) => {
    const o = resizeNearestNeighbor.parse({ options, inputs: [x, size(1, 5)] });
    return Array.from(
      resizeNearestNeighbor.reference({ inputs: [x], options: o, outputs: [] })[0]
        .data as Float32Array,
    )
      .map((v) => Math.round(v * 1000) / 1000);
  };
  deepStrictEqual(run({}), [0, 0, 1, 1, 2]);
  deepStrictEqual(run({ alignCorners: true }), [0, 1, 1, 2, 2]);
  deepStrictEqual(run({ halfPixelCenters: true }), [0, 0, 1, 2, 2]);
});

Deno.test("RESIZE_NEAREST_NEIGHBOR rejects both flags, a bad size and a 3-D input", () => {
  const x = { dtype: "float32" as const, shape: [1, 2, 2, 1] };
  throws(
    () =>
      resizeNearestNeighbor.parse({
        options: { alignCorners: true, halfPixelCenters: true },
        inputs: [x, size(2, 2)],
      }),
    OpError,
  );
  throws(() => resizeNearestNeighbor.parse({ options: {}, inputs: [x, size(0, 2)] }), OpError);
  const o = resizeNearestNeighbor.parse({ options: {}, inputs: [x, size(2, 2)] });
  throws(
    () =>
      resizeNearestNeighbor.infer({ inputs: [{ dtype: "float32", shape: [2, 2, 1] }], options: o }),
    OpError,
  );
});
