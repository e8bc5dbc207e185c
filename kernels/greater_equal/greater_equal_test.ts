import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { greaterEqual } from "./mod.ts";

const t = (v: number[]) => ({
  dtype: "float32" as const,
  shape: [v.length],
  data: new Float32Array(v),
});

Deno.test("GREATER_EQUAL gives its truth table", () => {
  const [y] = greaterEqual.reference({
    inputs: [t([1, 2, 3, -4]), t([2, 2, 2, 2])],
    options: {},
    outputs: [{ dtype: "bool", shape: [4] }],
  });
  deepStrictEqual(values(y), [0, 1, 1, 0]);
});

Deno.test("GREATER_EQUAL broadcasts and returns a bool tensor", () => {
  const a = { dtype: "float32" as const, shape: [4, 1, 3] };
  const b = { dtype: "float32" as const, shape: [5, 1] };
  deepStrictEqual(greaterEqual.infer({ inputs: [a, b], options: {} }), [{
    dtype: "bool",
    shape: [4, 5, 3],
  }]);
});

Deno.test("GREATER_EQUAL rejects mixed dtypes and a missing input", () => {
  const a = { dtype: "float32" as const, shape: [2] };
  throws(
    () => greaterEqual.infer({ inputs: [a, { dtype: "int8", shape: [2] }], options: {} }),
    OpError,
  );
  throws(() => greaterEqual.parse({ inputs: [a], options: {} }), OpError);
});

Deno.test("GREATER_EQUAL cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(greaterEqual);
});
