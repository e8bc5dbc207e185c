import { deepStrictEqual, throws } from "node:assert";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform, values } from "../_shared/host_op_testing.ts";
import { less } from "./mod.ts";

const t = (v: number[]) => ({
  dtype: "int32" as const,
  shape: [v.length],
  data: new Int32Array(v),
});

Deno.test("LESS gives its truth table", () => {
  const [y] = less.reference({
    inputs: [t([1, 2, 3, -4]), t([2, 2, 2, 2])],
    options: {},
    outputs: [{ dtype: "bool", shape: [4] }],
  });
  deepStrictEqual(values(y), [1, 0, 0, 1]);
});

Deno.test("LESS broadcasts and returns a bool tensor", () => {
  const a = { dtype: "int32" as const, shape: [4, 1, 3] };
  const b = { dtype: "int32" as const, shape: [5, 1] };
  deepStrictEqual(less.infer({ inputs: [a, b], options: {} }), [{
    dtype: "bool",
    shape: [4, 5, 3],
  }]);
});

Deno.test("LESS rejects mixed dtypes and a missing input", () => {
  const a = { dtype: "int32" as const, shape: [2] };
  throws(() => less.infer({ inputs: [a, { dtype: "int8", shape: [2] }], options: {} }), OpError);
  throws(() => less.parse({ inputs: [a], options: {} }), OpError);
});

Deno.test("LESS cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(less);
});

Deno.test("LESS compares quantized inputs of different scales by their real values", () => {
  const q = (scale: number, zeroPoint: number) => ({
    scale: [scale],
    zeroPoint: [zeroPoint],
    quantizedDimension: 0,
  });
  const a = {
    dtype: "int8" as const,
    shape: [3],
    quantization: q(0.5, 0),
    data: new Int8Array([4, 4, 4]),
  };
  const b = {
    dtype: "int8" as const,
    shape: [3],
    quantization: q(0.1, -10),
    data: new Int8Array([9, 10, 11]),
  };
  // Real values: a = 2, 2, 2; b = 1.9, 2.0, 2.1.
  const [y] = less.reference({
    inputs: [a, b],
    options: {},
    outputs: [{ dtype: "bool", shape: [3] }],
  });
  deepStrictEqual(values(y), [0, 0, 1]);
});
