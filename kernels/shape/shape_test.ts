import { deepStrictEqual, strictEqual } from "node:assert";
import { assertHostCasesConform } from "../_shared/host_op_testing.ts";
import { GraphBuilder } from "../../format/tflite/builder.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { kernelFor } from "../registry.ts";
import { shape } from "./mod.ts";

Deno.test("SHAPE cases run through the loader on the CPU backend and match the reference", async () => {
  strictEqual(await assertHostCasesConform(shape), 3);
});

Deno.test("SHAPE gives int32 by default and int64 when asked; its node folds once shapes are known", () => {
  const x = { dtype: "float32" as const, shape: [2, 3, 4] };
  const o32 = shape.parse({ options: { outType: "float32" }, inputs: [x] });
  deepStrictEqual(shape.infer({ inputs: [x], options: o32 }), [{ dtype: "int32", shape: [3] }]);
  const o64 = shape.parse({ options: { outType: "int64" }, inputs: [x] });
  const [out] = shape.reference({
    inputs: [{ ...x, data: new Float32Array(0) }],
    options: o64,
    outputs: shape.infer({ inputs: [x], options: o64 }),
  });
  deepStrictEqual([...out.data], [2n, 3n, 4n]);
  const g = new GraphBuilder();
  const input = g.input("x", "float32", [1, 5, 5, 2]);
  const [s] = g.op("SHAPE", [input], [{ dtype: "int32", shape: [4] }]);
  const [y] = g.op("RESHAPE", [input, s], [{ dtype: "float32", shape: [1, 5, 5, 2] }]);
  g.output(y);
  const exec = buildExecGraph(g.build().subgraphs[0], kernelFor);
  deepStrictEqual(exec.hostFolded, ["SHAPE#0"]);
  strictEqual(exec.nodes.length, 1);
  deepStrictEqual([...exec.tensors[s].value!.data], [1, 5, 5, 2]);
});
