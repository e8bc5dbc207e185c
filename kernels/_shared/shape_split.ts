/**
 * A factory for multi-output data-movement ops (SPLIT, SPLIT_V, UNPACK): each output is a slice of
 * one data input; the reference and the GPU share one map per output, and the GPU runs one program
 * per output.
 *
 * @module
 */
import type {
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  ParseArgs,
  TensorSpec,
} from "../../core/kernel.ts";
import { gatherProgram, gatherUnsupported, logicalCoords, readInput } from "../_gpu/gather.ts";
import { dataInput, expectInputs, gatherReference } from "./shape_util.ts";

/** Parsed options of a split-like op. */
export interface SplitOptions {
  /** The data input's index. */
  data: number;
  /** The split axis of the data input. */
  axis: number;
  /** Start of each output along the axis. */
  offsets: number[];
  /** Output shapes. */
  shapes: number[][];
  /** Whether the outputs drop the axis (UNPACK). */
  drop: boolean;
}

/** How to build one split-like op. */
export interface SplitSpec {
  /** Builtin op name. */
  name: string;
  /** Options table name. */
  optionsType: string;
  /** Fewest and most inputs. */
  inputCount: [number, number];
  /** Index of the data input. */
  data: number;
  /** Validates options and operands; resolves the outputs. */
  parse(args: ParseArgs): SplitOptions;
  /** Conformance cases. */
  cases(): OpCase[];
}

function sourceCoords<T>(
  o: T[],
  k: number,
  options: SplitOptions,
  add: (v: T, d: number) => T,
): T[] {
  const src = [...o];
  if (options.drop) src.splice(options.axis, 0, add(o[0], NaN));
  else src[options.axis] = add(o[options.axis], options.offsets[k]);
  return src;
}

/**
 * Builds the kernel of a split-like op.
 *
 * @example
 * ```ts
 * import { splitKernel } from "./shape_split.ts";
 * const k = splitKernel({
 *   name: "HALVES", optionsType: "SplitOptions", inputCount: [1, 1], data: 0, cases: () => [],
 *   parse: ({ inputs }) => ({ data: 0, axis: 0, offsets: [0, 1], shapes: [[1], [1]], drop: false }),
 * });
 * if (k.name !== "HALVES") throw new Error("wrong");
 * ```
 *
 * @param spec The op.
 * @returns The kernel.
 */
export function splitKernel(spec: SplitSpec): KernelDef<SplitOptions> {
  return {
    name: spec.name,
    optionsType: spec.optionsType,
    parse(args) {
      expectInputs(spec.name, args.inputs, ...spec.inputCount);
      dataInput(spec.name, args.inputs, spec.data);
      return spec.parse(args);
    },
    infer({ inputs, options }): TensorSpec[] {
      const x = inputs[options.data]!;
      return options.shapes.map((shape) => {
        const out: TensorSpec = { dtype: x.dtype, shape: [...shape] };
        if (x.quantization) out.quantization = x.quantization;
        return out;
      });
    },
    reference({ inputs, options, outputs }): HostTensor[] {
      const x = inputs[options.data]!;
      return outputs.map((output, k) =>
        gatherReference({
          inputs: [x],
          output,
          source: (o) => {
            const src = sourceCoords(o, k, options, (v, d) => (Number.isNaN(d) ? k : v + d));
            return [0, src];
          },
        })
      );
    },
    gpu: {
      unsupported({ inputs, outputs, options }) {
        return gatherUnsupported(spec.name, [inputs[options.data], ...outputs]);
      },
      plan({ inputs, outputs, options }) {
        const x = inputs[options.data] as GpuTensorInfo;
        return outputs.map((out, k) => {
          const coords = sourceCoords(
            logicalCoords(out.shape.length),
            k,
            options,
            (v, d) => (Number.isNaN(d) ? `${k}` : `${v} + ${d}`),
          );
          return gatherProgram({
            label: `${spec.name} output ${k}`,
            output: out,
            outputIndex: k,
            inputs: [{ index: options.data, name: "x" }],
            body: readInput({ name: "x", shape: x.shape, coords }),
          });
        });
      },
    },
    cases: spec.cases,
  };
}
