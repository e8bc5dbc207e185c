/**
 * CONCATENATION: joins 1..N tensors along `axis` (negative counts from the end), with a fused
 * activation.
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { activationOption, intOption } from "../_shared/options.ts";
import { dataCase, moveKernel } from "../_shared/shape_kernel.ts";
import { normalizeAxis } from "../_shared/shape_util.ts";
import { ivec4, pad4 } from "../_gpu/gather.ts";
import type { OpCase } from "../../core/kernel.ts";
import { concatenationInteger } from "./quant.ts";
import { concatenationFloat } from "./cpu.ts";

/** Parsed options of CONCATENATION. */
export interface ConcatenationOptions {
  /** Output shape. */
  shape: number[];
  /** The axis, in `[0, rank)`. */
  axis: number;
  /** Where each input starts along the axis, and the total at the end. */
  offsets: number[];
  /** Fused activation. */
  activation: FusedActivation;
}

const CASES: [number[][], number, FusedActivation, "float32" | "int32"][] = [
  [[[1, 4, 4, 3], [1, 4, 4, 5]], 3, "NONE", "float32"],
  [[[1, 4, 4, 3], [1, 4, 4, 2], [1, 4, 4, 7]], -1, "RELU", "float32"],
  [[[1, 2, 5, 3], [1, 3, 5, 3]], 1, "RELU6", "float32"],
  [[[2, 3, 3, 5], [1, 3, 3, 5], [3, 3, 3, 5]], 0, "NONE", "int32"],
  [[[1, 3, 2, 6], [1, 3, 4, 6]], -2, "RELU_N1_TO_1", "float32"],
  [[[3, 5], [3, 2], [3, 1], [3, 4]], 1, "NONE", "float32"],
  [[[2, 7], [5, 7]], -2, "NONE", "int32"],
  [[[4], [3]], 0, "TANH", "float32"],
  [[[1, 8, 8, 16], [1, 8, 8, 16]], 3, "NONE", "float32"],
];

/** The CONCATENATION kernel. */
export const concatenation = {
  ...moveKernel<ConcatenationOptions>({
    name: "CONCATENATION",
    optionsType: "ConcatenationOptions",
    inputCount: [1, Infinity],
    dataInputs: (inputs) => inputs.map((_, i) => i),
    parse({ inputs, options }) {
      const first = inputs[0]!;
      const r = first.shape.length;
      const axis = normalizeAxis(
        "CONCATENATION",
        intOption("CONCATENATION", options, "axis", 0),
        r,
      );
      const offsets = [0];
      for (const [k, t] of inputs.entries()) {
        if (t!.dtype !== first.dtype) {
          throw new OpError(`CONCATENATION: input ${k} is ${t!.dtype}, input 0 is ${first.dtype}`);
        }
        const fits = t!.shape.length === r &&
          t!.shape.every((d, i) => i === axis || d === first.shape[i]);
        if (!fits) {
          throw new OpError(
            `CONCATENATION: input ${k} has shape [${
              t!.shape
            }], which does not match [${first.shape}] off axis ${axis}`,
          );
        }
        offsets.push(offsets[k] + t!.shape[axis]);
      }
      const shape = [...first.shape];
      shape[axis] = offsets[inputs.length];
      return { shape, axis, offsets, activation: activationOption("CONCATENATION", options) };
    },
    source(o, { axis, offsets }) {
      let k = 0;
      while (o[axis] >= offsets[k + 1]) k++;
      const src = [...o];
      src[axis] -= offsets[k];
      return [k, src];
    },
    activation: (o) => o.activation,
    wgsl({ inputs, options: { axis, offsets, shape } }) {
      const a = axis + 4 - shape.length;
      const body = inputs.map((_, k) => {
        const shift = ivec4(pad4([...shape.keys()].map((i) => (i === axis ? offsets[k] : 0)), 0));
        const read = `{ let q = o - ${shift}; return x${k}_at(q.x, q.y, q.z, q.w); }`;
        return k === inputs.length - 1 ? `  ${read}` : `  if (o[${a}] < ${offsets[k + 1]}) ${read}`;
      });
      return { body: body.join("\n") };
    },
    cases: () =>
      CASES.map(([shapes, axis, act, dtype], i): OpCase => ({
        name: `${shapes.map((s) => `[${s}]`).join(" + ")} axis ${axis} ${act} ${dtype}`,
        inputs: shapes.map((s, k) => ({ ...dataCase(s, dtype), constant: i === 2 && k === 1 })),
        options: { axis, fusedActivationFunction: act },
      })),
  }),
  quant: concatenationInteger,
  traits: {
    dataMovement: true,
    cheap: true,
    joinAxis: (o: unknown) => {
      const { axis, activation } = o as ConcatenationOptions;
      return activation === "NONE" ? axis : undefined;
    },
  },
  cpu: { float: concatenationFloat },
};
