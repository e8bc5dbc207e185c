import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { logicalAnd } from "./mod.ts";

const t = (v: number[]) => ({ dtype: "bool" as const, shape: [v.length], data: new Uint8Array(v) });

Deno.test("LOGICAL_AND gives its truth table", () => {
  const [y] = logicalAnd.reference({
    inputs: [t([0, 0, 1, 1]), t([0, 1, 0, 1])],
    options: {},
    outputs: [{ dtype: "bool", shape: [4] }],
  });
  deepStrictEqual(values(y), [0, 0, 0, 1]);
});

Deno.test("LOGICAL_AND broadcasts and returns a bool tensor", () => {
  const a = { dtype: "bool" as const, shape: [4, 1, 3] };
  const b = { dtype: "bool" as const, shape: [5, 1] };
  deepStrictEqual(logicalAnd.infer({ inputs: [a, b], options: {} }), [{
    dtype: "bool",
    shape: [4, 5, 3],
  }]);
});

Deno.test("LOGICAL_AND rejects mixed dtypes and a missing input", () => {
  const a = { dtype: "bool" as const, shape: [2] };
  throws(
    () => logicalAnd.infer({ inputs: [a, { dtype: "int8", shape: [2] }], options: {} }),
    OpError,
  );
  throws(() => logicalAnd.parse({ inputs: [a], options: {} }), OpError);
});

Deno.test("LOGICAL_AND cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(logicalAnd);
});
