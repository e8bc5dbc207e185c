import { deepStrictEqual, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { constInt, throwsOp } from "../_shared/_shape_testing.ts";
import { OpError } from "../../core/errors.ts";
import { gather } from "./mod.ts";

const p = { dtype: "float32" as const, shape: [2, 5, 3] };

Deno.test("GATHER conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(gather);
});

Deno.test("GATHER builds params[:axis] + indices[batchDims:] + params[axis+1:]", () => {
  const o = gather.parse({ options: { axis: 1 }, inputs: [p, constInt([0, 1, 2, 3], [2, 2])] });
  deepStrictEqual(o.shape, [2, 2, 2, 3]);
  const b = gather.parse({
    options: { axis: -2, batchDims: 1 },
    inputs: [p, constInt([0, 1, 2, 3], [2, 2])],
  });
  deepStrictEqual(b.shape, [2, 2, 3]);
});

Deno.test("GATHER rejects out-of-range constant indices, bad batchDims and float indices", () => {
  throwsOp(() => gather.parse({ options: { axis: 1 }, inputs: [p, constInt([5])] }), /outside/);
  throwsOp(() => gather.parse({ options: { axis: 1 }, inputs: [p, constInt([-1])] }), /outside/);
  throwsOp(
    () => gather.parse({ options: { axis: 0, batchDims: 1 }, inputs: [p, constInt([0, 1])] }),
    /batchDims/,
  );
  throwsOp(
    () => gather.parse({ options: {}, inputs: [p, { dtype: "float32", shape: [1] }] }),
    /int32 or int64/,
  );
});

Deno.test("GATHER reference rejects an out-of-range dynamic index", () => {
  const params = { dtype: "float32" as const, shape: [3], data: new Float32Array([1, 2, 3]) };
  const idx = { dtype: "int32" as const, shape: [2], data: new Int32Array([0, 3]) };
  const options = gather.parse({ options: {}, inputs: [params, { dtype: "int32", shape: [2] }] });
  throws(
    () =>
      gather.reference({
        inputs: [params, idx],
        options,
        outputs: [{ dtype: "float32", shape: [2] }],
      }),
    OpError,
  );
});

Deno.test("GATHER copies int64 params and int64 indices on the reference", () => {
  const params = { dtype: "int64" as const, shape: [3], data: new BigInt64Array([7n, 8n, 9n]) };
  const idx = { dtype: "int64" as const, shape: [2], data: new BigInt64Array([2n, 0n]) };
  const options = gather.parse({ options: {}, inputs: [params, { ...idx, value: idx }] });
  const [out] = gather.reference({
    inputs: [params, idx],
    options,
    outputs: [{ dtype: "int64", shape: [2] }],
  });
  deepStrictEqual(Array.from(out.data as BigInt64Array), [9n, 7n]);
});
