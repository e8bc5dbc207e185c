/**
 * SHAPE: the shape of its input as a 1-D int32 (or int64, option `outType`) tensor. Its output
 * depends only on the input's shape, so once the input shapes are known the node is evaluated while
 * the graph is bound and feeds later shape computations as a constant (`traits.shapeOnly`).
 *
 * @module
 */
import type { DType } from "../../core/ir.ts";
import type { HostTensor, KernelDef, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { expectInputs } from "../_shared/shape_util.ts";

/** Parsed options of SHAPE. */
export interface ShapeOptions {
  /** Output dtype: `int32` or `int64`. */
  outType: "int32" | "int64";
}

const OUT_TYPES: readonly DType[] = ["int32", "int64"];

/** The SHAPE kernel. */
export const shape: KernelDef<ShapeOptions> = {
  name: "SHAPE",
  optionsType: "ShapeOptions",
  parse({ inputs, options }) {
    expectInputs("SHAPE", inputs, 1, 1);
    // The schema's default (code 0) reads as float32; files that leave it unset mean int32.
    const raw = options.outType ?? "int32";
    if (typeof raw !== "string") {
      throw new OpError(`SHAPE: option outType must be a dtype name, got ${String(raw)}`);
    }
    return { outType: OUT_TYPES.includes(raw as DType) ? raw as "int32" | "int64" : "int32" };
  },
  infer({ inputs, options, outputs }): TensorSpec[] {
    const declared = outputs?.[0]?.dtype;
    const dtype = declared === "int32" || declared === "int64" ? declared : options.outType;
    return [{ dtype, shape: [inputs[0]!.shape.length] }];
  },
  reference({ inputs, outputs }): HostTensor[] {
    const dims = inputs[0]!.shape;
    const dtype = outputs[0].dtype;
    const data = dtype === "int64"
      ? BigInt64Array.from(dims, (d) => BigInt(d))
      : Int32Array.from(dims);
    return [{ dtype, shape: [dims.length], data }];
  },
  cases: () => [
    { name: "float32 [2,3,4]", inputs: [{ dtype: "float32", shape: [2, 3, 4] }] },
    { name: "int32 [5]", inputs: [{ dtype: "int32", shape: [5] }] },
    {
      name: "float32 [1,7,1,3] int64",
      inputs: [{ dtype: "float32", shape: [1, 7, 1, 3] }],
      options: { outType: "int64" },
    },
  ],
  traits: { shapeOnly: true, cheap: true },
};
