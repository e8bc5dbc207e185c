import { deepStrictEqual, throws } from "node:assert";
import type { HostTensor, TensorSpec } from "../../core/kernel.ts";
import { quantize } from "./mod.ts";

function run(x: number[], out: TensorSpec, shape = [x.length]): number[] {
  const input: HostTensor = { dtype: "float32", shape, data: new Float32Array(x) };
  const options = quantize.parse({ options: {}, inputs: [input] });
  const specs = quantize.infer({ inputs: [input], options, outputs: [out] });
  const [y] = quantize.reference({ inputs: [input], options, outputs: specs });
  return Array.from(y.data as ArrayLike<number>);
}

const perTensor = (scale: number, zeroPoint: number) => ({
  scale: [scale],
  zeroPoint: [zeroPoint],
  quantizedDimension: 0,
});

Deno.test("QUANTIZE rounds halves away from zero and clamps to the dtype", () => {
  const x = [0.25, -0.25, 0.75, -0.75, 1000, -1000, 0];
  deepStrictEqual(
    run(x, { dtype: "int8", shape: [7], quantization: perTensor(0.5, 0) }),
    [1, -1, 2, -2, 127, -128, 0],
  );
  deepStrictEqual(
    run(x, { dtype: "uint8", shape: [7], quantization: perTensor(0.5, 128) }),
    [129, 127, 130, 126, 255, 0, 128],
  );
  deepStrictEqual(
    run(x, { dtype: "int16", shape: [7], quantization: perTensor(0.01, 5) }),
    [30, -20, 80, -70, 32767, -32768, 5],
  );
});

Deno.test("QUANTIZE applies per-channel scales along the quantized dimension", () => {
  const q = { scale: [0.5, 0.25], zeroPoint: [0, 1], quantizedDimension: 1 };
  deepStrictEqual(
    run([1, 1, -1, -1], { dtype: "int8", shape: [2, 2], quantization: q }, [2, 2]),
    [2, 5, -2, -3],
  );
});

Deno.test("QUANTIZE rejects a missing or unusable output declaration", () => {
  const x = { dtype: "float32" as const, shape: [2] };
  throws(() => quantize.infer({ inputs: [x], options: {} }), /QUANTIZE: the output dtype/);
  throws(
    () => quantize.infer({ inputs: [x], options: {}, outputs: [{ dtype: "float32", shape: [2] }] }),
    /QUANTIZE: output dtype float32 is not supported/,
  );
  throws(
    () => quantize.infer({ inputs: [x], options: {}, outputs: [{ dtype: "int8", shape: [2] }] }),
    /QUANTIZE: the output needs positive quantization scales/,
  );
  throws(
    () => quantize.parse({ options: {}, inputs: [{ dtype: "int8", shape: [2] }] }),
    /QUANTIZE: input dtype int8/,
  );
});
