import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { constInt } from "../_shared/_shape_testing.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { scatterNd } from "./mod.ts";

Deno.test("SCATTER_ND writes rows at their indices and adds repeated ones", () => {
  const indices = { dtype: "int32" as const, shape: [3, 1], data: new Int32Array([2, 0, 2]) };
  const updates = {
    dtype: "float32" as const,
    shape: [3, 2],
    data: new Float32Array([1, 2, 3, 4, 5, 6]),
  };
  const options = scatterNd.parse({ options: {}, inputs: [indices, updates, constInt([3, 2])] });
  const outputs = scatterNd.infer({ inputs: [indices, updates], options });
  const [y] = scatterNd.reference({ inputs: [indices, updates], options, outputs });
  deepStrictEqual(values(y), [3, 4, 0, 0, 6, 8]);
});

Deno.test("SCATTER_ND checks the updates' shape and refuses a shape computed at run time", () => {
  const indices = { dtype: "int32" as const, shape: [2, 1] };
  const updates = { dtype: "float32" as const, shape: [2, 3] };
  throws(
    () => scatterNd.infer({ inputs: [indices, updates], options: { shape: [4, 2] } }),
    OpError,
  );
  throws(
    () =>
      scatterNd.parse({ options: {}, inputs: [indices, updates, { dtype: "int32", shape: [2] }] }),
    /constant/,
  );
});

Deno.test("SCATTER_ND cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(scatterNd);
});
