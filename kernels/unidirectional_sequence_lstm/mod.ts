/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM: an LSTM cell run over every step of a sequence
 * (`[batch, time, input]`, or `[time, batch, input]` with `timeMajor`), all steps' outputs returned
 * in the same layout; TensorFlow Lite's 24-input kernel in float on the host. The math is in
 * `kernels/_shared/lstm.ts`.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
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

const OP = "UNIDIRECTIONAL_SEQUENCE_LSTM";

const SHAPES: LstmCaseShape[] = [
  {
    name: "layer norm + projection (LiteRT's test model)",
    batch: 1,
    steps: 2,
    nInput: 2,
    nCell: 2,
    nOutput: 2,
    layerNorm: true,
    projection: true,
    options: { fusedActivationFunction: "TANH", cellClip: 10 },
  },
  {
    name: "plain, batch 2, 5 steps",
    batch: 2,
    steps: 5,
    nInput: 3,
    nCell: 4,
    nOutput: 4,
    options: { fusedActivationFunction: "TANH" },
  },
  {
    name: "time major, CIFG + peephole",
    batch: 3,
    steps: 4,
    nInput: 2,
    nCell: 3,
    nOutput: 3,
    cifg: true,
    peephole: true,
    options: { fusedActivationFunction: "TANH", timeMajor: true, cellClip: 1 },
  },
];

/** Batch size, steps and the row of step `t` of batch `b` in `[batch, time]` or `[time, batch]`. */
function layoutOf(shape: readonly number[], options: LstmOptions) {
  const [a, b] = shape;
  const [batch, steps] = options.timeMajor ? [b, a] : [a, b];
  const row = options.timeMajor
    ? (bi: number, t: number) => t * batch + bi
    : (bi: number, t: number) => bi * steps + t;
  return { batch, steps, row };
}

/**
 * The UNIDIRECTIONAL_SEQUENCE_LSTM kernel.
 *
 * @example
 * ```ts
 * import { unidirectionalSequenceLstm } from "./mod.ts";
 * if (unidirectionalSequenceLstm.name !== "UNIDIRECTIONAL_SEQUENCE_LSTM") throw new Error("wrong");
 * ```
 */
export const unidirectionalSequenceLstm: KernelDef<LstmOptions> = {
  name: OP,
  optionsType: "UnidirectionalSequenceLSTMOptions",
  quant: integerLstmKernel(OP, (shape, options) => layoutOf(shape, options)),
  parse({ options, inputs, intermediates }) {
    const integer = inputs[0]?.dtype === "int8";
    lstmSizes(OP, inputs, 3, integer);
    if (integer) checkIntegerLstm(OP, inputs);
    const parsed = parseLstmOptions(OP, options);
    const inter = integer ? lstmIntermediates(intermediates) : undefined;
    return inter ? { ...parsed, intermediates: inter } : parsed;
  },
  infer({ inputs }): TensorSpec[] {
    const [, nOutput] = lstmSizes(OP, inputs, 3);
    const [a, b] = inputs[0]!.shape;
    return [{ dtype: "float32", shape: [a, b, nOutput] }];
  },
  reference({ inputs, options, outputs }): HostTensor[] {
    const out = allocTensor("float32", outputs[0].shape);
    (out.data as Float32Array).set(runLstm(inputs, options, layoutOf(inputs[0]!.shape, options)));
    return [out];
  },
  cases(): OpCase[] {
    return SHAPES.map((s) =>
      lstmCase(s, s.options.timeMajor ? [s.steps, s.batch, s.nInput] : [s.batch, s.steps, s.nInput])
    );
  },
};
