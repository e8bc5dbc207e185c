/**
 * 8-bit conformance cases, as data: per op, one-node cases in uint8 with per-tensor parameters and
 * in int8 with per-channel weights (TFLite's two schemes), with edge zero points (0, 255, -128,
 * 127), inputs over the whole 8-bit range and small output scales, so that outputs saturate.
 * `deno task conform --precision uint8|int8` runs them through the same one-op `.tflite` files as
 * the float cases.
 *
 * @module
 */
import type { NodeOptions, Quantization } from "../core/ir.ts";
import type { CaseInput, OpCase } from "../core/kernel.ts";

/** An 8-bit conformance precision: the activations' dtype. */
export type QuantPrecision = "uint8" | "int8";

/** The 8-bit precisions, in the order `--precision all` runs them. */
export const QUANT_PRECISIONS: readonly QuantPrecision[] = ["uint8", "int8"];

function q(scale: number | number[], zeroPoint: number, dim = 0): Quantization {
  const s = Array.isArray(scale) ? scale : [scale];
  return { scale: s, zeroPoint: s.map(() => zeroPoint), quantizedDimension: dim };
}

/** The facts of one dtype the cases are written against. */
interface Eight {
  dtype: QuantPrecision;
  /** Smallest value (0 or -128). */
  lo: number;
  /** Weights' quantization with `n` channels along `dim`: per tensor in uint8, per channel in int8. */
  w(n: number, dim: number): Quantization;
}

const EIGHT: Readonly<Record<QuantPrecision, Eight>> = {
  uint8: { dtype: "uint8", lo: 0, w: () => q(0.01, 131) },
  int8: {
    dtype: "int8",
    lo: -128,
    w: (n, dim) => q(Array.from({ length: n }, (_, i) => 0.003 + 0.002 * i), 0, dim),
  },
};

/** An 8-bit activation over the whole range. */
function act(e: Eight, shape: number[], quantization: Quantization): CaseInput {
  return { dtype: e.dtype, shape, quantization, range: [e.lo, e.lo + 256] };
}

/** An 8-bit output spec. */
function out(e: Eight, shape: number[], quantization: Quantization) {
  return { dtype: e.dtype, shape, quantization };
}

function int32(values: number[]): CaseInput {
  return { dtype: "int32", shape: [values.length], data: values, constant: true };
}

/** A weighted op's case: weights over the whole range, int32 bias at scale `xs * ws`. */
function weighted(
  e: Eight,
  c: {
    name: string;
    x: number[];
    xq: Quantization;
    w: number[];
    dim: number;
    y: number[];
    yq: Quantization;
    options: NodeOptions;
  },
): OpCase {
  const channels = c.w[c.dim];
  const wq = e.w(channels, c.dim);
  const wLo = e.dtype === "int8" ? -127 : 0;
  const bq: Quantization = {
    scale: Array.from(
      { length: channels },
      (_, i) => c.xq.scale[0] * wq.scale[wq.scale.length > 1 ? i : 0],
    ),
    zeroPoint: Array(channels).fill(0),
    quantizedDimension: 0,
  };
  return {
    name: `${e.dtype} ${c.name}`,
    inputs: [
      act(e, c.x, c.xq),
      { dtype: e.dtype, shape: c.w, quantization: wq, range: [wLo, e.lo + 256], constant: true },
      { dtype: "int32", shape: [channels], quantization: bq, range: [-3000, 3000], constant: true },
    ],
    options: c.options,
    outputs: [out(e, c.y, c.yq)],
  };
}

function unary(
  e: Eight,
  c: { name: string; shape: number[]; xq: Quantization; yq: Quantization },
  options: NodeOptions = {},
): OpCase {
  return {
    name: `${e.dtype} ${c.name}`,
    inputs: [act(e, c.shape, c.xq)],
    options,
    outputs: [out(e, c.shape, c.yq)],
  };
}

function binary(
  e: Eight,
  c: { name: string; a: number[]; b: number[]; qs: Quantization[]; act: string },
): OpCase {
  const shape = c.a.length >= c.b.length ? c.a : c.b;
  return {
    name: `${e.dtype} ${c.name}`,
    inputs: [act(e, c.a, c.qs[0]), act(e, c.b, c.qs[1])],
    options: { fusedActivationFunction: c.act },
    outputs: [out(e, shape, c.qs[2])],
  };
}

/** Cases of one op in one dtype. */
type CaseList = (e: Eight) => OpCase[];

const SAME = { padding: "SAME", strideW: 1, strideH: 1 };

/** The 8-bit cases per op (registry names). */
const QUANT_CASES: Readonly<Record<string, CaseList>> = {
  CONV_2D: (e) => [
    weighted(e, {
      name: "3x3 s2 SAME RELU6, input zp at the bottom",
      x: [1, 9, 9, 5],
      xq: q(0.02, e.lo),
      w: [7, 3, 3, 5],
      dim: 0,
      y: [1, 5, 5, 7],
      yq: q(0.02, e.lo + 10),
      options: { ...SAME, strideW: 2, strideH: 2, fusedActivationFunction: "RELU6" },
    }),
    weighted(e, {
      name: "1x1, input zp at the top, saturating output",
      x: [1, 6, 6, 16],
      xq: q(0.03, e.lo + 255),
      w: [9, 1, 1, 16],
      dim: 0,
      y: [1, 6, 6, 9],
      yq: q(0.004, e.lo + 128),
      options: { ...SAME, fusedActivationFunction: "NONE" },
    }),
  ],
  DEPTHWISE_CONV_2D: (e) => [
    weighted(e, {
      name: "3x3 s2 SAME multiplier 2 RELU",
      x: [1, 9, 9, 4],
      xq: q(0.02, e.lo + 131),
      w: [1, 3, 3, 8],
      dim: 3,
      y: [1, 5, 5, 8],
      yq: q(0.01, e.lo),
      options: {
        ...SAME,
        strideW: 2,
        strideH: 2,
        depthMultiplier: 2,
        fusedActivationFunction: "RELU",
      },
    }),
    weighted(e, {
      name: "3x3 VALID 16 channels, saturating output",
      x: [1, 8, 8, 16],
      xq: q(0.05, e.lo + 255),
      w: [1, 3, 3, 16],
      dim: 3,
      y: [1, 6, 6, 16],
      yq: q(0.01, e.lo + 100),
      options: { padding: "VALID", strideW: 1, strideH: 1, depthMultiplier: 1 },
    }),
    weighted(e, {
      name: "3x3 SAME over an odd number of pixels, 12 channels, RELU6",
      x: [1, 5, 5, 12],
      xq: q(0.03, e.lo + 200),
      w: [1, 3, 3, 12],
      dim: 3,
      y: [1, 5, 5, 12],
      yq: q(0.02, e.lo + 5),
      options: { ...SAME, depthMultiplier: 1, fusedActivationFunction: "RELU6" },
    }),
  ],
  FULLY_CONNECTED: (e) => [
    weighted(e, {
      name: "40 -> 10, two rows",
      x: [2, 40],
      xq: q(0.05, e.lo + 77),
      w: [10, 40],
      dim: 0,
      y: [2, 10],
      yq: q(0.05, e.lo + 120),
      options: { fusedActivationFunction: "RELU" },
    }),
  ],
  ADD: (e) => [
    binary(e, {
      name: "broadcast RELU6",
      a: [1, 4, 5, 6],
      b: [1, 1, 1, 6],
      qs: [q(0.05, e.lo + 128), q(0.02, e.lo + 3), q(0.04, e.lo + 10)],
      act: "RELU6",
    }),
    binary(e, {
      name: "same shapes, zero points at both ends, saturating output",
      a: [1, 5, 7, 9],
      b: [1, 5, 7, 9],
      qs: [q(0.06, e.lo + 255), q(0.03, e.lo), q(0.02, e.lo + 128)],
      act: "NONE",
    }),
  ],
  SUB: (e) => [binary(e, {
    name: "zero points at both ends",
    a: [1, 4, 5, 6],
    b: [1, 4, 5, 6],
    qs: [q(0.03, e.lo + 255), q(0.07, e.lo), q(0.05, e.lo + 128)],
    act: "NONE",
  })],
  MUL: (e) => [binary(e, {
    name: "broadcast, saturating output",
    a: [1, 4, 5, 6],
    b: [6],
    qs: [q(0.05, e.lo + 128), q(0.02, e.lo + 100), q(0.01, e.lo + 128)],
    act: "NONE",
  })],
  AVERAGE_POOL_2D: (e) =>
    [unary(e, {
      name: "3x3 s2 SAME",
      shape: [1, 7, 7, 5],
      xq: q(0.05, e.lo + 40),
      yq: q(0.05, e.lo + 40),
    }, { ...SAME, strideW: 2, strideH: 2, filterWidth: 3, filterHeight: 3 })].map((c) => ({
      ...c,
      outputs: [out(e, [1, 4, 4, 5], q(0.05, e.lo + 40))],
    })),
  MAX_POOL_2D: (e) =>
    [unary(e, {
      name: "2x2 s2 VALID",
      shape: [1, 8, 8, 5],
      xq: q(0.05, e.lo + 40),
      yq: q(0.05, e.lo + 40),
    }, { padding: "VALID", strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 })].map((c) => ({
      ...c,
      outputs: [out(e, [1, 4, 4, 5], q(0.05, e.lo + 40))],
    })),
  MEAN: (e) => [{
    name: `${e.dtype} over H, W with rescaling`,
    inputs: [act(e, [1, 7, 9, 6], q(0.05, e.lo + 200)), { ...int32([1, 2]), shape: [2] }],
    options: { keepDims: true },
    outputs: [out(e, [1, 1, 1, 6], q(0.02, e.lo + 100))],
  }],
  SOFTMAX: (e) => [
    unary(e, { name: "4x50", shape: [4, 50], xq: q(0.1, e.lo + 128), yq: q(1 / 256, e.lo) }, {
      beta: 1,
    }),
  ],
  LOGISTIC: (e) => [
    unary(e, { name: "300", shape: [1, 300], xq: q(0.06, e.lo + 128), yq: q(1 / 256, e.lo) }),
  ],
  TANH: (e) => [
    unary(e, {
      name: "300",
      shape: [1, 300],
      xq: q(0.03, e.lo + 128),
      yq: q(1 / 128, e.lo + 128),
    }),
  ],
  // TFLite has no uint8 RSQRT; int8 inputs start at the zero point (RSQRT refuses negatives).
  RSQRT: (e) =>
    e.dtype === "int8"
      ? [unary(e, {
        name: "300, saturating near 0",
        shape: [1, 300],
        xq: q(0.02, e.lo),
        yq: q(1 / 64, e.lo),
      })]
      : [],
  // TFLite has no uint8 BATCH_MATMUL.
  BATCH_MATMUL: (e) =>
    e.dtype === "int8"
      ? [{
        name: "int8 [2,5,7] x [2,6,7] adjY, zero points apart",
        inputs: [act(e, [2, 5, 7], q(0.05, e.lo + 100)), act(e, [2, 6, 7], q(0.04, e.lo + 3))],
        options: { adjX: false, adjY: true },
        outputs: [out(e, [2, 5, 6], q(0.2, e.lo + 128))],
      }]
      : [],
  // TFLite's integer SVDF: int8 input and features, int16 time weights and state, int32 bias,
  // RELU only (int8 only; the state a zero constant, as a fresh variable tensor).
  SVDF: (e) =>
    e.dtype === "int8"
      ? [{
        name: "int8 rank 2, 2 batches, memory 4",
        inputs: [
          act(e, [2, 5], q(0.05, e.lo + 100)),
          {
            dtype: "int8",
            shape: [6, 5],
            quantization: q(0.004, 0),
            range: [-127, 128],
            constant: true,
          },
          {
            dtype: "int16",
            shape: [6, 4],
            quantization: q(1 / 4096, 0),
            range: [-3000, 3000],
            constant: true,
          },
          {
            dtype: "int32",
            shape: [3],
            quantization: q(0.05 * 0.004, 0),
            range: [-500, 500],
            constant: true,
          },
          {
            dtype: "int16",
            shape: [2, 24],
            quantization: q(1 / 2048, 0),
            data: new Array(48).fill(0),
            constant: true,
          },
        ],
        options: { rank: 2, fusedActivationFunction: "RELU" },
        outputs: [out(e, [2, 3], q(0.002, e.lo))],
      }]
      : [],
  HARD_SWISH: (e) => [
    unary(e, {
      name: "300",
      shape: [1, 300],
      xq: q(0.05, e.lo + 128),
      yq: q(0.03, e.lo + 20),
    }),
  ],
  LEAKY_RELU: (e) => [
    unary(e, {
      name: "alpha 0.2",
      shape: [1, 300],
      xq: q(0.05, e.lo + 128),
      yq: q(0.03, e.lo + 50),
    }, { alpha: 0.2 }),
  ],
  RELU6: (e) => [
    unary(e, {
      name: "rescaling",
      shape: [1, 300],
      xq: q(0.05, e.lo + 128),
      yq: q(0.02, e.lo + 60),
    }),
  ],
  CONCATENATION: (e) => [{
    name: `${e.dtype} two inputs of different scales`,
    inputs: [act(e, [1, 3, 4, 5], q(0.05, e.lo + 128)), act(e, [1, 3, 4, 2], q(0.02, e.lo + 7))],
    options: { axis: 3, fusedActivationFunction: "NONE" },
    outputs: [out(e, [1, 3, 4, 7], q(0.04, e.lo + 100))],
  }],
  RESHAPE: (e) => [{
    name: `${e.dtype} to 2-D`,
    inputs: [act(e, [1, 4, 5, 6], q(0.05, e.lo + 9)), int32([4, 30])],
    options: {},
    outputs: [out(e, [4, 30], q(0.05, e.lo + 9))],
  }],
  RESIZE_BILINEAR: (e) => [{
    name: `${e.dtype} 4x5 -> 7x9`,
    inputs: [act(e, [1, 4, 5, 6], q(0.05, e.lo + 30)), int32([7, 9])],
    options: {},
    outputs: [out(e, [1, 7, 9, 6], q(0.05, e.lo + 30))],
  }],
  QUANTIZE: (e) => [
    {
      name: `float32 to ${e.dtype}, saturating`,
      inputs: [{ dtype: "float32", shape: [2, 100], range: [-6, 6] }],
      outputs: [out(e, [2, 100], q(0.02, e.lo + 128))],
    },
    {
      name: `${e.dtype} to ${e.dtype === "uint8" ? "int8" : "uint8"} (requantize)`,
      inputs: [act(e, [2, 100], q(0.05, e.lo + 128))],
      outputs: [{
        dtype: e.dtype === "uint8" ? "int8" : "uint8",
        shape: [2, 100],
        quantization: q(0.03, e.dtype === "uint8" ? 10 : 128),
      }],
    },
  ],
  DEQUANTIZE: (e) => [{
    name: `${e.dtype} to float32`,
    inputs: [act(e, [2, 100], q(0.37, e.lo + 17))],
    outputs: [{ dtype: "float32", shape: [2, 100] }],
  }],
};

/**
 * An op's 8-bit conformance cases in one dtype; empty for ops without any.
 *
 * @example
 * ```ts
 * import { quantCases } from "./quant_cases.ts";
 * const [c] = quantCases("CONV_2D", "int8");
 * if (c.inputs[1]!.quantization!.scale.length !== 7) throw new Error("int8 weights are per channel");
 * ```
 *
 * @param op Registry name.
 * @param dtype The activations' dtype.
 * @returns The cases.
 */
export function quantCases(op: string, dtype: QuantPrecision): OpCase[] {
  return QUANT_CASES[op]?.(EIGHT[dtype]) ?? [];
}

/**
 * Whether a precision name is an 8-bit one.
 *
 * @example
 * ```ts
 * import { isQuantPrecision } from "./quant_cases.ts";
 * if (!isQuantPrecision("int8") || isQuantPrecision("f16")) throw new Error("wrong");
 * ```
 *
 * @param p A precision name.
 * @returns `true` for `uint8` and `int8`.
 */
export function isQuantPrecision(p: string): p is QuantPrecision {
  return (QUANT_PRECISIONS as readonly string[]).includes(p);
}
