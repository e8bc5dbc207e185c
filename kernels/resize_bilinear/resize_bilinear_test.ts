import { deepStrictEqual, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { resizeBilinear } from "./mod.ts";

const size = (h: number, w: number) => ({
  dtype: "int32" as const,
  shape: [2],
  value: { dtype: "int32" as const, shape: [2], data: new Int32Array([h, w]) },
});

Deno.test("RESIZE_BILINEAR conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(resizeBilinear);
});

Deno.test("RESIZE_BILINEAR follows TensorFlow Lite on a 1-D ramp", () => {
  const x = { dtype: "float32" as const, shape: [1, 1, 3, 1], data: new Float32Array([0, 1, 2]) };
  const run = (options: Record<string, boolean>) => {
    const o = resizeBilinear.parse({ options, inputs: [x, size(1, 5)] });
    return Array.from(
      resizeBilinear.reference({ inputs: [x], options: o, outputs: [] })[0].data as Float32Array,
    )
      .map((v) => Math.round(v * 1000) / 1000);
  };
  deepStrictEqual(run({}), [0, 0.6, 1.2, 1.8, 2]);
  deepStrictEqual(run({ alignCorners: true }), [0, 0.5, 1, 1.5, 2]);
  deepStrictEqual(run({ halfPixelCenters: true }), [0, 0.4, 1, 1.6, 2]);
});

Deno.test("RESIZE_BILINEAR rejects both flags, a bad size and a 3-D input", () => {
  const x = { dtype: "float32" as const, shape: [1, 2, 2, 1] };
  throws(
    () =>
      resizeBilinear.parse({
        options: { alignCorners: true, halfPixelCenters: true },
        inputs: [x, size(2, 2)],
      }),
    OpError,
  );
  throws(() => resizeBilinear.parse({ options: {}, inputs: [x, size(0, 2)] }), OpError);
  const o = resizeBilinear.parse({ options: {}, inputs: [x, size(2, 2)] });
  throws(
    () => resizeBilinear.infer({ inputs: [{ dtype: "float32", shape: [2, 2, 1] }], options: o }),
    OpError,
  );
});
