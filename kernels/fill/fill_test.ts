import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { constInt } from "../_shared/_shape_testing.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { fill } from "./mod.ts";

Deno.test("FILL repeats the scalar over the constant shape, keeping its dtype", () => {
  const v = { dtype: "int32" as const, shape: [], data: new Int32Array([-3]) };
  const options = fill.parse({ options: {}, inputs: [constInt([2, 3]), v] });
  const outputs = fill.infer({ inputs: [undefined, v], options });
  deepStrictEqual(outputs, [{ dtype: "int32", shape: [2, 3] }]);
  deepStrictEqual(values(fill.reference({ inputs: [undefined, v], options, outputs })[0]), [
    -3,
    -3,
    -3,
    -3,
    -3,
    -3,
  ]);
});

Deno.test("FILL refuses run-time dims and a non-scalar value", () => {
  const v = { dtype: "float32" as const, shape: [2] };
  throws(
    () => fill.parse({ options: {}, inputs: [{ dtype: "int32", shape: [2] }, v] }),
    /constant/,
  );
  throws(() => fill.infer({ inputs: [undefined, v], options: { shape: [2] } }), OpError);
});

Deno.test("FILL cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(fill);
});
