import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { onesLike } from "./mod.ts";

Deno.test("ONES_LIKE gives ones of the input's shape and dtype", () => {
  const x = { dtype: "int64" as const, shape: [2, 2], data: new BigInt64Array([5n, -1n, 7n, 2n]) };
  const outputs = onesLike.infer({ inputs: [x], options: {} });
  deepStrictEqual(outputs, [{ dtype: "int64", shape: [2, 2] }]);
  deepStrictEqual(values(onesLike.reference({ inputs: [x], options: {}, outputs })[0]), [
    1,
    1,
    1,
    1,
  ]);
});

Deno.test("ONES_LIKE rejects a missing input", () => {
  throws(() => onesLike.parse({ inputs: [], options: {} }), OpError);
});

Deno.test("ONES_LIKE cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(onesLike);
});
