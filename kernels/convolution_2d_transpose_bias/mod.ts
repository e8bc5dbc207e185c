/**
 * Convolution2DTransposeBias: MediaPipe's custom transposed convolution with bias. Inputs: input
 * `[N, H, W, I]`, weights OHWI `[O, KH, KW, I]`, bias `[O]`; custom options are the raw bytes of a
 * `TfLiteTransposeConvParams` (int32 padding 1 SAME / 2 VALID, stride_width, stride_height). As in
 * MediaPipe's kernel, SAME cuts `max(0, k - (in - 1) % stride - 1)` from the full
 * `stride * (in - 1) + k` output, its floor half before; VALID cuts nothing.
 *
 * @module
 */
import type { KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import {
  checkBias,
  type PaddingKind,
  readTransposeConvParams,
  requireFloat,
  transposeConvParamsBytes,
} from "../_shared/conv_common.ts";
import {
  transposeConvProgram,
  transposeConvReference,
  type TransposeGeometry,
} from "../_shared/transpose_conv.ts";
import { transposeBuilder } from "../_cpu/transpose_conv.ts";

const OP = "Convolution2DTransposeBias";

/** Parsed options of Convolution2DTransposeBias. */
export interface Convolution2DTransposeBiasOptions {
  /** Padding scheme. */
  padding: PaddingKind;
  /** Stride along width. */
  strideW: number;
  /** Stride along height. */
  strideH: number;
}

/** Output size and total cut of one axis. */
function axis(o: Convolution2DTransposeBiasOptions, size: number, k: number, stride: number) {
  const cut = o.padding === "SAME" ? Math.max(0, k - ((size - 1) % stride) - 1) : 0;
  return { out: stride * (size - 1) + k - cut, before: Math.floor(cut / 2) };
}

function shapes(o: Convolution2DTransposeBiasOptions, x: number[], w: number[]) {
  const h = axis(o, x[1], w[1], o.strideH);
  const ww = axis(o, x[2], w[2], o.strideW);
  const geometry: TransposeGeometry = {
    strideH: o.strideH,
    strideW: o.strideW,
    padTop: h.before,
    padLeft: ww.before,
    activation: "NONE",
  };
  return { out: [x[0], h.out, ww.out, w[0]], geometry };
}

/** `[input shape, weights shape, padding, stride]` per case. */
const CASES: [number[], number[], PaddingKind, number][] = [
  [[1, 8, 8, 8], [8, 3, 3, 8], "SAME", 2],
  [[1, 16, 16, 8], [2, 2, 2, 8], "SAME", 2],
  [[1, 5, 5, 3], [5, 3, 3, 3], "VALID", 2],
  [[2, 4, 6, 5], [3, 4, 4, 5], "SAME", 2],
  [[1, 4, 4, 4], [4, 1, 1, 4], "SAME", 2],
  [[1, 3, 3, 4], [4, 3, 3, 4], "SAME", 3],
  [[1, 6, 6, 3], [4, 3, 3, 3], "SAME", 1],
  [[1, 16, 16, 16], [1, 2, 2, 16], "SAME", 2],
];

/** The Convolution2DTransposeBias kernel (custom op). */
export const convolution2dTransposeBias: KernelDef<Convolution2DTransposeBiasOptions> = {
  name: OP,
  custom: true,
  parse({ customOptions, inputs }) {
    if (inputs.length !== 3) {
      throw new OpError(`${OP} needs 3 inputs (input, weights, bias), got ${inputs.length}`);
    }
    return readTransposeConvParams(OP, customOptions);
  },
  infer({ inputs, options }): TensorSpec[] {
    const x = requireFloat(OP, inputs[0], "input", 4);
    const w = requireFloat(OP, inputs[1], "weights", 4);
    if (x[3] !== w[3]) {
      throw new OpError(`${OP}: input channels (${x[3]}) differ from the weights' (${w[3]})`);
    }
    if (!inputs[2]) throw new OpError(`${OP}: the bias is missing`);
    checkBias(OP, inputs[2], w[0]);
    return [{ dtype: "float32", shape: shapes(options, x, w).out }];
  },
  reference({ inputs, options }) {
    const [x, w, bias] = inputs;
    const { out, geometry } = shapes(options, x!.shape, w!.shape);
    return [transposeConvReference({ input: x!, weights: w!, bias, outShape: out, geometry })];
  },
  gpu: {
    unsupported({ inputs }) {
      if (!inputs[1]?.value) return `${OP} runs on the GPU only with constant weights`;
      if (!inputs[2]?.value) return `${OP} runs on the GPU only with a constant bias`;
      return undefined;
    },
    plan({ inputs, outputs, options, limits }) {
      return [transposeConvProgram({
        input: inputs[0]!,
        output: outputs[0],
        inputIndex: 0,
        weights: inputs[1]!.value!,
        bias: inputs[2]!.value,
        geometry: shapes(options, inputs[0]!.shape, inputs[1]!.shape).geometry,
        limits,
      })];
    },
  },
  cpu: {
    float: transposeBuilder<Convolution2DTransposeBiasOptions>(
      [0, 1, 2],
      (o, w, x) => shapes(o, x, w).geometry,
    ),
  },
  cases(): OpCase[] {
    return CASES.map(([x, w, padding, s]) => ({
      name: `[${x}] w[${w}] ${padding} s${s}`,
      inputs: [
        { dtype: "float32", shape: x },
        { dtype: "float32", shape: w, constant: true },
        { dtype: "float32", shape: [w[0]], constant: true },
      ],
      customOptions: transposeConvParamsBytes(padding, s, s),
    }));
  },
};
