import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { select } from "./mod.ts";

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

Deno.test("SELECT with a vector condition picks whole rows", () => {
  const c = bool([2], [0, 1]);
  const x = f32([2, 2], [1, 2, 3, 4]);
  const y = f32([2, 2], [5, 6, 7, 8]);
  const [spec] = select.infer({ inputs: [c, x, y], options: {} });
  const [out] = select.reference({ inputs: [c, x, y], options: {}, outputs: [spec] });
  deepStrictEqual(values(out), [5, 6, 3, 4]);
});

Deno.test("SELECT picks elementwise when the condition has x's shape", () => {
  const c = bool([2, 2], [1, 0, 0, 1]);
  const x = f32([2, 2], [1, 2, 3, 4]);
  const y = f32([2, 2], [5, 6, 7, 8]);
  const [out] = select.reference({
    inputs: [c, x, y],
    options: {},
    outputs: [{ dtype: "float32", shape: [2, 2] }],
  });
  deepStrictEqual(values(out), [1, 6, 7, 4]);
});

Deno.test("SELECT does not broadcast", () => {
  throws(
    () =>
      select.infer({
        inputs: [bool([1], [1]), f32([3], [1, 2, 3]), f32([3], [1, 2, 3])],
        options: {},
      }),
    OpError,
  );
  throws(
    () =>
      select.infer({ inputs: [bool([2], [1, 0]), f32([2], [1, 2]), f32([], [1])], options: {} }),
    OpError,
  );
});

Deno.test("SELECT cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(select);
});
