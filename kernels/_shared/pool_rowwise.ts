/**
 * A factory for normalisations along the last axis (SOFTMAX, LOG_SOFTMAX, L2_NORMALIZATION): each
 * row (one `(b, h, w)` position of PHWC4, its channels spread over slices) is reduced to a statistic
 * and then every element is rewritten from it. Softmax subtracts the row maximum first, as TensorFlow
 * Lite does. Short rows run one thread per row; long rows (classifier heads) one workgroup per row.
 *
 * @module
 */
import type {
  GpuProgram,
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
} from "../../core/kernel.ts";
import type { NodeOptions } from "../../core/ir.ts";
import { OpError } from "../../core/errors.ts";
import { activationOption, applyActivation, floatOption } from "./options.ts";
import { allocTensor, readNumber } from "./tensor.ts";
import { activationWgsl, dispatch1d, f32Lit, type FusedActivation, main1d } from "../_gpu/wgsl.ts";
import { GROUP_WG, groupDispatch, groupMain, groupReduceFn } from "./pool_wgsl.ts";

/** Parsed options of a row-wise normalisation. */
export interface RowOptions {
  /** Softmax temperature (1 for the others). */
  beta: number;
  /** Fused activation (NONE for the softmaxes). */
  activation: FusedActivation;
}

/** The three normalisations. */
export type RowKind = "softmax" | "log_softmax" | "l2";

/** TensorFlow Lite's floor on the L2 norm. */
export const L2_EPSILON = 1e-6;

interface RowRule {
  /** Whether the row maximum is needed. */
  needsMax: boolean;
  /** Host: summand of element `x` given row max `m`. */
  term: (x: number, m: number, o: RowOptions) => number;
  /** Host: output of `x` given the max and the sum of terms. */
  out: (x: number, m: number, sum: number, o: RowOptions) => number;
  /** WGSL summand of `vec4<f32>` `v`, max `mx`. */
  termWgsl: (o: RowOptions) => string;
  /** WGSL output of `v` given `mx` and `total`. */
  outWgsl: (o: RowOptions) => string;
}

const RULES: Readonly<Record<RowKind, RowRule>> = {
  softmax: {
    needsMax: true,
    term: (x, m, o) => Math.exp((x - m) * o.beta),
    out: (x, m, sum, o) => Math.exp((x - m) * o.beta) / sum,
    termWgsl: (o) => `exp((v - vec4<f32>(mx)) * ${f32Lit(o.beta)})`,
    outWgsl: (o) => `exp((v - vec4<f32>(mx)) * ${f32Lit(o.beta)}) / total`,
  },
  log_softmax: {
    needsMax: true,
    term: (x, m) => Math.exp(x - m),
    out: (x, m, sum) => x - m - Math.log(sum),
    termWgsl: () => `exp(v - vec4<f32>(mx))`,
    outWgsl: () => `v - vec4<f32>(mx + log(total))`,
  },
  l2: {
    needsMax: false,
    term: (x) => x * x,
    out: (x, _m, sum, o) => applyActivation(o.activation, x / Math.max(Math.sqrt(sum), L2_EPSILON)),
    termWgsl: () => `v * v`,
    outWgsl: (o) => activationWgsl(o.activation, `v / max(sqrt(total), ${f32Lit(L2_EPSILON)})`),
  },
};

/** How to build one row-wise normalisation. */
export interface RowSpec {
  /** Builtin op name. */
  name: string;
  /** Options table name. */
  optionsType: string;
  /** Which normalisation. */
  kind: RowKind;
  /** Reads the options. */
  parse: (options: NodeOptions) => RowOptions;
}

/**
 * Options of SOFTMAX: `beta` (schema default 0, as TensorFlow Lite reads an absent field).
 *
 * @example
 * ```ts
 * import { softmaxOptions } from "./pool_rowwise.ts";
 * if (softmaxOptions({ beta: 2 }).beta !== 2) throw new Error("wrong");
 * ```
 *
 * @param options Raw options.
 * @returns Parsed options.
 */
export function softmaxOptions(options: NodeOptions): RowOptions {
  return { beta: floatOption("SOFTMAX", options, "beta", 0), activation: "NONE" };
}

/**
 * Options of L2_NORMALIZATION: the fused activation.
 *
 * @example
 * ```ts
 * import { l2NormOptions } from "./pool_rowwise.ts";
 * if (l2NormOptions({}).activation !== "NONE") throw new Error("wrong");
 * ```
 *
 * @param options Raw options.
 * @returns Parsed options.
 */
export function l2NormOptions(options: NodeOptions): RowOptions {
  return { beta: 1, activation: activationOption("L2_NORMALIZATION", options) };
}

function rowReference(kind: RowKind, x: HostTensor, o: RowOptions): HostTensor {
  const rule = RULES[kind];
  const out = allocTensor("float32", x.shape);
  const C = x.shape.at(-1) ?? 1;
  for (let base = 0; base < x.data.length; base += C) {
    let m = -Infinity;
    if (rule.needsMax) { for (let c = 0; c < C; c++) m = Math.max(m, readNumber(x, base + c)); }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += rule.term(readNumber(x, base + c), m, o);
    for (let c = 0; c < C; c++) out.data[base + c] = rule.out(readNumber(x, base + c), m, sum, o);
  }
  return out;
}

/** Rows of at least this many slices run one workgroup per row. */
export const GROUP_ROW_SLICES = 16;

function rowPlan(
  spec: RowSpec,
  x: GpuTensorInfo,
  o: RowOptions,
  maxPerDim: number,
): GpuProgram[] {
  const rule = RULES[spec.kind];
  const [B, H, W, C] = x.shape4;
  const S = x.slices;
  const n = B * H * W;
  const group = S >= GROUP_ROW_SLICES;
  const loop = group
    ? `for (var s = i32(lid); s < ${S}; s += ${GROUP_WG})`
    : `for (var s = 0; s < ${S}; s++)`;
  const low = "-3.4028234663852886e38";
  const mask = (v: string, fill: string) =>
    C % 4 === 0
      ? v
      : `select(vec4<f32>(${fill}), ${v}, vec4<i32>(0, 1, 2, 3) + s * 4 < vec4<i32>(${C}))`;
  let body = `  let w = i % ${W};
  let h = (i / ${W}) % ${H};
  let b = i / ${W * H};
`;
  if (rule.needsMax) {
    body += `  var m4 = vec4<f32>(${low});
  ${loop} { m4 = max(m4, ${mask("x_vec(b, h, w, s)", low)}); }
`;
    if (group) body += `  m4 = group_max(lid, m4);\n`;
    body += `  let mx = max(max(m4.x, m4.y), max(m4.z, m4.w));\n`;
  }
  body += `  var acc = vec4<f32>(0.0);
  ${loop} {
    let v = x_vec(b, h, w, s);
    acc += ${mask(rule.termWgsl(o), "0.0")};
  }
`;
  if (group) body += `  acc = group_sum(lid, acc);\n`;
  body += `  let total = acc.x + acc.y + acc.z + acc.w;
  ${loop} {
    let v = x_vec(b, h, w, s);
    y_store(y_idx(b, h, w, s), ${rule.outWgsl(o)});
  }`;
  const fns = `fn cmax(a: vec4<f32>, b: vec4<f32>) -> vec4<f32> { return max(a, b); }
fn csum(a: vec4<f32>, b: vec4<f32>) -> vec4<f32> { return a + b; }
`;
  return [{
    label: `${spec.name}${group ? " (workgroup)" : ""}`,
    code: group
      ? fns + groupReduceFn("group_max", "cmax") + groupReduceFn("group_sum", "csum") +
        groupMain(n, body)
      : main1d(n, body),
    bindings: [{ kind: "input", index: 0, name: "x" }, { kind: "output", index: 0, name: "y" }],
    dispatch: group ? groupDispatch(n, maxPerDim) : dispatch1d(n, undefined, maxPerDim),
  }];
}

const ROW_SHAPES: number[][] = [
  [2, 10],
  [1, 1001],
  [1, 8, 8, 21],
  [3, 5, 7],
  [4, 3],
  [17],
  [2, 4, 4, 5],
  [1, 1, 1, 1],
  [1, 2, 3, 64],
];

/**
 * Builds a row-wise normalisation kernel.
 *
 * @example
 * ```ts
 * import { rowKernel, softmaxOptions } from "./pool_rowwise.ts";
 * const k = rowKernel({ name: "SOFTMAX", optionsType: "SoftmaxOptions", kind: "softmax", parse: softmaxOptions });
 * if (k.name !== "SOFTMAX") throw new Error("wrong");
 * ```
 *
 * @param spec The op's semantics.
 * @returns The kernel.
 */
export function rowKernel(spec: RowSpec): KernelDef<RowOptions> {
  const op = spec.name;
  const optionSets: NodeOptions[] = spec.kind === "softmax"
    ? [{ beta: 1 }, { beta: 0.5 }, { beta: 2 }]
    : spec.kind === "l2"
    ? [{ fusedActivationFunction: "NONE" }, { fusedActivationFunction: "RELU" }]
    : [{}];
  return {
    name: op,
    optionsType: spec.optionsType,
    parse({ options, inputs }) {
      if (inputs.length !== 1 || !inputs[0]) {
        throw new OpError(`${op} needs 1 input, got ${inputs.length}`);
      }
      return spec.parse(options);
    },
    infer({ inputs }) {
      const x = inputs[0]!;
      if (x.dtype !== "float32") throw new OpError(`${op}: dtype ${x.dtype} is not supported`);
      if (x.shape.length < 1) throw new OpError(`${op}: input must have rank >= 1, got a scalar`);
      return [{ dtype: "float32", shape: [...x.shape] }];
    },
    reference({ inputs, options }) {
      return [rowReference(spec.kind, inputs[0]!, options)];
    },
    gpu: {
      plan({ inputs, options, limits }) {
        return rowPlan(spec, inputs[0]!, options, limits.maxWorkgroupsPerDimension);
      },
    },
    cases(): OpCase[] {
      const cases: OpCase[] = ROW_SHAPES.map((shape, i) => {
        const options = optionSets[i % optionSets.length];
        return {
          name: `[${shape}] ${JSON.stringify(options)}`,
          inputs: [{ dtype: "float32", shape, range: [-4, 4] }],
          options,
        };
      });
      cases.push({
        name: `[3, 7] wide range ${JSON.stringify(optionSets[0])}`,
        inputs: [{ dtype: "float32", shape: [3, 7], range: [-80, 80] }],
        options: optionSets[0],
      });
      cases.push({
        name: `[3, 6] with a zero row ${JSON.stringify(optionSets[0])}`,
        inputs: [{
          dtype: "float32",
          shape: [3, 6],
          data: [0, 0, 0, 0, 0, 0, 1, -2, 3, -4, 5, -6, 0.5, 0.25, 0, -0.5, 2, 1e-3],
        }],
        options: optionSets[0],
      });
      return cases;
    },
  };
}
