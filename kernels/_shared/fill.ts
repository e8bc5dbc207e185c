/**
 * Constant-valued tensors: FILL (a shape from a constant operand, a scalar value) and ZEROS_LIKE
 * (the shape and dtype of the input; TensorFlow Lite has no ONES_LIKE builtin). Run on the host; a constant-folding pass may fold
 * them away.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor } from "./tensor.ts";
import { COPY_DTYPES, expectInputs, intOperand } from "./shape_util.ts";

/** Parsed options of FILL: the output shape. */
export interface FillOptions {
  /** Output shape. */
  shape: number[];
}

function filled(spec: TensorSpec, value: number | bigint): HostTensor {
  const out = allocTensor(spec.dtype, spec.shape);
  if (out.data instanceof BigInt64Array) out.data.fill(BigInt(value));
  else (out.data as Float32Array).fill(Number(value));
  return out;
}

/**
 * FILL: a tensor of the given constant shape, every element the scalar `value`.
 *
 * @example
 * ```ts
 * import { fillKernel } from "./fill.ts";
 * const v = { dtype: "float32" as const, shape: [], data: new Float32Array([2.5]) };
 * const [y] = fillKernel.reference({ inputs: [undefined, v], options: { shape: [2] }, outputs: [{ dtype: "float32", shape: [2] }] });
 * if (y.data[1] !== 2.5) throw new Error("wrong");
 * ```
 */
export const fillKernel: KernelDef<FillOptions> = {
  name: "FILL",
  optionsType: "FillOptions",
  parse({ inputs }) {
    expectInputs("FILL", inputs, 2);
    const shape = intOperand("FILL", inputs, 0, "dims");
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new OpError(`FILL: dims [${shape}] has a negative dimension`);
    }
    return { shape };
  },
  infer({ inputs, options }): TensorSpec[] {
    const v = inputs[1]!;
    if (v.shape.reduce((a, b) => a * b, 1) !== 1) {
      throw new OpError(`FILL: value must be a scalar, got shape [${v.shape}]`);
    }
    if (!COPY_DTYPES.includes(v.dtype)) {
      throw new OpError(`FILL: dtype ${v.dtype} is not supported`);
    }
    return [{ dtype: v.dtype, shape: [...options.shape] }];
  },
  reference({ inputs, outputs }): HostTensor[] {
    return [filled(outputs[0], inputs[1]!.data[0])];
  },
  cases(): OpCase[] {
    return [
      { name: "float32 [2,3,4]", inputs: [dims([2, 3, 4]), { dtype: "float32", shape: [] }] },
      { name: "int32 [5]", inputs: [dims([5]), { dtype: "int32", shape: [] }] },
      {
        name: "float32 [1,8,8,3] constant value",
        inputs: [dims([1, 8, 8, 3]), { dtype: "float32", shape: [], constant: true }],
      },
    ];
  },
};

function dims(shape: number[]) {
  return { dtype: "int32" as const, shape: [shape.length], data: shape, constant: true };
}

/**
 * A `*_LIKE` op: the input's shape and dtype, every element `value` (ZEROS_LIKE: 0).
 *
 * @example
 * ```ts
 * import { likeKernel } from "./fill.ts";
 * const ones = likeKernel({ name: "ONES", value: 1 });
 * const x = { dtype: "int32" as const, shape: [2], data: new Int32Array([5, 6]) };
 * const [y] = ones.reference({ inputs: [x], options: {}, outputs: [{ dtype: "int32", shape: [2] }] });
 * if (y.data.join() !== "1,1") throw new Error("wrong");
 * ```
 *
 * @param spec The op's name, options table and fill value.
 * @returns The kernel.
 */
export function likeKernel(
  spec: { name: string; optionsType?: string; value: 0 | 1 },
): KernelDef<Record<string, never>> {
  const op = spec.name;
  return {
    name: op,
    optionsType: spec.optionsType,
    parse({ inputs }) {
      expectInputs(op, inputs, 1);
      return {};
    },
    infer({ inputs }): TensorSpec[] {
      const x = inputs[0];
      if (!x) throw new OpError(`${op}: input 0 is missing`);
      if (!COPY_DTYPES.includes(x.dtype) || x.dtype === "float16") {
        throw new OpError(`${op}: dtype ${x.dtype} is not supported`);
      }
      return [{ dtype: x.dtype, shape: [...x.shape] }];
    },
    reference({ outputs }): HostTensor[] {
      return [filled(outputs[0], spec.value)];
    },
    cases(): OpCase[] {
      return [
        { name: "float32 [2,3,4]", inputs: [{ dtype: "float32", shape: [2, 3, 4] }] },
        { name: "int32 [7]", inputs: [{ dtype: "int32", shape: [7] }] },
        { name: "int64 [3,2]", inputs: [{ dtype: "int64", shape: [3, 2] }] },
      ];
    },
  };
}
