import { deepStrictEqual, ok, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { readModelFile } from "../../format/tflite/reader.ts";
import { poolParamsBytes } from "../_shared/pool_custom.ts";
import { maxUnpooling2d } from "./mod.ts";

const customOptions = poolParamsBytes({
  padding: "VALID",
  strideW: 2,
  strideH: 2,
  filterW: 2,
  filterH: 2,
  activation: "NONE",
});

Deno.test("MaxUnpooling2D conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(maxUnpooling2d);
});

Deno.test("MaxUnpooling2D scatters each value to its window offset", () => {
  const shape = [1, 1, 2, 1];
  const options = maxUnpooling2d.parse({
    options: {},
    customOptions,
    inputs: [{ dtype: "float32", shape }, { dtype: "float32", shape }],
  });
  const v = { dtype: "float32" as const, shape, data: new Float32Array([5, 7]) };
  const ind = { dtype: "float32" as const, shape, data: new Float32Array([3.1, 1.1]) };
  const [y] = maxUnpooling2d.reference({ inputs: [v, ind], options, outputs: [] });
  deepStrictEqual(y.shape, [1, 2, 4, 1]);
  deepStrictEqual(Array.from(y.data as Float32Array), [0, 0, 0, 7, 0, 5, 0, 0]);
});

Deno.test("MaxUnpooling2D infers the shapes hair_segmentation.tflite declares", async () => {
  const model = await readModelFile(
    new URL("../../../shared/models/networks/hair_segmentation.tflite", import.meta.url),
  );
  const g = model.subgraphs[0];
  const nodes = g.nodes.filter((n) => n.customCode === "MaxUnpooling2D");
  ok(nodes.length > 0);
  for (const node of nodes) {
    const inputs = node.inputs.map((t) => ({
      dtype: g.tensors[t].dtype,
      shape: g.tensors[t].shape,
    }));
    const options = maxUnpooling2d.parse({
      options: {},
      customOptions: node.customOptions,
      inputs,
    });
    const [spec] = maxUnpooling2d.infer({ inputs, options });
    const t = g.tensors[node.outputs[0]];
    deepStrictEqual([spec.dtype, spec.shape], [t.dtype, t.shape]);
  }
});

Deno.test("MaxUnpooling2D rejects mismatched shapes and missing options", () => {
  const a = { dtype: "float32" as const, shape: [1, 2, 2, 1] };
  const b = { dtype: "float32" as const, shape: [1, 2, 3, 1] };
  const options = maxUnpooling2d.parse({ options: {}, customOptions, inputs: [a, b] });
  throws(() => maxUnpooling2d.infer({ inputs: [a, b], options }), OpError);
  throws(() => maxUnpooling2d.parse({ options: {}, inputs: [a, a] }), OpError);
});
