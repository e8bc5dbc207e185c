/**
 * The tests ARG_MAX and ARG_MIN share: conformance, tie-breaking with INT64 output on the host, and
 * option errors. Each op's test file registers them with its own expectations.
 *
 * @module
 */
import { deepStrictEqual, ok, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { toShape4 } from "../_gpu/wgsl.ts";
import type { AnyKernelDef, OpInput } from "../../core/kernel.ts";

function axes(values: number[]): OpInput {
  const data = new Int32Array(values);
  return {
    dtype: "int32",
    shape: [values.length],
    value: { dtype: "int32", shape: [values.length], data },
  };
}

/**
 * Registers the shared tests of an arg-reduction kernel.
 *
 * @example
 * ```ts ignore
 * argKernelTests(argMax, [0n, 0n]);
 * ```
 *
 * @param kernel ARG_MAX or ARG_MIN.
 * @param tieResult The INT64 indices expected for rows `[1, 1, 1]` and `[2, 2, 0]` (ties go to the
 *   smallest index).
 */
export function argKernelTests(kernel: AnyKernelDef, tieResult: bigint[]): void {
  const name = kernel.name;
  Deno.test(`${name} conforms to its reference on the GPU in f32 and f16`, async () => {
    await assertKernelConforms(kernel);
  });

  Deno.test(`${name} breaks ties by the smallest index and computes INT64 on the host`, () => {
    const x = {
      dtype: "float32" as const,
      shape: [2, 3],
      data: new Float32Array([1, 1, 1, 2, 2, 0]),
    };
    const options = kernel.parse({ options: { outputType: "INT64" }, inputs: [x, axes([-1])] });
    const [spec] = kernel.infer({ inputs: [x], options });
    deepStrictEqual(spec, { dtype: "int64", shape: [2] });
    const [y] = kernel.reference({ inputs: [x], options, outputs: [spec] });
    deepStrictEqual(Array.from(y.data as BigInt64Array), tieResult);
    const info = { ...x, shape4: toShape4(x.shape), slices: 1 };
    const why = kernel.gpu!.unsupported!({
      inputs: [info],
      outputs: [],
      options,
      precision: "f32",
      limits: {} as never,
    });
    ok(why?.includes("int64"));
  });

  Deno.test(`${name} rejects a float output type, several axes and an out-of-range axis`, () => {
    const x = { dtype: "float32" as const, shape: [2, 3] };
    throws(
      () => kernel.parse({ options: { outputType: "FLOAT32" }, inputs: [x, axes([0])] }),
      OpError,
    );
    throws(() => kernel.parse({ options: {}, inputs: [x, axes([2])] }), OpError);
    throws(() => kernel.parse({ options: {}, inputs: [x, axes([0, 1])] }), OpError);
  });
}
