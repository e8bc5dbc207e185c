/**
 * A factory for unary elementwise ops (activations and math functions): one implementation, each op
 * a few lines in its own folder. Float32 always; int32 too when the op gives integer semantics.
 *
 * @module
 */
import type {
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  TensorSpec,
} from "../../core/kernel.ts";
import { allocTensor, readNumber } from "./tensor.ts";
import { dispatch1d, main1d } from "../_gpu/wgsl.ts";
import { OpError } from "../../core/errors.ts";
import type { NodeOptions } from "../../core/ir.ts";
import { type WgslHelper, wgslHelpers } from "./elementwise_wgsl.ts";
import { assertNoSubnormals, f16Survives, gridValues } from "./elementwise_cases.ts";

/** How to build one unary op. */
export interface UnarySpec<O> {
  /** Builtin op name. */
  name: string;
  /** Options table name, when the op has one. */
  optionsType?: string;
  /** Parses the options (default: none); throws `OpError` naming the op and field. */
  parse?: (options: NodeOptions) => O;
  /** Reference semantics in float64 (float32 inputs). */
  fn: (x: number, options: O) => number;
  /** WGSL of the op on a `vec4<f32>` expression `x`. */
  wgsl: (x: string, options: O) => string;
  /** WGSL helper snippets the expression calls (see `elementwise_wgsl.ts`). */
  helpers?: WgslHelper[];
  /** Integer semantics, when the op accepts int32. */
  intFn?: (x: number) => number;
  /** WGSL of the integer op on a `vec4<i32>` expression `x`. */
  wgslInt?: (x: string) => string;
  /** Range of random inputs for cases (default `[-4, 4]`). */
  range?: [number, number];
  /**
   * Grid step of random inputs (default: none, uniform values). Ops with discontinuities (FLOOR,
   * ROUND) use a power of two so that f16 storage does not move inputs across a step.
   */
  step?: number;
  /**
   * Extra fixed edge values to test (±0, large, tiny...). No subnormals: GPUs may flush them to zero
   * (WebGPU allows it), so they would test the device's denormal mode, not the kernel.
   */
  edges?: number[];
  /** Special values to test where the op defines the result (NaN, ±Infinity); default none. */
  specials?: number[];
  /** Option sets to test (default one empty set). */
  optionSets?: NodeOptions[];
  /** Whether f16 makes sense (default `true`). */
  f16?: boolean;
  /** Further cases of the op. */
  extraCases?: OpCase[];
}

const SHAPES: number[][] = [
  [1, 8, 8, 3],
  [1, 5, 7, 5],
  [2, 3, 4, 8],
  [17],
  [3, 11],
  [1, 64, 64, 7],
  [1, 1, 1, 1],
];

const DEFAULT_EDGES = [0, -0, 1e-7, -1e-7, 3.5, -3.5, 100, -100];

/**
 * Builds the kernel of a unary elementwise op.
 *
 * @example
 * ```ts
 * import { unaryKernel } from "./unary.ts";
 * const relu = unaryKernel({ name: "RELU", fn: (x) => Math.max(0, x), wgsl: (x) => `max(${x}, vec4<f32>(0.0))` });
 * if (relu.name !== "RELU") throw new Error("wrong");
 * ```
 *
 * @param spec The op's semantics.
 * @returns The kernel.
 */
export function unaryKernel<O = Record<string, never>>(
  spec: UnarySpec<O>,
): KernelDef<O> {
  return {
    name: spec.name,
    // Each thread reads input element i before writing output element i: outputs may overwrite
    // a same-shape input that dies at the node.
    traits: { inPlace: true },
    optionsType: spec.optionsType,
    f16: spec.f16 ?? true,
    parse({ options, inputs }) {
      if (inputs.length < 1 || !inputs[0]) {
        throw new OpError(`${spec.name} needs 1 input`);
      }
      return spec.parse ? spec.parse(options) : ({} as O);
    },
    infer({ inputs }): TensorSpec[] {
      const x = inputs[0]!;
      if (x.dtype !== "float32" && !(x.dtype === "int32" && spec.intFn)) {
        throw new OpError(`${spec.name}: dtype ${x.dtype} is not supported`);
      }
      return [{ dtype: x.dtype, shape: [...x.shape] }];
    },
    reference({ inputs, options, outputs }): HostTensor[] {
      const x = inputs[0]!;
      const out = allocTensor(outputs[0].dtype, outputs[0].shape);
      const f = x.dtype === "int32"
        ? (v: number) => spec.intFn!(v)
        : (v: number) => spec.fn(v, options);
      for (let i = 0; i < out.data.length; i++) {
        out.data[i] = f(readNumber(x, i));
      }
      return [out];
    },
    gpu: {
      unsupported({ inputs }) {
        const dtype = inputs[0]?.dtype;
        if (dtype === "int32" && !spec.wgslInt) {
          return `${spec.name} runs on the GPU in float only`;
        }
        return undefined;
      },
      plan({ inputs, outputs, options }) {
        const out: GpuTensorInfo = outputs[0];
        const n = out.shape4[0] * out.shape4[1] * out.shape4[2] * out.slices;
        const expr = inputs[0]?.dtype === "int32" ? spec.wgslInt!("x") : spec.wgsl("x", options);
        return [{
          label: spec.name,
          code: wgslHelpers(spec.helpers ?? []) +
            main1d(n, `  let x = x_load(i);\n  y_store(i, ${expr});`),
          bindings: [
            { kind: "input", index: 0, name: "x" },
            { kind: "output", index: 0, name: "y" },
          ],
          dispatch: dispatch1d(n),
        }];
      },
    },
    cases(): OpCase[] {
      const sets = spec.optionSets ?? [{}];
      const range = spec.range ?? [-4, 4];
      const cases: OpCase[] = [];
      SHAPES.forEach((shape, i) => {
        const options = sets[i % sets.length];
        const name = `[${shape}] ${JSON.stringify(options)}`;
        const data = spec.step
          ? gridValues({ shape, range, step: spec.step, seed: i + 1 })
          : undefined;
        cases.push({ name, inputs: [{ dtype: "float32", shape, range, data }], options });
      });
      const edges = spec.edges ?? DEFAULT_EDGES;
      const specials = spec.specials ?? [];
      assertNoSubnormals(spec.name, [...edges, ...specials]);
      sets.forEach((options, k) => {
        const parsed = spec.parse ? spec.parse(options) : ({} as O);
        const survives = (v: number[]) => f16Survives([v], (x) => spec.fn(x, parsed));
        const opt = JSON.stringify(options);
        cases.push({
          name: `edges ${JSON.stringify(edges)} ${opt}`,
          inputs: [{ dtype: "float32", shape: [edges.length], data: edges }],
          options,
          f16: survives(edges),
        });
        if (specials.length > 0 && k === 0) {
          const vals = [...specials, 1.5, -2.5];
          cases.push({
            name: `specials [${vals}] ${opt}`,
            inputs: [{ dtype: "float32", shape: [vals.length], data: vals }],
            options,
            f16: survives(vals),
          });
        }
      });
      if (spec.intFn && spec.wgslInt) {
        for (const shape of [[1, 5, 5, 3], [37]]) {
          cases.push({
            name: `int32 [${shape}]`,
            inputs: [{ dtype: "int32", shape, range: [-50, 50] }],
            options: sets[0],
          });
        }
      }
      return [...cases, ...(spec.extraCases ?? [])];
    },
  };
}
