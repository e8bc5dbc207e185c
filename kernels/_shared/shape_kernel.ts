/**
 * A factory for single-output data-movement ops (RESHAPE, TRANSPOSE, PAD, SLICE, TILE, GATHER,
 * CONCATENATION...): the op gives its option parsing (which resolves the output shape from the
 * inputs), the source of each output element in JS for the reference, and the same map in WGSL for
 * the GPU; the factory does the rest.
 *
 * @module
 */
import type {
  GpuPlanArgs,
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  OpInput,
  ParseArgs,
  TensorSpec,
} from "../../core/kernel.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { gatherProgram, gatherUnsupported } from "../_gpu/gather.ts";
import { applyActivation } from "./options.ts";
import { dataInput, expectInputs, gatherReference } from "./shape_util.ts";

/** Parsed options every data-movement op carries: the output shape it resolved. */
export interface MoveOptions {
  /** Output shape. */
  shape: number[];
}

/** The WGSL of an op's map, as {@linkcode MoveSpec.wgsl} returns it. */
export interface MoveWgsl {
  /** Body of `fn gather_at(o: vec4<i32>) -> S` (see `kernels/_gpu/gather.ts`). */
  body: string;
  /** Extra WGSL functions. */
  helpers?: string;
  /** Constant bindings the body reads. */
  consts?: Parameters<typeof gatherProgram>[0]["consts"];
  /** Inputs the program binds, when they differ from {@linkcode MoveSpec.dataInputs}. */
  inputs?: number[];
}

/** How to build one data-movement op. */
export interface MoveSpec<O extends MoveOptions> {
  /** Builtin op name. */
  name: string;
  /** Options table name. */
  optionsType?: string;
  /** Fewest and most inputs. */
  inputCount: [number, number];
  /** Indices of the data inputs (bound on the GPU as `x0`, `x1`...; default `[0]`). */
  dataInputs?: (inputs: readonly (OpInput | undefined)[]) => number[];
  /** Validates the options and the constant operands; resolves the output shape. */
  parse(args: ParseArgs): O;
  /** Output dtype (default: that of the first data input). */
  dtype?: (inputs: readonly (OpInput | undefined)[]) => TensorSpec["dtype"];
  /** Source of output element `o`: `[input, coordinates]` or `null` for the pad value. */
  source(
    o: number[],
    options: O,
    inputs: readonly HostTensor[],
  ): readonly [number, number[]] | null;
  /** The pad value of the reference (default 0). */
  pad?(inputs: readonly (HostTensor | undefined)[], options: O, output: TensorSpec): number;
  /** Fused activation of the options, when the op has one. */
  activation?(options: O): FusedActivation;
  /** The WGSL map (reads input `i` through `x{i}_at`). */
  wgsl(args: GpuPlanArgs<O>): MoveWgsl;
  /** Why the GPU cannot run a node, beyond dtype and rank. */
  unsupported?(args: GpuPlanArgs<O>): string | undefined;
  /** Conformance cases. */
  cases(): OpCase[];
}

/**
 * Builds the kernel of a data-movement op.
 *
 * @example
 * ```ts
 * import { moveKernel } from "./shape_kernel.ts";
 * const identity = moveKernel({
 *   name: "IDENTITY",
 *   inputCount: [1, 1],
 *   parse: ({ inputs }) => ({ shape: [...inputs[0]!.shape] }),
 *   source: (o) => [0, o],
 *   wgsl: () => ({ body: "  return x0_at(o.x, o.y, o.z, o.w);" }),
 *   cases: () => [],
 * });
 * if (identity.name !== "IDENTITY") throw new Error("wrong");
 * ```
 *
 * @param spec The op's semantics.
 * @returns The kernel.
 */
export function moveKernel<O extends MoveOptions>(spec: MoveSpec<O>): KernelDef<O> {
  const dataOf = spec.dataInputs ?? (() => [0]);
  return {
    name: spec.name,
    optionsType: spec.optionsType,
    parse(args) {
      expectInputs(spec.name, args.inputs, ...spec.inputCount);
      for (const i of dataOf(args.inputs)) dataInput(spec.name, args.inputs, i);
      return spec.parse(args);
    },
    infer({ inputs, options }): TensorSpec[] {
      const first = inputs[dataOf(inputs)[0]]!;
      const out: TensorSpec = {
        dtype: spec.dtype?.(inputs) ?? first.dtype,
        shape: [...options.shape],
      };
      if (first.quantization) out.quantization = first.quantization;
      return [out];
    },
    reference({ inputs, options, outputs }): HostTensor[] {
      const out = gatherReference({
        inputs,
        output: outputs[0],
        source: (o) => spec.source(o, options, inputs as HostTensor[]),
        pad: spec.pad?.(inputs, options, outputs[0]),
      });
      const act = spec.activation?.(options) ?? "NONE";
      if (act !== "NONE" && out.data instanceof Float32Array) {
        for (let i = 0; i < out.data.length; i++) {
          out.data[i] = applyActivation(act, out.data[i]);
        }
      }
      return [out];
    },
    gpu: {
      unsupported(args) {
        const bound = args.inputs.filter((_, i) =>
          dataOf(args.inputs).includes(i)
        ) as GpuTensorInfo[];
        return gatherUnsupported(spec.name, [...bound, ...args.outputs]) ??
          spec.unsupported?.(args);
      },
      plan(args) {
        const w = spec.wgsl(args);
        const bound = w.inputs ?? dataOf(args.inputs);
        return [gatherProgram({
          label: spec.name,
          output: args.outputs[0],
          inputs: bound.map((i) => ({ index: i, name: `x${i}` })),
          consts: w.consts,
          body: w.body,
          helpers: w.helpers,
          activation: spec.activation?.(args.options),
        })];
      },
    },
    cases: spec.cases,
  };
}

/**
 * A case input of seeded random data: float32 in `[-2, 2]`, or int32 in `[-50, 50)`.
 *
 * @example
 * ```ts
 * import { dataCase } from "./shape_kernel.ts";
 * if (dataCase([2, 3], "int32").dtype !== "int32") throw new Error("wrong");
 * ```
 *
 * @param shape Shape.
 * @param dtype `float32` (default) or `int32`.
 * @returns The case input.
 */
export function dataCase(
  shape: number[],
  dtype: "float32" | "int32" = "float32",
): OpCase["inputs"][number] & object {
  return { dtype, shape, range: dtype === "int32" ? [-50, 50] : [-2, 2] };
}

/**
 * A constant int32 case input (shape, axes, paddings...).
 *
 * @example
 * ```ts
 * import { intCase } from "./shape_kernel.ts";
 * if (intCase([1, 2]).shape[0] !== 2) throw new Error("wrong");
 * ```
 *
 * @param values The values.
 * @param shape Shape (default `[values.length]`).
 * @returns The case input.
 */
export function intCase(
  values: number[],
  shape: number[] = [values.length],
): OpCase["inputs"][number] & object {
  return { dtype: "int32", shape, data: values, constant: true };
}
