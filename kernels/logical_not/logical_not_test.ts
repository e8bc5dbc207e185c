import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { logicalNot } from "./mod.ts";

const t = (v: number[]) => ({ dtype: "bool" as const, shape: [v.length], data: new Uint8Array(v) });

Deno.test("LOGICAL_NOT gives its truth table", () => {
  const [y] = logicalNot.reference({
    inputs: [t([0, 1, 1, 0])],
    options: {},
    outputs: [{ dtype: "bool", shape: [4] }],
  });
  deepStrictEqual(values(y), [1, 0, 0, 1]);
});

Deno.test("LOGICAL_NOT rejects non-bool input", () => {
  throws(
    () => logicalNot.infer({ inputs: [{ dtype: "float32", shape: [2] }], options: {} }),
    OpError,
  );
});

Deno.test("LOGICAL_NOT cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(logicalNot);
});
