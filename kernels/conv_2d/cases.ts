/**
 * Conformance cases of CONV_2D: shapes, kernel sizes, paddings, strides, dilations, fused
 * activations, bias and groups, as data.
 *
 * @module
 */
import type { OpCase } from "../../core/kernel.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";

/** One conformance case of the table below. */
interface CaseRow {
  /** Input shape NHWC. */
  x: number[];
  /** Output channels. */
  o: number;
  /** Kernel `[h, w]`. */
  k: [number, number];
  padding: "SAME" | "VALID";
  /** Strides `[h, w]`. */
  s: [number, number];
  /** Dilations `[h, w]`. */
  d: [number, number];
  act: FusedActivation;
  bias: boolean;
  /** Groups (default 1). */
  groups?: number;
}

const CASES: CaseRow[] = [
  {
    x: [1, 8, 8, 3],
    o: 5,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 9, 9, 5],
    o: 7,
    k: [3, 3],
    padding: "VALID",
    s: [2, 2],
    d: [1, 1],
    act: "RELU",
    bias: true,
  },
  {
    x: [2, 7, 7, 7],
    o: 8,
    k: [5, 5],
    padding: "SAME",
    s: [2, 2],
    d: [1, 1],
    act: "RELU6",
    bias: false,
  },
  {
    x: [1, 16, 16, 8],
    o: 16,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [2, 2],
    act: "RELU_N1_TO_1",
    bias: true,
  },
  {
    x: [1, 17, 17, 4],
    o: 4,
    k: [3, 3],
    padding: "VALID",
    s: [1, 1],
    d: [2, 2],
    act: "TANH",
    bias: true,
  },
  {
    x: [1, 20, 20, 8],
    o: 8,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [4, 4],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 13, 13, 6],
    o: 9,
    k: [3, 3],
    padding: "SAME",
    s: [2, 2],
    d: [2, 2],
    act: "RELU",
    bias: true,
  },
  {
    x: [1, 32, 32, 16],
    o: 24,
    k: [1, 1],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "RELU6",
    bias: true,
  },
  {
    x: [2, 12, 12, 7],
    o: 5,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: false,
  },
  {
    x: [1, 15, 15, 16],
    o: 8,
    k: [1, 1],
    padding: "SAME",
    s: [2, 2],
    d: [1, 1],
    act: "RELU",
    bias: true,
  },
  {
    x: [1, 64, 64, 3],
    o: 8,
    k: [3, 3],
    padding: "SAME",
    s: [2, 2],
    d: [1, 1],
    act: "RELU6",
    bias: true,
  },
  {
    x: [1, 10, 12, 3],
    o: 5,
    k: [5, 5],
    padding: "VALID",
    s: [2, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 11, 9, 4],
    o: 6,
    k: [3, 5],
    padding: "SAME",
    s: [1, 2],
    d: [1, 2],
    act: "RELU",
    bias: true,
  },
  {
    x: [1, 9, 9, 3],
    o: 4,
    k: [4, 4],
    padding: "SAME",
    s: [2, 2],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 16, 16, 4],
    o: 8,
    k: [2, 2],
    padding: "VALID",
    s: [2, 2],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 1, 1, 32],
    o: 10,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 3, 3, 32],
    o: 1,
    k: [3, 3],
    padding: "VALID",
    s: [3, 3],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 11, 9, 8],
    o: 1,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "RELU6",
    bias: true,
  },
  {
    x: [1, 8, 8, 8],
    o: 8,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "RELU",
    bias: true,
    groups: 2,
  },
  {
    x: [1, 6, 6, 5],
    o: 3,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "SIGN_BIT",
    bias: true,
  },
  // Pointwise GEMM paths: split reductions (few positions, many channels), GEMVs, batch 2.
  {
    x: [1, 7, 7, 256],
    o: 96,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "RELU6",
    bias: true,
  },
  {
    x: [1, 1, 1, 1024],
    o: 1001,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [2, 1, 1, 130],
    o: 37,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "RELU",
    bias: true,
  },
  {
    x: [2, 5, 5, 130],
    o: 70,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "RELU",
    bias: false,
  },
  {
    x: [1, 3, 3, 200],
    o: 9,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 33, 33, 320],
    o: 21,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  // Whole-input filters (a GEMV over H * W * C: the heads of BlazePose), channels not a multiple of 4.
  {
    x: [1, 2, 2, 13],
    o: 11,
    k: [2, 2],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "RELU6",
    bias: true,
  },
  {
    x: [1, 3, 3, 8],
    o: 6,
    k: [3, 3],
    padding: "VALID",
    s: [2, 2],
    d: [1, 1],
    act: "NONE",
    bias: false,
  },
];

/**
 * The CONV_2D conformance cases.
 *
 * @example
 * ```ts
 * import { conv2dCases } from "./cases.ts";
 * if (conv2dCases().length === 0) throw new Error("no cases");
 * ```
 *
 * @returns One case per row.
 */
export function conv2dCases(): OpCase[] {
  return CASES.map((r) => {
    const groups = r.groups ?? 1;
    return {
      name: `[${r.x}] o${r.o} k${r.k.join("x")} ${r.padding} s${r.s.join("x")} d${
        r.d.join("x")
      } ${r.act}${r.bias ? " bias" : ""}${groups > 1 ? ` groups${groups}` : ""}`,
      inputs: [
        { dtype: "float32", shape: r.x },
        {
          dtype: "float32",
          shape: [r.o, r.k[0], r.k[1], r.x[3] / groups],
          constant: true,
        },
        ...(r.bias ? [{ dtype: "float32" as const, shape: [r.o], constant: true }] : []),
      ],
      options: {
        padding: r.padding,
        strideH: r.s[0],
        strideW: r.s[1],
        dilationHFactor: r.d[0],
        dilationWFactor: r.d[1],
        fusedActivationFunction: r.act,
      },
      // SIGN_BIT flips on values near zero, which f16 storage may round across.
      f16: r.act !== "SIGN_BIT",
    };
  });
}
