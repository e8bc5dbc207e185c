/**
 * A factory for broadcasting binary elementwise ops (ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, POW,
 * SQUARED_DIFFERENCE, FLOOR_DIV, FLOOR_MOD, PRELU...): one implementation, each op a few lines in its
 * own folder. Float32 always; int32 too (on the GPU as well) when the op gives integer semantics.
 * A constant scalar operand is inlined into the shader as a literal.
 *
 * @module
 */
import type {
  CaseInput,
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  TensorSpec,
} from "../../core/kernel.ts";
import { activationOption, applyActivation } from "./options.ts";
import { allocTensor, broadcastIndex, broadcastShapes, readNumber } from "./tensor.ts";
import {
  activationWgsl,
  decompose,
  dispatch1d,
  f32Lit,
  type FusedActivation,
  main1d,
} from "../_gpu/wgsl.ts";
import { OpError } from "../../core/errors.ts";
import { type WgslHelper, wgslHelpers } from "./elementwise_wgsl.ts";
import { assertNoSubnormals, f16Survives, gridValues } from "./elementwise_cases.ts";

/** Parsed options of a binary op. */
export interface BinaryOptions {
  /** Fused activation (NONE for ops without the option). */
  activation: FusedActivation;
}

/** Fixed values of one edge case: element `i` of `a` meets element `i` of `b`. */
export interface BinaryEdges {
  /** First operand. */
  a: number[];
  /** Second operand. */
  b: number[];
}

/** How to build one binary op. */
export interface BinarySpec {
  /** Builtin op name. */
  name: string;
  /** Options table name, when the op has one. */
  optionsType?: string;
  /** Whether the op has a fused activation option. */
  hasActivation: boolean;
  /** Reference semantics in float64. */
  fn: (a: number, b: number) => number;
  /** WGSL of the op on two `vec4<f32>` expressions. */
  wgsl: (a: string, b: string) => string;
  /** WGSL helper snippets the expression calls (see `elementwise_wgsl.ts`). */
  helpers?: WgslHelper[];
  /** Integer semantics, when the op accepts int32 (the result is wrapped to int32). */
  intFn?: (a: number, b: number) => number;
  /** WGSL of the integer op on two `vec4<i32>` expressions (int32 on the GPU). */
  wgslInt?: (a: string, b: string) => string;
  /** Range of random inputs for cases (default `[-2, 2]`). */
  range?: [number, number];
  /** Range of the second input, when it differs. */
  rangeB?: [number, number];
  /** Grid step of random inputs (power of two: exact in f16), for ops with discontinuities. */
  step?: number;
  /** Grid step of the second input (e.g. to keep divisors away from zero). */
  stepB?: number;
  /** Range of the int32 cases' second input (default `[-20, 20)`), e.g. to avoid zero divisors. */
  intRangeB?: [number, number];
  /** Shape pairs of the random cases (default: a set covering broadcasting and PHWC4 padding). */
  shapes?: [number[], number[]][];
  /** Which random cases get a constant second input (default every fourth). */
  constantB?: (caseIndex: number) => boolean;
  /**
   * Fixed edge cases. No subnormals: GPUs may flush them to zero (WebGPU allows it), so they would
   * test the device's denormal mode, not the kernel.
   */
  edges?: BinaryEdges[];
  /** Further cases of the op. */
  extraCases?: OpCase[];
}

const INT_ACTIVATIONS: Readonly<Partial<Record<FusedActivation, (v: string) => string>>> = {
  NONE: (v) => v,
  RELU: (v) => `max(${v}, vec4<i32>(0))`,
  RELU6: (v) => `clamp(${v}, vec4<i32>(0), vec4<i32>(6))`,
  RELU_N1_TO_1: (v) => `clamp(${v}, vec4<i32>(-1), vec4<i32>(1))`,
};

function readOperand(
  name: string,
  t: GpuTensorInfo,
  out: GpuTensorInfo,
): { expr: string; inlined: boolean } {
  const isInt = t.dtype === "int32";
  const vec = isInt ? "vec4<i32>" : "vec4<f32>";
  const v = t.value ? readNumber(t.value, 0) : NaN;
  // Zero stays a binding: a literal zero divisor is folded by some shader compilers (x / 0.0 gave 0).
  if (t.value && t.value.data.length === 1 && Number.isFinite(v) && v !== 0) {
    return { expr: `${vec}(${isInt ? `${v}` : f32Lit(v)})`, inlined: true };
  }
  const [ob, oh, ow, oc] = out.shape4;
  const [b, h, w, c] = t.shape4;
  const bi = b === ob ? "b" : "0";
  const hi = h === oh ? "h" : "0";
  const wi = w === ow ? "w" : "0";
  if (c === oc) return { expr: `${name}_vec(${bi}, ${hi}, ${wi}, s)`, inlined: false };
  return { expr: `${vec}(${name}_at(${bi}, ${hi}, ${wi}, 0))`, inlined: false };
}

const SHAPES: [number[], number[]][] = [
  [[1, 8, 8, 3], [1, 8, 8, 3]],
  [[1, 5, 7, 5], [5]],
  [[2, 4, 4, 7], [1, 4, 1, 7]],
  [[1, 16, 16, 8], [1, 1, 1, 8]],
  [[3, 9], [3, 9]],
  [[6], [1]],
  [[1, 3, 3, 1], [1, 3, 3, 1]],
  [[1, 1, 1, 1], [1, 1, 1, 1]],
  [[1, 33, 17, 13], [1, 33, 17, 1]],
  [[4, 1, 6], [5, 1]],
  [[1, 64, 64, 16], [1, 64, 64, 16]],
  [[], [2, 3]],
];

const INT_SHAPES: [number[], number[]][] = [
  [[1, 5, 5, 3], [1, 5, 5, 3]],
  [[2, 3, 6], [6]],
  [[7], []],
];

/**
 * Builds the kernel of a binary elementwise op.
 *
 * @example
 * ```ts
 * import { binaryKernel } from "./binary.ts";
 * const add = binaryKernel({ name: "ADD", hasActivation: true, fn: (a, b) => a + b, wgsl: (a, b) => `(${a} + ${b})` });
 * if (add.name !== "ADD") throw new Error("wrong");
 * ```
 *
 * @param spec The op's semantics.
 * @returns The kernel.
 */
export function binaryKernel(spec: BinarySpec): KernelDef<BinaryOptions> {
  return {
    name: spec.name,
    // Each thread reads input element i before writing output element i: outputs may overwrite
    // a same-shape input that dies at the node.
    traits: { inPlace: true },
    optionsType: spec.optionsType,
    parse({ options, inputs }) {
      if (inputs.length !== 2 || !inputs[0] || !inputs[1]) {
        throw new OpError(`${spec.name} needs 2 inputs, got ${inputs.length}`);
      }
      return {
        activation: spec.hasActivation ? activationOption(spec.name, options) : "NONE",
      };
    },
    infer({ inputs, options }): TensorSpec[] {
      const [a, b] = inputs as TensorSpec[];
      if (a.dtype !== b.dtype) {
        throw new OpError(
          `${spec.name}: input dtypes differ (${a.dtype}, ${b.dtype})`,
        );
      }
      if (a.dtype !== "float32" && !(a.dtype === "int32" && spec.intFn)) {
        throw new OpError(`${spec.name}: dtype ${a.dtype} is not supported`);
      }
      if (a.dtype === "int32" && !INT_ACTIVATIONS[options.activation]) {
        throw new OpError(
          `${spec.name}: fused activation ${options.activation} is not supported on int32`,
        );
      }
      return [{
        dtype: a.dtype,
        shape: broadcastShapes(spec.name, a.shape, b.shape),
      }];
    },
    reference({ inputs, options, outputs }): HostTensor[] {
      const [a, b] = inputs as HostTensor[];
      const out = allocTensor(outputs[0].dtype, outputs[0].shape);
      const f = a.dtype === "int32" ? spec.intFn! : spec.fn;
      for (let i = 0; i < out.data.length; i++) {
        const x = readNumber(a, broadcastIndex(i, out.shape, a.shape));
        const y = readNumber(b, broadcastIndex(i, out.shape, b.shape));
        out.data[i] = applyActivation(options.activation, f(x, y));
      }
      return [out];
    },
    gpu: {
      unsupported({ inputs }) {
        const dtype = inputs[0]?.dtype;
        if (dtype === "int32" && !spec.wgslInt) {
          return `${spec.name} runs on the GPU in float only`;
        }
        return dtype === "float32" || dtype === "int32"
          ? undefined
          : `${spec.name} runs on the GPU in float32 and int32 only, not ${dtype}`;
      },
      plan({ inputs, outputs, options }) {
        const [a, b] = inputs as GpuTensorInfo[];
        const out = outputs[0];
        const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
        const ra = readOperand("a", a, out);
        const rb = readOperand("b", b, out);
        const isInt = a.dtype === "int32";
        const expr = isInt
          ? INT_ACTIVATIONS[options.activation]!(spec.wgslInt!(ra.expr, rb.expr))
          : activationWgsl(options.activation, spec.wgsl(ra.expr, rb.expr));
        const body = `${decompose(out)}  y_store(i, ${expr});`;
        return [{
          label: spec.name,
          code: wgslHelpers(spec.helpers ?? []) + main1d(n, body),
          bindings: [
            ...(ra.inlined ? [] : [{ kind: "input" as const, index: 0, name: "a" }]),
            ...(rb.inlined ? [] : [{ kind: "input" as const, index: 1, name: "b" }]),
            { kind: "output", index: 0, name: "y" },
          ],
          dispatch: dispatch1d(n),
        }];
      },
    },
    cases(): OpCase[] {
      const acts: FusedActivation[] = spec.hasActivation
        ? ["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH"]
        : ["NONE"];
      const range = spec.range ?? [-2, 2];
      const rangeB = spec.rangeB ?? range;
      const input = (
        shape: number[],
        r: [number, number],
        step: number | undefined,
        seed: number,
        constant: boolean,
      ): CaseInput => ({
        dtype: "float32",
        shape,
        range: r,
        data: step ? gridValues({ shape, range: r, step, seed }) : undefined,
        constant,
      });
      const cases: OpCase[] = [];
      (spec.shapes ?? SHAPES).forEach(([sa, sb], i) => {
        const act = acts[i % acts.length];
        const swap = !spec.shapes && i % 3 === 2;
        const [shA, shB] = swap ? [sb, sa] : [sa, sb];
        const constant = spec.constantB ? spec.constantB(i) : i % 4 === 3;
        cases.push({
          name: `[${shA}] x [${shB}]${spec.hasActivation ? ` ${act}` : ""}${
            constant ? " const" : ""
          }`,
          inputs: [
            input(shA, range, spec.step, 2 * i + 1, false),
            input(shB, rangeB, spec.stepB ?? spec.step, 2 * i + 2, constant),
          ],
          options: spec.hasActivation ? { fusedActivationFunction: act } : {},
        });
      });
      if (spec.intFn && spec.wgslInt) {
        INT_SHAPES.forEach(([sa, sb], i) => {
          const act = acts[(i + 1) % acts.length];
          cases.push({
            name: `int32 [${sa}] x [${sb}]${spec.hasActivation ? ` ${act}` : ""}`,
            inputs: [
              { dtype: "int32", shape: sa, range: [-20, 20] },
              {
                dtype: "int32",
                shape: sb,
                range: spec.intRangeB ?? [-20, 20],
                constant: i === 2,
              },
            ],
            options: spec.hasActivation
              ? { fusedActivationFunction: act === "TANH" ? "RELU" : act }
              : {},
          });
        });
      }
      for (const e of spec.edges ?? []) {
        assertNoSubnormals(spec.name, [...e.a, ...e.b]);
        cases.push({
          name: `edges a=[${e.a}] b=[${e.b}]`,
          inputs: [
            { dtype: "float32", shape: [e.a.length], data: e.a },
            { dtype: "float32", shape: [e.b.length], data: e.b },
          ],
          options: {},
          f16: f16Survives([e.a, e.b], spec.fn),
        });
      }
      return [...cases, ...(spec.extraCases ?? [])];
    },
  };
}
