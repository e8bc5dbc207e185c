/**
 * SVDF: a singular-value-decomposition filter layer (keyword spotting), in float on the host.
 * Inputs: `x [batch, input]`, `weights_feature [filters, input]`, `weights_time [filters, memory]`,
 * an optional `bias [units]` and the state `[batch, filters * memory]` (a variable tensor, zero in
 * a fresh run); `units = filters / rank`. One step shifts each filter's memory left by one, writes
 * `weights_feature · x` into the newest slot, takes each filter's dot product with its time
 * weights, sums groups of `rank` filters per unit, adds the bias and applies the activation.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { activationOption, applyActivation, intOption } from "../_shared/options.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { checkIntegerSvdf, svdfInteger } from "./quant.ts";

/** Parsed options of SVDF. */
export interface SvdfOptions {
  /** Filters per unit. */
  rank: number;
  /** Fused activation. */
  activation: FusedActivation;
}

function sizes(inputs: readonly (TensorSpec | undefined)[], o: SvdfOptions, integer = false) {
  const [x, wf, wt, bias, state] = inputs;
  if (!x || !wf || !wt || !state) {
    throw new OpError("SVDF needs input, weights_feature, weights_time and state");
  }
  for (const t of integer ? [] : [x, wf, wt, bias, state]) {
    if (t && t.dtype !== "float32") {
      throw new OpError(`SVDF: only float32 and int8 run, got ${t.dtype}`);
    }
  }
  const [batch, nInput] = x.shape;
  const [filters, memory] = wt.shape;
  if (x.shape.length !== 2 || wf.shape.join() !== `${filters},${nInput}`) {
    throw new OpError(
      `SVDF: weights_feature [${wf.shape}] does not take input [${x.shape}] to ${filters} filters`,
    );
  }
  if (filters % o.rank !== 0) {
    throw new OpError(`SVDF: ${filters} filters are not a multiple of rank ${o.rank}`);
  }
  const units = filters / o.rank;
  if (bias && bias.shape.join() !== `${units}`) {
    throw new OpError(`SVDF: bias [${bias.shape}] must have ${units} values`);
  }
  // TFLite's Prepare requires the same ([batch, memory * filters]).
  if (state.shape.reduce((a, b) => a * b, 1) !== batch * filters * memory) {
    throw new OpError(
      `SVDF: state [${state.shape}] must hold batch x filters x memory = ${
        batch * filters * memory
      } values (TFLite requires [${batch}, ${filters * memory}])`,
    );
  }
  return { batch, nInput, filters, memory, units };
}

/**
 * One SVDF step: the output and the new state.
 *
 * @example
 * ```ts
 * import { svdfStep } from "./mod.ts";
 * const f = (shape: number[], v: number[]) => ({ dtype: "float32" as const, shape, data: new Float32Array(v) });
 * const { output } = svdfStep([f([1, 1], [2]), f([1, 1], [3]), f([1, 2], [0.5, 1]), undefined, f([1, 2], [0, 0])], { rank: 1, activation: "NONE" });
 * if (output[0] !== 6) throw new Error("wrong");
 * ```
 *
 * @param inputs The node's five inputs.
 * @param options Rank and activation.
 * @returns The output `[batch, units]` and the state after the step, row-major.
 */
export function svdfStep(
  inputs: readonly (HostTensor | undefined)[],
  options: SvdfOptions,
): { output: Float64Array; state: Float64Array } {
  const { batch, nInput, filters, memory, units } = sizes(inputs, options);
  const [x, wf, wt, bias, s0] = inputs;
  const state = new Float64Array(batch * filters * memory);
  const output = new Float64Array(batch * units);
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < filters; f++) {
      const row = (b * filters + f) * memory;
      for (let m = 0; m + 1 < memory; m++) state[row + m] = readNumber(s0!, row + m + 1);
      let feature = 0;
      for (let i = 0; i < nInput; i++) {
        feature += readNumber(wf!, f * nInput + i) * readNumber(x!, b * nInput + i);
      }
      state[row + memory - 1] = feature;
    }
    for (let u = 0; u < units; u++) {
      let sum = bias ? readNumber(bias, u) : 0;
      for (let r = 0; r < options.rank; r++) {
        const f = u * options.rank + r;
        const row = (b * filters + f) * memory;
        for (let m = 0; m < memory; m++) sum += state[row + m] * readNumber(wt!, f * memory + m);
      }
      output[b * units + u] = applyActivation(options.activation, sum);
    }
  }
  return { output, state };
}

/**
 * The SVDF kernel.
 *
 * @example
 * ```ts
 * import { svdf } from "./mod.ts";
 * if (svdf.optionsType !== "SVDFOptions") throw new Error("wrong");
 * ```
 */
export const svdf: KernelDef<SvdfOptions> = {
  name: "SVDF",
  optionsType: "SVDFOptions",
  quant: svdfInteger,
  parse({ options, inputs }) {
    if (inputs.length !== 5) throw new OpError(`SVDF needs 5 inputs, got ${inputs.length}`);
    const rank = intOption("SVDF", options, "rank", 1);
    if (rank < 1) throw new OpError(`SVDF: option rank must be >= 1, got ${rank}`);
    const o = { rank, activation: activationOption("SVDF", options) };
    const integer = inputs[0]?.dtype === "int8";
    sizes(inputs, o, integer);
    if (integer) checkIntegerSvdf(inputs, o.activation);
    return o;
  },
  infer({ inputs, options }): TensorSpec[] {
    const { batch, units } = sizes(inputs, options);
    return [{ dtype: "float32", shape: [batch, units] }];
  },
  reference({ inputs, options, outputs }): HostTensor[] {
    const out = allocTensor("float32", outputs[0].shape);
    (out.data as Float32Array).set(svdfStep(inputs, options).output);
    return [out];
  },
  cases(): OpCase[] {
    const w = (shape: number[]) => ({ dtype: "float32" as const, shape, constant: true });
    const make = (
      name: string,
      b: number,
      n: number,
      units: number,
      rank: number,
      memory: number,
      options: object,
    ) => ({
      name,
      inputs: [
        { dtype: "float32" as const, shape: [b, n] },
        w([units * rank, n]),
        w([units * rank, memory]),
        units % 2 ? null : w([units]),
        w([b, units * rank * memory]),
      ],
      options: options as Record<string, string | number>,
      f16: false,
    });
    return [
      make("rank 1, batch 2, memory 10", 2, 3, 4, 1, 10, {
        rank: 1,
        fusedActivationFunction: "NONE",
      }),
      make("rank 2, RELU", 1, 5, 3, 2, 4, { rank: 2, fusedActivationFunction: "RELU" }),
    ];
  },
};
