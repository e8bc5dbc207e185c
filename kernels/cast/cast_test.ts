import { deepStrictEqual, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { cast } from "./mod.ts";

Deno.test("CAST conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(cast);
});

function castTo(x: HostTensor, dtype: HostTensor["dtype"]): number[] {
  const [y] = cast.reference({ inputs: [x], options: {}, outputs: [{ dtype, shape: x.shape }] });
  return Array.from(y.data as ArrayLike<number | bigint>, Number);
}

Deno.test("CAST converts between dtypes like C static_cast on the CPU", () => {
  const f = {
    dtype: "float32" as const,
    shape: [5],
    data: new Float32Array([0, -0.5, 2.9, -3.9, 200]),
  };
  deepStrictEqual(castTo(f, "bool"), [0, 1, 1, 1, 1]);
  deepStrictEqual(castTo(f, "int64"), [0, 0, 2, -3, 200]);
  deepStrictEqual(castTo(f, "uint8"), [0, 0, 2, 253, 200]);
  deepStrictEqual(castTo(f, "int8"), [0, 0, 2, -3, -56]);
  const b = { dtype: "bool" as const, shape: [3], data: new Uint8Array([1, 0, 1]) };
  deepStrictEqual(castTo(b, "float32"), [1, 0, 1]);
  const l = { dtype: "int64" as const, shape: [2], data: new BigInt64Array([5n, -7n]) };
  deepStrictEqual(castTo(l, "float32"), [5, -7]);
});

Deno.test("CAST falls back to the CPU for dtypes the GPU does not hold", () => {
  const info = (dtype: HostTensor["dtype"]) => ({
    dtype,
    shape: [4],
    shape4: [1, 1, 1, 4] as [number, number, number, number],
    slices: 1,
  });
  const reason = cast.gpu!.unsupported!({
    inputs: [info("float32")],
    outputs: [info("uint8")],
    options: {},
    precision: "f32",
    limits: {
      maxInvocations: 256,
      maxWorkgroupSize: [256, 256, 64],
      maxWorkgroupsPerDimension: 65535,
      maxStorageBufferBindingSize: 1 << 27,
      maxWorkgroupStorageSize: 16384,
    },
  });
  if (!reason?.includes("uint8")) throw new Error(`unexpected reason ${reason}`);
});

Deno.test("CAST rejects unknown or unsupported output dtypes", () => {
  const x = { dtype: "float32" as const, shape: [2] };
  throws(() => cast.parse({ options: { outDataType: "string" }, inputs: [x] }), OpError);
  throws(() => cast.infer({ inputs: [x], options: {} }), /CAST: the output dtype is unknown/);
  throws(() => cast.parse({ options: {}, inputs: [] }), /CAST needs 1 input/);
});
