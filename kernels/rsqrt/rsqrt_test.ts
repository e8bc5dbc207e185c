import { assertKernelConforms } from "../../conformance/testing.ts";
import { checkUnaryErrors } from "../_shared/elementwise_testing.ts";
import { deepStrictEqual, strictEqual, throws } from "node:assert";
import { rsqrt } from "./mod.ts";
import { rsqrtInteger } from "./quant.ts";

Deno.test("RSQRT conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(rsqrt);
});

Deno.test("RSQRT rejects bad inputs with errors naming the op", () => {
  checkUnaryErrors(rsqrt);
});

const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });

Deno.test("int8 RSQRT lands within one step of 1/sqrt over the whole range, 127 at the zero point", () => {
  const xq = q(0.02, -128), yq = q(1 / 64, -128);
  const x = { dtype: "int8" as const, shape: [256], quantization: xq, data: new Int8Array(256) };
  for (let i = 0; i < 256; i++) x.data[i] = i - 128;
  const [y] = rsqrtInteger.reference({
    inputs: [x],
    options: {},
    outputs: [{ ...x, quantization: yq }],
  });
  strictEqual(y.data[0], 127);
  for (let i = 1; i < 256; i++) {
    const want = Math.min(127, Math.round(64 / Math.sqrt(i * 0.02)) - 128);
    const d = Math.abs(Number(y.data[i]) - want);
    if (d > 1) throw new Error(`x = ${i * 0.02}: got ${y.data[i]}, want ${want}`);
  }
});

Deno.test("int16 RSQRT reads TFLite's interpolated table: largest at 0, close to 1/sqrt elsewhere", () => {
  const xq = q(1 / 4096, 0), yq = q(1 / 2048, 0);
  const values = [0, 1, 2, 100, 4096, 5000, 16384, 32767];
  const x = {
    dtype: "int16" as const,
    shape: [values.length],
    quantization: xq,
    data: Int16Array.from(values),
  };
  const [y] = rsqrtInteger.reference({
    inputs: [x],
    options: {},
    outputs: [{ ...x, quantization: yq }],
  });
  // The table's sample at 0 is corrected toward its positive neighbour, so it need not be 32767.
  for (let i = 1; i < values.length; i++) {
    if (!(y.data[0] > y.data[i])) throw new Error(`rsqrt(0) = ${y.data[0]} is not the largest`);
  }
  values.forEach((v, i) => {
    if (v < 1024) return; // 1/sqrt is steep near 0, where one 128-wide table step is coarse
    const want = 2048 / Math.sqrt(v / 4096);
    const d = Math.abs(Number(y.data[i]) - want);
    if (d > 2) throw new Error(`x = ${v}: got ${y.data[i]}, want ${want}`);
  });
});

Deno.test("integer RSQRT refuses values below the zero point, as TFLite does", () => {
  const x = {
    dtype: "int8" as const,
    shape: [2],
    quantization: q(0.1, 0),
    data: new Int8Array([3, -1]),
  };
  throws(
    () => rsqrtInteger.reference({ inputs: [x], options: {}, outputs: [x] }),
    /below the zero point/,
  );
  const h = {
    dtype: "int16" as const,
    shape: [1],
    quantization: q(0.1, 0),
    data: new Int16Array([-5]),
  };
  throws(() => rsqrtInteger.reference({ inputs: [h], options: {}, outputs: [h] }), /negative/);
});

Deno.test("int16 RSQRT gives LiteRT's outputs on LiteRT's a16w8 RSQRT file", async () => {
  // Expected values: LiteRT.js 2.5.3 Wasm on the same file (inputs and outputs in int16 steps).
  const { readModel } = await import("../../format/tflite/mod.ts");
  const file = new URL(
    "../../../shared/models/ops/litert_test__single_rsqrt_default_a16w8_recipe_quantized.tflite",
    import.meta.url,
  );
  const g = readModel(Deno.readFileSync(file)).subgraphs[0];
  const values = [0, 16400, 17000, 20000, 23456, 27000, 30001, 32767];
  const x = {
    dtype: "int16" as const,
    shape: [values.length],
    quantization: g.tensors[0].quantization,
    data: Int16Array.from(values),
  };
  const [y] = rsqrtInteger.reference({
    inputs: [x],
    options: {},
    outputs: [{ dtype: "int16", shape: [values.length], quantization: g.tensors[1].quantization }],
  });
  deepStrictEqual([...y.data], [32767, 32754, 32189, 29677, 27404, 25542, 24231, 23185]);
});
