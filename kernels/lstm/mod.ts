/**
 * LSTM: one step of a long short-term memory cell over a batch (`[batch, input]` in,
 * `[batch, output]` out), TensorFlow Lite's full 24-input kernel in float on the host. The math is
 * in `kernels/_shared/lstm.ts`.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor } from "../_shared/tensor.ts";
import {
  lstmCase,
  type LstmCaseShape,
  type LstmOptions,
  lstmSizes,
  parseLstmOptions,
  runLstm,
} from "../_shared/lstm.ts";
import { checkIntegerLstm, integerLstmKernel, lstmIntermediates } from "../_shared/lstm_integer.ts";

const SHAPES: LstmCaseShape[] = [
  {
    name: "layer norm + projection (LiteRT's test model)",
    batch: 1,
    steps: 1,
    nInput: 2,
    nCell: 2,
    nOutput: 2,
    layerNorm: true,
    projection: true,
    options: { fusedActivationFunction: "TANH", cellClip: 10 },
  },
  {
    name: "plain, batch 3",
    batch: 3,
    steps: 1,
    nInput: 5,
    nCell: 4,
    nOutput: 4,
    options: { fusedActivationFunction: "TANH" },
  },
  {
    name: "CIFG + peephole + projection 6->3, clipped",
    batch: 2,
    steps: 1,
    nInput: 4,
    nCell: 6,
    nOutput: 3,
    cifg: true,
    peephole: true,
    projection: true,
    options: { fusedActivationFunction: "TANH", cellClip: 0.5, projClip: 0.3 },
  },
];

/**
 * The LSTM kernel.
 *
 * @example
 * ```ts
 * import { lstm } from "./mod.ts";
 * if (lstm.optionsType !== "LSTMOptions") throw new Error("wrong");
 * ```
 */
export const lstm: KernelDef<LstmOptions> = {
  name: "LSTM",
  optionsType: "LSTMOptions",
  quant: integerLstmKernel("LSTM", (shape) => ({ batch: shape[0], steps: 1, row: (b) => b })),
  parse({ options, inputs, intermediates }) {
    if (options.kernelType !== undefined && options.kernelType !== "FULL") {
      throw new OpError(`LSTM: kernel type ${options.kernelType} is not supported (only FULL)`);
    }
    const integer = inputs[0]?.dtype === "int8";
    lstmSizes("LSTM", inputs, 2, integer);
    if (integer) checkIntegerLstm("LSTM", inputs);
    const parsed = parseLstmOptions("LSTM", options);
    const inter = integer ? lstmIntermediates(intermediates) : undefined;
    return inter ? { ...parsed, intermediates: inter } : parsed;
  },
  infer({ inputs }): TensorSpec[] {
    const [, nOutput] = lstmSizes("LSTM", inputs, 2);
    return [{ dtype: "float32", shape: [inputs[0]!.shape[0], nOutput] }];
  },
  reference({ inputs, options, outputs }): HostTensor[] {
    const out = allocTensor("float32", outputs[0].shape);
    (out.data as Float32Array).set(
      runLstm(inputs, options, { batch: inputs[0]!.shape[0], steps: 1, row: (b) => b }),
    );
    return [out];
  },
  cases(): OpCase[] {
    return SHAPES.map((s) => lstmCase(s, [s.batch, s.nInput]));
  },
};
