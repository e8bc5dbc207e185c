import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { constInt } from "../_shared/_shape_testing.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { reduceAll } from "./mod.ts";

const x = { dtype: "bool" as const, shape: [2, 3], data: new Uint8Array([1, 1, 1, 1, 0, 1]) };

Deno.test("REDUCE_ALL is true where every element along the axes is", () => {
  const options = reduceAll.parse({ options: {}, inputs: [x, constInt([1])] });
  const [spec] = reduceAll.infer({ inputs: [x], options });
  deepStrictEqual(values(reduceAll.reference({ inputs: [x], options, outputs: [spec] })[0]), [
    1,
    0,
  ]);
  const cols = reduceAll.parse({ options: {}, inputs: [x, constInt([0])] });
  deepStrictEqual(values(reduceAll.reference({ inputs: [x], options: cols, outputs: [] })[0]), [
    1,
    0,
    1,
  ]);
});

Deno.test("REDUCE_ALL rejects out-of-range axes", () => {
  throws(() => reduceAll.parse({ options: {}, inputs: [x, constInt([2])] }), OpError);
});

Deno.test("REDUCE_ALL cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(reduceAll);
});
