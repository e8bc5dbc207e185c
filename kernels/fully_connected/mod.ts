/**
 * FULLY_CONNECTED: `y = x W^T + b` with weights `[O, I]`, the input flattened to `[N, I]` rows
 * (`N = elements / I`), output `[N, O]`, or with `keepNumDims` the input's shape with its last
 * dimension replaced by `O`; optional bias and fused activation.
 *
 * GPU: when each row is one position of the input (its last dimension is `I`), the node is a
 * pointwise conv over the rows and runs the shared GEMM kernel (`kernels/_shared/conv_gemm.ts`,
 * mapping from `gemmMapping`: a coalesced GEMV for one or two rows, split reductions for few rows).
 * Otherwise one workgroup per (row, output slice) splits the `I / 4` input slices over its threads
 * and sums the partial `vec4`s in workgroup memory. Weights are O4I4 (a 1x1 conv's layout).
 *
 * @module
 */
import type {
  GpuProgram,
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  TensorSpec,
} from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { checkBias, packBias, packO4I4, requireFloat } from "../_shared/conv_common.ts";
import { activationOption, applyActivation, boolOption, enumOption } from "../_shared/options.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { activationWgsl, type FusedActivation } from "../_gpu/wgsl.ts";
import { type GemmMapping, gemmMapping } from "../_gpu/workgroup.ts";
import { weightBindings } from "../_gpu/conv.ts";
import { gemmProgram } from "../_shared/conv_gemm.ts";
import { fullyConnectedInteger } from "./quant.ts";
import { fullyConnectedCpuQuant, fullyConnectedFloat } from "./cpu.ts";

const OP = "FULLY_CONNECTED";

/** Parsed FULLY_CONNECTED options. */
export interface FullyConnectedOptions {
  /** Fused activation. */
  activation: FusedActivation;
  /** Whether the output keeps the input's leading dimensions. */
  keepNumDims: boolean;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * The FULLY_CONNECTED program of the flattened path: `reduce` threads per workgroup (default: the
 * input slices rounded up to a power of two, at most 64). With `gemm`, inputs whose rows are
 * positions (last dimension `I`) run the shared GEMM kernel with that mapping instead.
 *
 * @example
 * ```ts ignore
 * const [prog] = fullyConnectedPrograms({ input, output, weights, bias, activation: "NONE" });
 * ```
 *
 * @param args Tensors, constant weights and bias, activation, threads per row.
 * @returns The programs.
 */
export function fullyConnectedPrograms(args: {
  input: GpuTensorInfo;
  output: GpuTensorInfo;
  weights: HostTensor;
  bias?: HostTensor;
  activation: FusedActivation;
  reduce?: number;
  maxWorkgroupsPerDimension?: number;
  gemm?: GemmMapping;
}): GpuProgram[] {
  const { input: x, output: y } = args;
  const [O, I] = args.weights.shape;
  const IS = Math.ceil(I / 4);
  const OS = y.slices;
  const N = x.shape.reduce((a, b) => a * b, 1) / I;
  const R = args.reduce ?? Math.min(64, nextPow2(IS));
  const maxY = args.maxWorkgroupsPerDimension ?? 65535;
  const [, XH, XW, XC] = x.shape4;
  const [, OH, OW] = y.shape4;
  const fast = XC === I;
  const filter = { ...args.weights, shape: [O, 1, 1, I] };
  if (fast && args.gemm) {
    return [gemmProgram({
      m: N,
      inHW: XH * XW,
      outHW: OH * OW,
      inSlices: IS,
      outSlices: OS,
      activation: args.activation,
      weights: packO4I4(filter, I),
      bias: packBias(args.bias, O),
      maxWorkgroupsPerDimension: args.maxWorkgroupsPerDimension,
    }, args.gemm)];
  }
  // Row r of the input and output as (b, h, w) of their PHWC4 layouts.
  let code = `var<workgroup> part: array<vec4<f32>, ${R}>;
fn load_row(r: i32, si: i32) -> vec4<f32> {
`;
  if (fast) {
    code += `  return x_load(x_idx(r / ${XW * XH}, (r / ${XW}) % ${XH}, r % ${XW}, si));\n}\n`;
  } else {
    code += `  var v = vec4<f32>(0.0);
  for (var l = 0; l < 4; l++) {
    let k = si * 4 + l;
    if (k < ${I}) {
      let f = r * ${I} + k;
      v[l] = x_at(f / ${XC * XW * XH}, (f / ${XC * XW}) % ${XH}, (f / ${XC}) % ${XW}, f % ${XC});
    }
  }
  return v;
}
`;
  }
  code += `@compute @workgroup_size(${R})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let os = i32(wid.x);
  let r = i32(wid.y + wid.z * ${maxY}u);
  if (r >= ${N}) { return; }
  let t = i32(lid.x);
  var acc = vec4<f32>(0.0);
  for (var si = t; si < ${IS}; si += ${R}) {
    let xv = load_row(r, si);
    let wi = (os * ${IS} + si) * 4;
    acc += vec4<f32>(w[wi]) * xv.x + vec4<f32>(w[wi + 1]) * xv.y + vec4<f32>(w[wi + 2]) * xv.z + vec4<f32>(w[wi + 3]) * xv.w;
  }
  part[t] = acc;
  workgroupBarrier();
`;
  for (let s = R / 2; s >= 1; s /= 2) {
    code += `  if (t < ${s}) { part[t] += part[t + ${s}]; }\n  workgroupBarrier();\n`;
  }
  code += `  if (t == 0) {
    let v = part[0] + vec4<f32>(bias[os]);
    y_store(y_idx(r / ${OW * OH}, (r / ${OW}) % ${OH}, r % ${OW}, os), ${
    activationWgsl(args.activation, "v")
  });
  }
}
`;
  return [{
    label: `fully connected ${fast ? "rows" : "flattened"} r${R}`,
    code,
    bindings: weightBindings(packO4I4(filter, I), packBias(args.bias, O)),
    dispatch: [OS, Math.min(N, maxY), Math.ceil(N / maxY)],
  }];
}

/** `[input shape, I, output channels, keepNumDims, activation, bias]` per case. */
const CASES: [number[], number, number, boolean, FusedActivation, boolean][] = [
  [[1, 16], 16, 10, false, "NONE", true],
  [[3, 37], 37, 7, false, "RELU", false],
  [[2, 3, 5], 5, 4, false, "NONE", true],
  [[2, 3, 5], 15, 4, false, "RELU", true],
  [[2, 3, 5], 5, 9, true, "RELU6", true],
  [[1, 4, 4, 8], 128, 10, false, "NONE", true],
  [[1, 512], 512, 250, false, "TANH", true],
  [[5, 64], 64, 33, false, "RELU_N1_TO_1", true],
  [[1, 2, 2, 12], 12, 6, true, "RELU", true],
  [[3, 1, 1, 3], 3, 1, false, "NONE", true],
  // GEMM paths: a classifier GEMV, two rows, a split reduction over few rows, keepNumDims rows.
  [[1, 1024], 1024, 1001, false, "NONE", true],
  [[2, 300], 300, 70, false, "RELU6", true],
  [[12, 520], 520, 24, false, "RELU", true],
  [[4, 3, 256], 256, 30, true, "NONE", false],
];

/** The FULLY_CONNECTED kernel. */
export const fullyConnected: KernelDef<FullyConnectedOptions> = {
  name: OP,
  quant: fullyConnectedInteger,
  optionsType: "FullyConnectedOptions",
  parse({ options, inputs }) {
    if (inputs.length < 2 || inputs.length > 3) {
      throw new OpError(`${OP} needs 2 or 3 inputs (input, weights, bias), got ${inputs.length}`);
    }
    enumOption(OP, options, "weightsFormat", ["DEFAULT"], "DEFAULT");
    return {
      activation: activationOption(OP, options),
      keepNumDims: boolOption(OP, options, "keepNumDims", false),
    };
  },
  infer({ inputs, options }): TensorSpec[] {
    const x = requireFloat(OP, inputs[0], "input");
    const w = requireFloat(OP, inputs[1], "weights", 2);
    const [O, I] = w;
    const n = x.reduce((a, b) => a * b, 1);
    if (x.length === 0 || n % I !== 0) {
      throw new OpError(
        `${OP}: input [${x}] cannot be flattened into rows of ${I} (the weights' I)`,
      );
    }
    checkBias(OP, inputs[2], O);
    if (options.keepNumDims) {
      if (x[x.length - 1] !== I) {
        throw new OpError(
          `${OP}: with keepNumDims the input's last dimension (${
            x.at(-1)
          }) must equal the weights' I (${I})`,
        );
      }
      return [{ dtype: "float32", shape: [...x.slice(0, -1), O] }];
    }
    return [{ dtype: "float32", shape: [n / I, O] }];
  },
  reference({ inputs, options, outputs }) {
    const [x, w, b] = inputs;
    const [O, I] = w!.shape;
    const out = allocTensor("float32", outputs[0].shape);
    const N = x!.data.length / I;
    for (let r = 0; r < N; r++) {
      for (let o = 0; o < O; o++) {
        let acc = b ? readNumber(b, o) : 0;
        for (let i = 0; i < I; i++) acc += readNumber(x!, r * I + i) * readNumber(w!, o * I + i);
        out.data[r * O + o] = applyActivation(options.activation, acc);
      }
    }
    return [out];
  },
  gpu: {
    unsupported({ inputs }) {
      if (!inputs[1]?.value) return `${OP} runs on the GPU only with constant weights`;
      if (inputs[2] && !inputs[2].value) return `${OP} runs on the GPU only with a constant bias`;
      return undefined;
    },
    plan({ inputs, outputs, options, limits }) {
      const [O, I] = inputs[1]!.shape;
      const m = inputs[0]!.shape.reduce((a, b) => a * b, 1) / I;
      const gemm = gemmMapping(
        { m, inSlices: Math.ceil(I / 4), outSlices: Math.ceil(O / 4) },
        limits,
      );
      return fullyConnectedPrograms({
        gemm,
        input: inputs[0]!,
        output: outputs[0],
        weights: inputs[1]!.value!,
        bias: inputs[2]?.value,
        activation: options.activation,
        reduce: Math.min(64, limits.maxInvocations, nextPow2(Math.ceil(inputs[1]!.shape[1] / 4))),
        maxWorkgroupsPerDimension: limits.maxWorkgroupsPerDimension,
      });
    },
  },
  cases(): OpCase[] {
    return CASES.map(([x, I, o, keep, act, bias]) => ({
      name: `[${x}] i${I} o${o}${keep ? " keepNumDims" : ""} ${act}${bias ? " bias" : ""}`,
      inputs: [
        { dtype: "float32", shape: x },
        { dtype: "float32", shape: [o, I], constant: true },
        ...(bias ? [{ dtype: "float32" as const, shape: [o], constant: true }] : []),
      ],
      options: { fusedActivationFunction: act, keepNumDims: keep },
    }));
  },
  traits: { split: "weights" },
  cpu: { float: fullyConnectedFloat, quant: fullyConnectedCpuQuant },
};
