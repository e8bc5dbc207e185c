import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { equal } from "./mod.ts";

const t = (v: number[]) => ({
  dtype: "float32" as const,
  shape: [v.length],
  data: new Float32Array(v),
});

Deno.test("EQUAL gives its truth table", () => {
  const [y] = equal.reference({
    inputs: [t([1, 2, -0, 3]), t([2, 2, 0, NaN])],
    options: {},
    outputs: [{ dtype: "bool", shape: [4] }],
  });
  deepStrictEqual(values(y), [0, 1, 1, 0]);
});

Deno.test("EQUAL broadcasts and returns a bool tensor", () => {
  const a = { dtype: "float32" as const, shape: [4, 1, 3] };
  const b = { dtype: "float32" as const, shape: [5, 1] };
  deepStrictEqual(equal.infer({ inputs: [a, b], options: {} }), [{
    dtype: "bool",
    shape: [4, 5, 3],
  }]);
});

Deno.test("EQUAL rejects mixed dtypes and a missing input", () => {
  const a = { dtype: "float32" as const, shape: [2] };
  throws(() => equal.infer({ inputs: [a, { dtype: "int8", shape: [2] }], options: {} }), OpError);
  throws(() => equal.parse({ inputs: [a], options: {} }), OpError);
});

Deno.test("EQUAL cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(equal);
});
