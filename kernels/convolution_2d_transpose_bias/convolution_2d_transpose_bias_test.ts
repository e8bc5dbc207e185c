import assert from "node:assert/strict";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { transposeConvParamsBytes } from "../_shared/conv_common.ts";
import { readModelFile } from "../../format/tflite/reader.ts";
import { convolution2dTransposeBias as op } from "./mod.ts";

Deno.test("Convolution2DTransposeBias conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(op);
});

Deno.test("Convolution2DTransposeBias infers the shapes of the hair segmentation model's nodes", async () => {
  const model = await readModelFile(
    new URL("../../../shared/models/networks/hair_segmentation.tflite", import.meta.url),
  );
  const g = model.subgraphs[0];
  const nodes = g.nodes.filter((n) => n.customCode === op.name);
  assert.ok(nodes.length > 0);
  for (const n of nodes) {
    const inputs = n.inputs.map((t) => ({ dtype: g.tensors[t].dtype, shape: g.tensors[t].shape }));
    const o = op.parse({ options: {}, customOptions: n.customOptions, inputs });
    assert.deepEqual(op.infer({ inputs, options: o })[0].shape, g.tensors[n.outputs[0]].shape);
  }
});

Deno.test("Convolution2DTransposeBias refuses short or unknown custom options", () => {
  const inputs = [{ dtype: "float32" as const, shape: [1, 2, 2, 1] }];
  assert.throws(
    () =>
      op.parse({
        options: {},
        customOptions: new Uint8Array(4),
        inputs: [...inputs, ...inputs, ...inputs],
      }),
    /12 bytes/,
  );
  const bad = transposeConvParamsBytes("SAME", 2, 2);
  bad[0] = 0;
  assert.throws(
    () => op.parse({ options: {}, customOptions: bad, inputs: [...inputs, ...inputs, ...inputs] }),
    /padding code 0/,
  );
});
