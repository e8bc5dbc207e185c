import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { gatherNd } from "./mod.ts";

const params = {
  dtype: "float32" as const,
  shape: [2, 2, 2],
  data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]),
};

Deno.test("GATHER_ND picks slices by index vectors", () => {
  const indices = { dtype: "int32" as const, shape: [2, 2], data: new Int32Array([1, 0, 0, 1]) };
  const outputs = gatherNd.infer({ inputs: [params, indices], options: {} });
  deepStrictEqual(outputs[0].shape, [2, 2]);
  deepStrictEqual(
    values(gatherNd.reference({ inputs: [params, indices], options: {}, outputs })[0]),
    [5, 6, 3, 4],
  );
});

Deno.test("GATHER_ND refuses indices out of range and too deep", () => {
  const bad = { dtype: "int32" as const, shape: [1, 1], data: new Int32Array([2]) };
  throws(
    () =>
      gatherNd.reference({
        inputs: [params, bad],
        options: {},
        outputs: [{ dtype: "float32", shape: [1, 2, 2] }],
      }),
    /out of range/,
  );
  throws(
    () => gatherNd.infer({ inputs: [params, { dtype: "int32", shape: [1, 4] }], options: {} }),
    OpError,
  );
});

Deno.test("GATHER_ND cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(gatherNd);
});
