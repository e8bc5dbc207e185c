/**
 * TOPK_V2: the `k` largest values along the last axis, in descending order, and their indices (ties
 * keep the lower index first, as TensorFlow Lite does). `k` must be a constant of the model: it
 * sets the output shape. Runs on the host.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { expectInputs, intOperand } from "../_shared/shape_util.ts";

/** Parsed options of TOPK_V2. */
export interface TopKOptions {
  /** How many values to keep. */
  k: number;
}

const DTYPES = ["float32", "int32", "uint8", "int8", "int16", "int64"];

/**
 * The TOPK_V2 kernel.
 *
 * @example
 * ```ts
 * import { topkV2 } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [4], data: new Float32Array([3, 9, 1, 9]) };
 * const outputs = topkV2.infer({ inputs: [x], options: { k: 2 } });
 * const [v, i] = topkV2.reference({ inputs: [x], options: { k: 2 }, outputs });
 * if (v.data[0] !== 9 || i.data[0] !== 1 || i.data[1] !== 3) throw new Error("wrong");
 * ```
 */
export const topkV2: KernelDef<TopKOptions> = {
  name: "TOPK_V2",
  optionsType: "TopKV2Options",
  parse({ inputs }) {
    expectInputs("TOPK_V2", inputs, 2);
    const [k] = intOperand("TOPK_V2", inputs, 1, "k", 1);
    const x = inputs[0];
    if (!x) throw new OpError("TOPK_V2: input 0 is missing");
    if (x.shape.length < 1) throw new OpError("TOPK_V2: input must have rank >= 1");
    const n = x.shape[x.shape.length - 1];
    if (!Number.isInteger(k) || k < 0 || k > n) {
      throw new OpError(`TOPK_V2: k must be in [0, ${n}], got ${k}`);
    }
    return { k };
  },
  infer({ inputs, options }): TensorSpec[] {
    const x = inputs[0]!;
    if (!DTYPES.includes(x.dtype)) throw new OpError(`TOPK_V2: dtype ${x.dtype} is not supported`);
    const shape = [...x.shape.slice(0, -1), options.k];
    const values: TensorSpec = { dtype: x.dtype, shape };
    if (x.quantization) values.quantization = x.quantization;
    return [values, { dtype: "int32", shape: [...shape] }];
  },
  reference({ inputs, options, outputs }): HostTensor[] {
    const x = inputs[0]!;
    const n = x.shape[x.shape.length - 1];
    const rows = n === 0 ? 0 : x.data.length / n;
    const values = allocTensor(outputs[0].dtype, outputs[0].shape);
    if (x.quantization) values.quantization = x.quantization;
    const indices = allocTensor("int32", outputs[1].shape);
    const order = Array.from({ length: n }, (_, i) => i);
    const v = values.data as unknown as unknown[];
    for (let r = 0; r < rows; r++) {
      const at = (i: number) => readNumber(x, r * n + i);
      order.sort((a, b) => at(b) - at(a) || a - b);
      for (let j = 0; j < options.k; j++) {
        v[r * options.k + j] = x.data[r * n + order[j]];
        indices.data[r * options.k + j] = order[j];
      }
      order.sort((a, b) => a - b);
    }
    return [values, indices];
  },
  cases(): OpCase[] {
    const list: [string, number[], number][] = [
      ["float32", [1, 128], 10],
      ["float32", [2, 3, 7], 3],
      ["float32", [5], 5],
      ["int32", [4, 9], 4],
    ];
    return list.map(([dtype, shape, k]) => ({
      name: `${dtype} [${shape}] k=${k}`,
      inputs: [
        // int32 values repeat: ties must keep the lower index first.
        { dtype: dtype as "float32", shape, range: dtype === "int32" ? [0, 5] : [-4, 4] },
        { dtype: "int32", shape: [], data: [k], constant: true },
      ],
    }));
  },
};
