import assert from "node:assert/strict";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { conv3d } from "./mod.ts";

Deno.test("CONV_3D conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(conv3d);
});

const x = { dtype: "float32" as const, shape: [1, 2, 3, 3, 1] };

Deno.test("CONV_3D pads SAME as TensorFlow Lite: a 2x2x2 box sum sees the leading edge", () => {
  const data = new Float32Array(18).map((_, i) => i + 1);
  const w = {
    dtype: "float32" as const,
    shape: [2, 2, 2, 1, 1],
    data: new Float32Array(8).fill(1),
  };
  const options = conv3d.parse({
    options: { padding: "SAME", strideD: 1, strideH: 1, strideW: 1 },
    inputs: [x, w],
  });
  const outputs = conv3d.infer({ inputs: [x, w], options });
  assert.deepEqual(outputs[0].shape, [1, 2, 3, 3, 1]);
  const [y] = conv3d.reference({ inputs: [{ ...x, data }, w], options, outputs });
  // Total padding 1 per axis, all of it after: output (0,0,0) sums depth 0..1, rows 0..1, cols 0..1.
  assert.equal(y.data[0], 1 + 2 + 4 + 5 + 10 + 11 + 13 + 14);
  // The last position (1,2,2) sees only itself.
  assert.equal(y.data[17], 18);
});

Deno.test("CONV_3D refuses a filter whose input channels differ from the input's", () => {
  const w = { dtype: "float32" as const, shape: [1, 1, 1, 2, 4] };
  const options = conv3d.parse({ options: { strideD: 1, strideH: 1, strideW: 1 }, inputs: [x, w] });
  assert.throws(() => conv3d.infer({ inputs: [x, w], options }), /must equal input channels/);
});

Deno.test("CONV_3D refuses zero strides, as the file of a malformed model would give", () => {
  assert.throws(
    () => conv3d.parse({ options: { strideD: 0, strideH: 1, strideW: 1 }, inputs: [x, x] }),
    /strideD/,
  );
});
