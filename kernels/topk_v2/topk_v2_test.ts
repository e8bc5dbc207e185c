import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { constInt } from "../_shared/_shape_testing.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { topkV2 } from "./mod.ts";

Deno.test("TOPK_V2 keeps the k largest of each row in descending order, ties by lower index", () => {
  const x = {
    dtype: "int32" as const,
    shape: [2, 4],
    data: new Int32Array([1, 5, 5, 2, 0, -1, 7, 3]),
  };
  const options = topkV2.parse({ options: {}, inputs: [x, constInt([2], [])] });
  const outputs = topkV2.infer({ inputs: [x], options });
  deepStrictEqual(outputs.map((o) => o.shape), [[2, 2], [2, 2]]);
  const [v, i] = topkV2.reference({ inputs: [x], options, outputs });
  deepStrictEqual(values(v), [5, 5, 7, 3]);
  deepStrictEqual(values(i), [1, 2, 2, 3]);
});

Deno.test("TOPK_V2 refuses a k computed at run time or larger than the axis", () => {
  const x = { dtype: "float32" as const, shape: [1, 4] };
  throws(
    () => topkV2.parse({ options: {}, inputs: [x, { dtype: "int32", shape: [] }] }),
    /constant/,
  );
  throws(() => topkV2.parse({ options: {}, inputs: [x, constInt([5], [])] }), OpError);
});

Deno.test("TOPK_V2 cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(topkV2);
});
