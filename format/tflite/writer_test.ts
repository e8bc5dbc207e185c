import assert from "node:assert/strict";
import { UsageError } from "../../core/errors.ts";
import { readModel } from "./reader.ts";
import { writeModel } from "./writer.ts";
import { GraphBuilder } from "./builder.ts";
import { DANGLING_MODELS, modelFiles, MODELS_DIR } from "./_test_models.ts";

Deno.test("writeModel() round-trips every shared model: read, write, read gives a deep-equal Model", () => {
  for (const rel of modelFiles()) {
    const options = { allowDangling: DANGLING_MODELS.includes(rel) };
    const a = readModel(Deno.readFileSync(MODELS_DIR + rel), options);
    const b = readModel(writeModel(a), options);
    assert.deepStrictEqual(b, a, rel);
  }
});

Deno.test("GraphBuilder models read back equal after writeModel()", () => {
  const g = new GraphBuilder({ name: "main", description: "test" });
  const x = g.input("x", "float32", [1, -1, 8, 3]);
  const w = g.constant("w", "float32", [3, 1, 1, 3], new Float32Array(9).fill(1));
  const b = g.constant("b", "float32", [3], new Float32Array([1, 2, 3]));
  const [c] = g.op("CONV_2D", [x, w, b], [{ dtype: "float32", shape: [1, -1, 8, 3] }], {
    options: { padding: "SAME", strideW: 1, strideH: 1, fusedActivationFunction: "RELU6" },
  });
  const [r] = g.op("RESIZE_BILINEAR", [
    c,
    g.constant("size", "int32", [2], new Int32Array([16, 16])),
  ], [
    { dtype: "float32", shape: [1, 16, 16, 3] },
  ], { options: { halfPixelCenters: true } });
  const [s] = g.op(
    "STRIDED_SLICE",
    [
      r,
      g.constant("begin", "int32", [4], new Int32Array(4)),
      g.constant("end", "int32", [4], new Int32Array([1, 8, 8, 3])),
      g.constant("strides", "int32", [4], new Int32Array([1, 1, 1, 1])),
    ],
    [{ dtype: "float32", shape: [1, 8, 8, 3] }],
    { options: { beginMask: 15, shrinkAxisMask: 0 } },
  );
  const [t] = g.op("CUSTOM", [s], [{ dtype: "float32", shape: [1, 8, 8, 3] }], {
    customCode: "MyOp",
    customOptions: new Uint8Array([1, 2, 3]),
  });
  g.output(t);
  const model = g.build();
  const again = readModel(writeModel(model));
  assert.deepStrictEqual(again, model);
  const conv = again.subgraphs[0].nodes[0];
  assert.deepEqual(conv.options, {
    padding: "SAME",
    strideW: 1,
    strideH: 1,
    fusedActivationFunction: "RELU6",
    dilationWFactor: 1,
    dilationHFactor: 1,
    quantizedBiasType: "float32",
  });
  assert.equal(again.subgraphs[0].nodes[3].customCode, "MyOp");
});

Deno.test("writeModel() refuses unknown ops and enum values with a UsageError", () => {
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [1]);
  g.output(
    g.op("ADD", [x, x], [{ dtype: "float32", shape: [1] }], {
      options: { fusedActivationFunction: "BOGUS" },
    })[0],
  );
  assert.throws(
    () => writeModel(g.build()),
    (e) => e instanceof UsageError && /BOGUS/.test(e.message),
  );
  const h = new GraphBuilder();
  const y = h.input("y", "float32", [1]);
  h.output(h.op("NOT_AN_OP", [y], [{ dtype: "float32", shape: [1] }])[0]);
  assert.throws(
    () => writeModel(h.build()),
    (e) => e instanceof UsageError && /NOT_AN_OP/.test(e.message),
  );
});

Deno.test("GraphBuilder.constant() checks the data length against the shape", () => {
  const g = new GraphBuilder();
  assert.throws(() => g.constant("w", "float32", [2, 2], new Float32Array(3)), UsageError);
});
