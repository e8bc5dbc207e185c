import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { notEqual } from "./mod.ts";

const t = (v: number[]) => ({
  dtype: "float32" as const,
  shape: [v.length],
  data: new Float32Array(v),
});

Deno.test("NOT_EQUAL gives its truth table", () => {
  const [y] = notEqual.reference({
    inputs: [t([1, 2, -0, 3]), t([2, 2, 0, NaN])],
    options: {},
    outputs: [{ dtype: "bool", shape: [4] }],
  });
  deepStrictEqual(values(y), [1, 0, 0, 1]);
});

Deno.test("NOT_EQUAL broadcasts and returns a bool tensor", () => {
  const a = { dtype: "float32" as const, shape: [4, 1, 3] };
  const b = { dtype: "float32" as const, shape: [5, 1] };
  deepStrictEqual(notEqual.infer({ inputs: [a, b], options: {} }), [{
    dtype: "bool",
    shape: [4, 5, 3],
  }]);
});

Deno.test("NOT_EQUAL rejects mixed dtypes and a missing input", () => {
  const a = { dtype: "float32" as const, shape: [2] };
  throws(
    () => notEqual.infer({ inputs: [a, { dtype: "int8", shape: [2] }], options: {} }),
    OpError,
  );
  throws(() => notEqual.parse({ inputs: [a], options: {} }), OpError);
});

Deno.test("NOT_EQUAL cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(notEqual);
});
