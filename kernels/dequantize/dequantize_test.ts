import { throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { dequantize } from "./mod.ts";

Deno.test("DEQUANTIZE conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(dequantize);
});

Deno.test("DEQUANTIZE rejects inputs without usable quantization", () => {
  const parse = (input: Parameters<typeof dequantize.parse>[0]["inputs"][0]) =>
    dequantize.parse({ options: {}, inputs: [input] });
  throws(
    () => parse({ dtype: "int8", shape: [4] }),
    /DEQUANTIZE: the int8 input has no quantization/,
  );
  throws(() => parse({ dtype: "float32", shape: [4] }), OpError);
  throws(
    () =>
      parse({
        dtype: "int8",
        shape: [3, 4],
        quantization: { scale: [1, 2], zeroPoint: [0, 0], quantizedDimension: 0 },
      }),
    /per-channel scales do not match dimension 0/,
  );
  throws(() => dequantize.parse({ options: {}, inputs: [] }), /DEQUANTIZE needs 1 input/);
});
