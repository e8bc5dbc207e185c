import { deepStrictEqual, throws } from "node:assert";
import { OpError, ValueNeededError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { where } from "./mod.ts";

Deno.test("WHERE lists the coordinates of true elements in row-major order", () => {
  const c = {
    dtype: "bool" as const,
    shape: [2, 3],
    data: Uint8Array.of(1, 0, 0, 0, 1, 1),
  };
  const outputs = where.infer({ inputs: [{ ...c, value: c }], options: {} });
  deepStrictEqual(outputs, [{ dtype: "int64", shape: [3, 2] }]);
  const [y] = where.reference({ inputs: [c], options: {}, outputs });
  deepStrictEqual(values(y), [0, 0, 1, 1, 1, 2]);
});

Deno.test("WHERE needs its condition's value to bind, and refuses other dtypes", () => {
  const c = { dtype: "bool" as const, shape: [4] };
  throws(() => where.infer({ inputs: [c], options: {} }), ValueNeededError);
  throws(() => where.parse({ options: {}, inputs: [{ dtype: "float32", shape: [4] }] }), OpError);
});

Deno.test("WHERE cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(where);
});
