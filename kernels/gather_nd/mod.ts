/**
 * GATHER_ND: slices of `params` picked by the index vectors in the last axis of `indices`
 * (`out[i..., j...] = params[indices[i..., :], j...]`). Indices out of range are an error, as in
 * TensorFlow Lite. Runs on the host.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { COPY_DTYPES, expectInputs } from "../_shared/shape_util.ts";

function outShape(params: readonly number[], indices: readonly number[]): number[] {
  const depth = indices[indices.length - 1];
  return [...indices.slice(0, -1), ...params.slice(depth)];
}

/**
 * The GATHER_ND kernel.
 *
 * @example
 * ```ts
 * import { gatherNd } from "./mod.ts";
 * const params = { dtype: "float32" as const, shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) };
 * const indices = { dtype: "int32" as const, shape: [2, 2], data: new Int32Array([1, 0, 0, 1]) };
 * const [y] = gatherNd.reference({ inputs: [params, indices], options: {}, outputs: [{ dtype: "float32", shape: [2] }] });
 * if (y.data.join() !== "3,2") throw new Error("wrong");
 * ```
 */
export const gatherNd: KernelDef<Record<string, never>> = {
  name: "GATHER_ND",
  optionsType: "GatherNdOptions",
  parse({ inputs }) {
    expectInputs("GATHER_ND", inputs, 2);
    return {};
  },
  infer({ inputs }): TensorSpec[] {
    const [params, indices] = inputs as TensorSpec[];
    if (!COPY_DTYPES.includes(params.dtype)) {
      throw new OpError(`GATHER_ND: dtype ${params.dtype} is not supported`);
    }
    if (indices.dtype !== "int32" && indices.dtype !== "int64") {
      throw new OpError(`GATHER_ND: indices must be int32 or int64, got ${indices.dtype}`);
    }
    const depth = indices.shape.at(-1);
    if (depth === undefined || depth < 1 || depth > params.shape.length) {
      throw new OpError(
        `GATHER_ND: indices [${indices.shape}] do not address params of rank ${params.shape.length}`,
      );
    }
    const out: TensorSpec = { dtype: params.dtype, shape: outShape(params.shape, indices.shape) };
    if (params.quantization) out.quantization = params.quantization;
    return [out];
  },
  reference({ inputs, outputs }): HostTensor[] {
    const [params, indices] = inputs as HostTensor[];
    const out = allocTensor(outputs[0].dtype, outputs[0].shape);
    if (params.quantization) out.quantization = params.quantization;
    const depth = indices.shape[indices.shape.length - 1];
    const slice = params.shape.slice(depth).reduce((a, b) => a * b, 1);
    const o = out.data as unknown as unknown[];
    for (let n = 0; n < indices.data.length / depth; n++) {
      let base = 0;
      for (let d = 0; d < depth; d++) {
        const i = readNumber(indices, n * depth + d);
        if (i < 0 || i >= params.shape[d]) {
          throw new OpError(
            `GATHER_ND: index ${i} is out of range for axis ${d} of size ${params.shape[d]}`,
          );
        }
        base = base * params.shape[d] + i;
      }
      for (let j = 0; j < slice; j++) o[n * slice + j] = params.data[base * slice + j];
    }
    return [out];
  },
  cases(): OpCase[] {
    return [
      {
        name: "elements of a matrix",
        inputs: [{ dtype: "float32", shape: [3, 4] }, {
          dtype: "int32",
          shape: [5, 2],
          data: [2, 3, 0, 0, 1, 2, 2, 0, 0, 3],
          constant: true,
        }],
      },
      {
        name: "rows of [4,3,2]",
        inputs: [{ dtype: "float32", shape: [4, 3, 2] }, {
          dtype: "int32",
          shape: [2, 1],
          data: [3, 1],
        }],
      },
      {
        name: "int32 batched [2,2,2] indices",
        inputs: [{ dtype: "int32", shape: [2, 3, 5] }, {
          dtype: "int32",
          shape: [2, 2, 2],
          data: [1, 2, 0, 0, 1, 1, 0, 2],
        }],
      },
    ];
  },
};
