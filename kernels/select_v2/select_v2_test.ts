import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { selectV2 } from "./mod.ts";

const bool = (shape: number[], v: number[]) => ({
  dtype: "bool" as const,
  shape,
  data: new Uint8Array(v),
});
const f32 = (shape: number[], v: number[]) => ({
  dtype: "float32" as const,
  shape,
  data: new Float32Array(v),
});

Deno.test("SELECT_V2 broadcasts the condition, x and y together", () => {
  const c = bool([2, 1], [1, 0]);
  const x = f32([1, 3], [1, 2, 3]);
  const y = f32([], [-1]);
  const [spec] = selectV2.infer({ inputs: [c, x, y], options: {} });
  deepStrictEqual(spec.shape, [2, 3]);
  const [out] = selectV2.reference({ inputs: [c, x, y], options: {}, outputs: [spec] });
  deepStrictEqual(values(out), [1, 2, 3, -1, -1, -1]);
});

Deno.test("SELECT_V2 rejects a non-bool condition and mixed data dtypes", () => {
  const x = f32([2], [1, 2]);
  throws(() => selectV2.infer({ inputs: [x, x, x], options: {} }), OpError);
  throws(
    () =>
      selectV2.infer({
        inputs: [bool([2], [1, 0]), x, { dtype: "int32", shape: [2] }],
        options: {},
      }),
    OpError,
  );
  throws(() => selectV2.parse({ inputs: [x, x], options: {} }), OpError);
});

Deno.test("SELECT_V2 cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(selectV2);
});
