/**
 * SCATTER_ND: a zero tensor of the given shape with `updates` added at `indices` (the last axis of
 * `indices` addresses the leading axes of the output; repeated indices accumulate, as in TensorFlow
 * Lite). The shape must be a constant of the model. Runs on the host.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { expectInputs, intOperand } from "../_shared/shape_util.ts";

/** Parsed options of SCATTER_ND. */
export interface ScatterNdOptions {
  /** The output shape. */
  shape: number[];
}

const DTYPES = ["float32", "int32", "int64", "uint8", "int8", "bool"];

/**
 * The SCATTER_ND kernel.
 *
 * @example
 * ```ts
 * import { scatterNd } from "./mod.ts";
 * const indices = { dtype: "int32" as const, shape: [2, 1], data: new Int32Array([3, 1]) };
 * const updates = { dtype: "float32" as const, shape: [2], data: new Float32Array([9, 7]) };
 * const [y] = scatterNd.reference({ inputs: [indices, updates], options: { shape: [4] }, outputs: [{ dtype: "float32", shape: [4] }] });
 * if (y.data.join() !== "0,7,0,9") throw new Error("wrong");
 * ```
 */
export const scatterNd: KernelDef<ScatterNdOptions> = {
  name: "SCATTER_ND",
  optionsType: "ScatterNdOptions",
  parse({ inputs }) {
    expectInputs("SCATTER_ND", inputs, 3);
    const shape = intOperand("SCATTER_ND", inputs, 2, "shape");
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new OpError(`SCATTER_ND: shape [${shape}] has a negative dimension`);
    }
    return { shape };
  },
  infer({ inputs, options }): TensorSpec[] {
    const [indices, updates] = inputs as TensorSpec[];
    if (indices.dtype !== "int32" && indices.dtype !== "int64") {
      throw new OpError(`SCATTER_ND: indices must be int32 or int64, got ${indices.dtype}`);
    }
    if (!DTYPES.includes(updates.dtype)) {
      throw new OpError(`SCATTER_ND: dtype ${updates.dtype} is not supported`);
    }
    const depth = indices.shape.at(-1) ?? 0;
    if (indices.shape.length < 1 || depth < 1 || depth > options.shape.length) {
      throw new OpError(
        `SCATTER_ND: indices [${indices.shape}] do not address an output of rank ${options.shape.length}`,
      );
    }
    const want = [...indices.shape.slice(0, -1), ...options.shape.slice(depth)];
    if (want.join() !== updates.shape.join()) {
      throw new OpError(`SCATTER_ND: updates must have shape [${want}], got [${updates.shape}]`);
    }
    return [{ dtype: updates.dtype, shape: [...options.shape] }];
  },
  reference({ inputs, options, outputs }): HostTensor[] {
    const [indices, updates] = inputs as HostTensor[];
    const out = allocTensor(outputs[0].dtype, options.shape);
    const depth = indices.shape[indices.shape.length - 1];
    const slice = options.shape.slice(depth).reduce((a, b) => a * b, 1);
    const count = indices.data.length / depth;
    const o = out.data as unknown as (number | bigint)[];
    for (let n = 0; n < count; n++) {
      let base = 0;
      for (let d = 0; d < depth; d++) {
        const i = readNumber(indices, n * depth + d);
        if (i < 0 || i >= options.shape[d]) {
          throw new OpError(
            `SCATTER_ND: index ${i} is out of range for axis ${d} of size ${options.shape[d]}`,
          );
        }
        base = base * options.shape[d] + i;
      }
      for (let j = 0; j < slice; j++) {
        const at = base * slice + j;
        const u = updates.data[n * slice + j];
        if (typeof u === "bigint") o[at] = (o[at] as bigint) + u;
        else if (out.dtype === "bool") o[at] = (o[at] as number) || u ? 1 : 0;
        else o[at] = (o[at] as number) + u;
      }
    }
    return [out];
  },
  cases(): OpCase[] {
    const list: {
      name: string;
      indices: number[];
      ishape: number[];
      ushape: number[];
      shape: number[];
    }[] = [
      { name: "rows of a matrix", indices: [0, 2], ishape: [2, 1], ushape: [2, 4], shape: [3, 4] },
      {
        name: "elements of a vector, repeated",
        indices: [4, 1, 4],
        ishape: [3, 1],
        ushape: [3],
        shape: [6],
      },
      {
        name: "2-D index into [2,3,4]",
        indices: [1, 2, 0, 0],
        ishape: [2, 2],
        ushape: [2, 4],
        shape: [2, 3, 4],
      },
    ];
    return list.map((c) => ({
      name: c.name,
      inputs: [
        { dtype: "int32", shape: c.ishape, data: c.indices, constant: true },
        { dtype: "float32", shape: c.ushape },
        { dtype: "int32", shape: [c.shape.length], data: c.shape, constant: true },
      ],
    }));
  },
};
