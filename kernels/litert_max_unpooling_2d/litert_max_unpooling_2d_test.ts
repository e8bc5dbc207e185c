import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { loadModel } from "../../engine/session.ts";
import { poolParamsBytes } from "../_shared/pool_custom.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { litertMaxUnpooling2d as unpool } from "./mod.ts";

const OPS = new URL("../../../shared/models/ops/", import.meta.url);

Deno.test("LiteRtMaxUnpooling2D writes each value at its flat index within its batch", () => {
  const customOptions = poolParamsBytes({
    padding: "SAME",
    strideW: 2,
    strideH: 1,
    filterW: 2,
    filterH: 1,
    activation: "NONE",
  });
  const shape = [2, 1, 2, 1];
  const spec = { dtype: "float32" as const, shape };
  const options = unpool.parse({
    options: {},
    customOptions,
    inputs: [spec, { dtype: "int32", shape }],
  });
  const outputs = unpool.infer({ inputs: [spec, { dtype: "int32", shape }], options });
  deepStrictEqual(outputs[0].shape, [2, 1, 4, 1]);
  const v = { ...spec, data: new Float32Array([1, 2, 3, 4]) };
  const i = { dtype: "int32" as const, shape, data: new Int32Array([1, 2, 0, 3]) };
  deepStrictEqual(values(unpool.reference({ inputs: [v, i], options, outputs })[0]), [
    0,
    1,
    2,
    0,
    3,
    0,
    0,
    4,
  ]);
  const bad = { ...i, data: new Int32Array([1, 2, 0, 9]) };
  throws(() => unpool.reference({ inputs: [v, bad], options, outputs }), OpError);
});

Deno.test("LiteRtMaxUnpooling2D sizes LiteRT's test models: SAME doubles, VALID adds the filter", async () => {
  for (
    const [file, shape] of [["max_unpooling_2d", [1, 16, 16, 128]], ["max_unpooling_2d_valid", [
      2,
      4,
      11,
      2,
    ]]] as const
  ) {
    const model = await loadModel(new URL(`litert_test__${file}.tflite`, OPS));
    const g = buildExecGraph(model.subgraphs[0], (n) => (n === unpool.name ? unpool : undefined));
    deepStrictEqual(g.tensors[g.outputs[0]].shape, shape);
  }
});

Deno.test("LiteRtMaxUnpooling2D cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(unpool);
});
