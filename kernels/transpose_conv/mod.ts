/**
 * TRANSPOSE_CONV: transposed 2-D convolution. Inputs: output shape (int32 constant `[4]`), weights
 * OHWI `[O, KH, KW, I]`, input `[N, H, W, I]`, optional bias `[O]`. The leading padding is TFLite's:
 * that of a forward conv from the output size (`padding`, strides, kernel) back to the input.
 *
 * @module
 */
import type { KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { checkBias, convAxis, type PaddingKind, requireFloat } from "../_shared/conv_common.ts";
import { activationOption, enumOption, intOption } from "../_shared/options.ts";
import { constantInts } from "../_shared/tensor.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import {
  transposeConvProgram,
  transposeConvReference,
  type TransposeGeometry,
} from "../_shared/transpose_conv.ts";
import { transposeBuilder } from "../_cpu/transpose_conv.ts";

const OP = "TRANSPOSE_CONV";

/** Parsed TRANSPOSE_CONV options. */
export interface TransposeConvOptions {
  /** Padding scheme. */
  padding: PaddingKind;
  /** Stride along width. */
  strideW: number;
  /** Stride along height. */
  strideH: number;
  /** Fused activation. */
  activation: FusedActivation;
  /** The output shape, from the constant input 0. */
  outShape: number[];
}

function geometry(o: TransposeConvOptions, w: number[]): TransposeGeometry {
  const axis = (size: number, kernel: number, stride: number) =>
    convAxis({ padding: o.padding, size, kernel, stride, dilation: 1 }).before;
  return {
    strideH: o.strideH,
    strideW: o.strideW,
    padTop: axis(o.outShape[1], w[1], o.strideH),
    padLeft: axis(o.outShape[2], w[2], o.strideW),
    activation: o.activation,
  };
}

/** `[input shape, filter kernel, out spatial, padding, stride, activation, bias]` per case. */
const CASES: [number[], number[], number[], PaddingKind, number, FusedActivation, boolean][] = [
  [[1, 4, 4, 3], [5, 3, 3, 3], [8, 8], "SAME", 2, "NONE", true],
  [[1, 5, 5, 4], [4, 3, 3, 4], [11, 11], "VALID", 2, "RELU", true],
  [[2, 3, 3, 7], [8, 4, 4, 7], [6, 6], "SAME", 2, "RELU6", false],
  [[1, 8, 8, 8], [8, 2, 2, 8], [16, 16], "VALID", 2, "NONE", true],
  [[1, 6, 7, 5], [3, 3, 3, 5], [6, 7], "SAME", 1, "RELU_N1_TO_1", true],
  [[1, 4, 4, 16], [8, 5, 5, 16], [12, 12], "SAME", 3, "RELU6", true],
  [[1, 4, 4, 3], [5, 3, 3, 3], [7, 7], "SAME", 2, "TANH", true],
  [[1, 4, 4, 3], [6, 3, 3, 3], [10, 10], "VALID", 2, "NONE", false],
  [[1, 16, 16, 8], [4, 3, 3, 8], [32, 32], "SAME", 2, "RELU", true],
];

/** The TRANSPOSE_CONV kernel. */
export const transposeConv: KernelDef<TransposeConvOptions> = {
  name: OP,
  optionsType: "TransposeConvOptions",
  parse({ options, inputs }) {
    if (inputs.length < 3 || inputs.length > 4) {
      throw new OpError(
        `${OP} needs 3 or 4 inputs (output shape, weights, input, bias), got ${inputs.length}`,
      );
    }
    const outShape = constantInts(OP, inputs[0], 0);
    if (outShape.length !== 4 || outShape.some((d) => d < 1)) {
      throw new OpError(`${OP}: the output shape must hold 4 positive sizes, got [${outShape}]`);
    }
    return {
      padding: enumOption(OP, options, "padding", ["SAME", "VALID"], "SAME"),
      strideW: intOption(OP, options, "strideW", 0, 1),
      strideH: intOption(OP, options, "strideH", 0, 1),
      activation: activationOption(OP, options),
      outShape,
    };
  },
  infer({ inputs, options }): TensorSpec[] {
    const w = requireFloat(OP, inputs[1], "weights", 4);
    const x = requireFloat(OP, inputs[2], "input", 4);
    const out = options.outShape;
    if (x[3] !== w[3]) {
      throw new OpError(`${OP}: input channels (${x[3]}) differ from the weights' (${w[3]})`);
    }
    if (out[0] !== x[0] || out[3] !== w[0]) {
      throw new OpError(
        `${OP}: the output shape [${out}] must have the input's batch (${
          x[0]
        }) and the weights' output channels (${w[0]})`,
      );
    }
    checkBias(OP, inputs[3], w[0]);
    return [{ dtype: "float32", shape: [...out] }];
  },
  reference({ inputs, options }) {
    return [transposeConvReference({
      input: inputs[2]!,
      weights: inputs[1]!,
      bias: inputs[3],
      outShape: options.outShape,
      geometry: geometry(options, inputs[1]!.shape),
    })];
  },
  gpu: {
    unsupported({ inputs }) {
      if (!inputs[1]?.value) return `${OP} runs on the GPU only with constant weights`;
      if (inputs[3] && !inputs[3].value) return `${OP} runs on the GPU only with a constant bias`;
      return undefined;
    },
    plan({ inputs, outputs, options, limits }) {
      return [transposeConvProgram({
        input: inputs[2]!,
        output: outputs[0],
        inputIndex: 2,
        weights: inputs[1]!.value!,
        bias: inputs[3]?.value,
        geometry: geometry(options, inputs[1]!.shape),
        limits,
      })];
    },
  },
  cpu: { float: transposeBuilder<TransposeConvOptions>([2, 1, 3], geometry) },
  cases(): OpCase[] {
    return CASES.map(([x, w, [oh, ow], padding, s, act, bias]) => ({
      name: `[${x}] w[${w}] -> ${oh}x${ow} ${padding} s${s} ${act}${bias ? " bias" : ""}`,
      inputs: [
        { dtype: "int32", shape: [4], data: [x[0], oh, ow, w[0]], constant: true },
        { dtype: "float32", shape: w, constant: true },
        { dtype: "float32", shape: x },
        ...(bias ? [{ dtype: "float32" as const, shape: [w[0]], constant: true }] : []),
      ],
      options: { padding, strideW: s, strideH: s, fusedActivationFunction: act },
    }));
  },
};
