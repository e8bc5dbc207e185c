import assert from "node:assert/strict";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { batchMatMul } from "./mod.ts";
import { batchMatMulInteger } from "./quant.ts";

Deno.test("BATCH_MATMUL conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(batchMatMul);
});

const t = (shape: number[]) => ({ dtype: "float32" as const, shape });

Deno.test("BATCH_MATMUL broadcasts batch dimensions and honours adjX/adjY", () => {
  const o = batchMatMul.parse({ options: { adjY: true }, inputs: [t([2, 1, 4, 5]), t([3, 9, 5])] });
  const [out] = batchMatMul.infer({ inputs: [t([2, 1, 4, 5]), t([3, 9, 5])], options: o });
  assert.deepEqual(out.shape, [2, 3, 4, 9]);
});

Deno.test("BATCH_MATMUL rejects mismatched inner dimensions", () => {
  const o = batchMatMul.parse({ options: {}, inputs: [t([4, 5]), t([6, 7])] });
  assert.throws(() => batchMatMul.infer({ inputs: [t([4, 5]), t([6, 7])], options: o }), /inner/);
});

Deno.test("BATCH_MATMUL rejects batch dimensions that do not broadcast", () => {
  const o = batchMatMul.parse({ options: {}, inputs: [t([2, 4, 5]), t([3, 5, 7])] });
  assert.throws(
    () => batchMatMul.infer({ inputs: [t([2, 4, 5]), t([3, 5, 7])], options: o }),
    /broadcast/,
  );
});

Deno.test("16x8 BATCH_MATMUL accumulates in 64 bits and requantizes each column by its own scale", () => {
  const q = (scale: number[], dim = 0) => ({
    scale,
    zeroPoint: scale.map(() => 0),
    quantizedDimension: dim,
  });
  // x [1, 2] int16, y [2, 2] int8 with one scale per output column.
  const x = {
    dtype: "int16" as const,
    shape: [1, 2],
    quantization: q([0.5]),
    data: new Int16Array([30000, -20000]),
  };
  const y = {
    dtype: "int8" as const,
    shape: [2, 2],
    quantization: q([0.25, 0.125], 1),
    data: new Int8Array([100, -7, 50, 3]),
  };
  const out = { dtype: "int16" as const, shape: [1, 2], quantization: q([64]) };
  const [z] = batchMatMulInteger.reference({
    inputs: [x, y],
    options: { adjX: false, adjY: false },
    outputs: [out],
  });
  // Column 0: (30000*100 - 20000*50) * 0.5 * 0.25 / 64 = 3906.25; column 1: (-210000 - 60000) * 0.5 * 0.125 / 64.
  assert.deepEqual([...z.data], [3906, -264]);
});

Deno.test("16x8 BATCH_MATMUL refuses int16 tensors with a non-zero zero point", () => {
  const q = (z: number) => ({ scale: [1], zeroPoint: [z], quantizedDimension: 0 });
  const x = {
    dtype: "int16" as const,
    shape: [1, 1],
    quantization: q(3),
    data: new Int16Array([1]),
  };
  const y = {
    dtype: "int16" as const,
    shape: [1, 1],
    quantization: q(0),
    data: new Int16Array([1]),
  };
  assert.throws(
    () =>
      batchMatMulInteger.reference({
        inputs: [x, y],
        options: { adjX: false, adjY: false },
        outputs: [{ ...y }],
      }),
    /zero point 0/,
  );
});
