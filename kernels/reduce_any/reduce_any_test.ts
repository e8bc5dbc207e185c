import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { constInt } from "../_shared/_shape_testing.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { reduceAny } from "./mod.ts";

const x = { dtype: "bool" as const, shape: [2, 3], data: new Uint8Array([0, 0, 0, 0, 1, 0]) };

Deno.test("REDUCE_ANY is true where any element along the axes is", () => {
  const options = reduceAny.parse({ options: { keepDims: true }, inputs: [x, constInt([-1])] });
  const [spec] = reduceAny.infer({ inputs: [x], options });
  deepStrictEqual(spec.shape, [2, 1]);
  deepStrictEqual(values(reduceAny.reference({ inputs: [x], options, outputs: [spec] })[0]), [
    0,
    1,
  ]);
  const all = reduceAny.parse({ options: {}, inputs: [x, constInt([0, 1])] });
  deepStrictEqual(values(reduceAny.reference({ inputs: [x], options: all, outputs: [] })[0]), [1]);
});

Deno.test("REDUCE_ANY rejects non-bool input and non-constant axes", () => {
  const f = { dtype: "float32" as const, shape: [2] };
  throws(() => reduceAny.infer({ inputs: [f], options: { axes: [0], keepDims: false } }), OpError);
  throws(
    () => reduceAny.parse({ options: {}, inputs: [x, { dtype: "int32", shape: [1] }] }),
    OpError,
  );
});

Deno.test("REDUCE_ANY cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(reduceAny);
});
