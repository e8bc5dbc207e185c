/**
 * DEPTHWISE_CONV_2D: per-channel 2-D convolution with weights `[1, KH, KW, C * M]` (M the depth
 * multiplier: output channel `c * M + m` reads input channel `c`), optional bias, strides, dilations,
 * SAME/VALID padding and a fused activation.
 *
 * The multiplier is taken from the shapes (`filter channels / input channels`), as TFLite's float
 * kernel does; the `depthMultiplier` option is only checked to be a non-negative integer.
 *
 * @module
 */
import type {
  GpuPlanArgs,
  GpuProgram,
  HostTensor,
  KernelDef,
  OpCase,
  TensorSpec,
} from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import {
  checkBias,
  convAxes,
  type ConvOptions,
  packBias,
  parseConvOptions,
  requireFloat,
} from "../_shared/conv_common.ts";
import { applyActivation, intOption } from "../_shared/options.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { weightBindings } from "../_gpu/conv.ts";
import { activationWgsl, type FusedActivation } from "../_gpu/wgsl.ts";
import { convWorkgroup, groupsFor, type Workgroup } from "../_gpu/workgroup.ts";
import { depthwiseConv2dInteger } from "./quant.ts";
import {
  columnRowsOf,
  depthwiseColumnPrograms,
  depthwiseTuneSpace,
  packDepthwise,
} from "./column.ts";

export { depthwiseColumnPrograms };
import { depthwiseCpuQuant, depthwiseFloat } from "./cpu.ts";

const OP = "DEPTHWISE_CONV_2D";

/** Parsed DEPTHWISE_CONV_2D options. */
export interface DepthwiseConv2DOptions extends ConvOptions {
  /** The `depthMultiplier` option as written (the kernel uses the shapes' ratio). */
  depthMultiplier: number;
}

function axes(x: number[], w: number[], o: ConvOptions) {
  const { oh, ow } = convAxes(o, [x[1], x[2]], [w[1], w[2]]);
  if (oh.out < 1 || ow.out < 1) {
    throw new OpError(
      `${OP}: a ${w[1]}x${
        w[2]
      } filter with dilation ${o.dilationH}x${o.dilationW} does not fit the ${x[1]}x${
        x[2]
      } input with VALID padding`,
    );
  }
  return { oh, ow };
}

/** Blocking and workgroup of the depthwise program. */
export interface DepthwiseTuning {
  /** Output positions per thread along `x`. */
  wb: number;
  /** Workgroup size. */
  wg: Workgroup;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The DEPTHWISE_CONV_2D programs of a node with a chosen blocking and workgroup (the bench compares
 * choices through this). Thread mapping: `x` output columns in blocks of `wb` spread `wg.x` apart,
 * `y` batch x output rows, `z` output slices; each weight vec4 serves `wb` positions.
 *
 * @example
 * ```ts ignore
 * const progs = depthwisePrograms(args, { wb: 2, wg: [8, 8, 4] });
 * ```
 *
 * @param args Plan arguments.
 * @param tuning Blocking and workgroup (default: `wb` 1, `convWorkgroup`). Positions of one thread
 *   sit `wg.x` apart and share no input, so blocking only saves the one weight vec4 per tap; the
 *   bench's `wb2`/`wb4` rows decide on a real GPU (lavapipe timings were noise either way).
 * @returns The programs.
 */
export function depthwisePrograms(
  args: GpuPlanArgs<DepthwiseConv2DOptions>,
  tuning?: Partial<DepthwiseTuning>,
): GpuProgram[] {
  const { inputs, outputs, options: o, limits } = args;
  const x = inputs[0]!;
  const w = inputs[1]!;
  const out = outputs[0];
  const [, IH, IW, C] = x.shape4;
  const [B, OH, OW, OC] = out.shape4;
  const KH = w.shape[1];
  const KW = w.shape[2];
  const M = OC / C;
  const OS = out.slices;
  const { oh, ow } = axes(x.shape, w.shape, o);
  const [PT, PL] = [oh.before, ow.before];
  const wb = tuning?.wb ?? 1;
  const grid: Workgroup = [Math.ceil(OW / wb), B * OH, OS];
  const wg = tuning?.wg ?? convWorkgroup(grid, limits);
  // Weights: vec4 per (output slice, tap), zero past OC.
  const packed = packDepthwise(w.value!);
  const bias = packBias(inputs[2]?.value, OC);
  const checkH = PT > 0 || (OH - 1) * o.strideH - PT + (KH - 1) * o.dilationH >= IH;
  const checkW = PL > 0 || (OW - 1) * o.strideW - PL + (KW - 1) * o.dilationW >= IW;
  const J = range(wb);
  const load = (ix: string): string => {
    if (M === 1) return `x_load(x_idx(b, iy, ${ix}, s))`;
    if (M % 4 === 0) {
      return `vec4<f32>(x_load(x_idx(b, iy, ${ix}, cin / 4))[cin % 4])`;
    }
    return `vec4<f32>(${
      range(4).map((l) => `x_load(x_idx(b, iy, ${ix}, ci${l} / 4))[ci${l} % 4]`).join(", ")
    })`;
  };
  let code = `@compute @workgroup_size(${wg[0]}, ${wg[1]}, ${wg[2]})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let gy = i32(wid.y * ${wg[1]}u + lid.y);
  let s = i32(wid.z * ${wg[2]}u + lid.z);
  if (gy >= ${B * OH} || s >= ${OS}) { return; }
  let b = gy / ${OH};
  let oy = gy % ${OH};
  let x0 = i32(wid.x) * ${wg[0] * wb} + i32(lid.x);
  let bv = vec4<f32>(bias[s]);
`;
  if (M > 1 && M % 4 === 0) code += `  let cin = (s * 4) / ${M};\n`;
  if (M > 1 && M % 4 !== 0) {
    for (const l of range(4)) code += `  let ci${l} = min((s * 4 + ${l}) / ${M}, ${C - 1});\n`;
  }
  for (const j of J) {
    code += `  let p${j} = min(x0 + ${j * wg[0]}, ${OW - 1});\n  var acc${j} = bv;\n`;
  }
  code += `  for (var ky = 0; ky < ${KH}; ky++) {
    let iy = oy * ${o.strideH} - ${PT} + ky * ${o.dilationH};
${
    checkH
      ? `    if (iy < 0 || iy >= ${IH}) { continue; }\n`
      : ""
  }    for (var kx = 0; kx < ${KW}; kx++) {
      let wv = vec4<f32>(w[(s * ${KH * KW} + ky * ${KW} + kx)]);
`;
  for (const j of J) {
    code += `      let ix${j} = p${j} * ${o.strideW} - ${PL} + kx * ${o.dilationW};\n`;
    if (checkW) {
      code += `      if (ix${j} >= 0 && ix${j} < ${IW}) { acc${j} += wv * ${load(`ix${j}`)}; }\n`;
    } else code += `      acc${j} += wv * ${load(`ix${j}`)};\n`;
  }
  code += `    }\n  }\n`;
  for (const j of J) {
    code += `  if (x0 + ${j * wg[0]} < ${OW}) { y_store(y_idx(b, oy, p${j}, s), ${
      activationWgsl(o.activation, `acc${j}`)
    }); }\n`;
  }
  code += `}\n`;
  return [{
    label: `depthwise ${KH}x${KW} m${M} wb${wb} wg${wg.join("x")}`,
    code,
    bindings: weightBindings(packed, bias),
    dispatch: groupsFor([OW, grid[1], grid[2]], [wg[0] * wb, wg[1], wg[2]]),
  }];
}

function reference(
  x: HostTensor,
  w: HostTensor,
  bias: HostTensor | undefined,
  o: DepthwiseConv2DOptions,
): HostTensor {
  const [N, H, W, C] = x.shape;
  const [, KH, KW, OC] = w.shape;
  const M = OC / C;
  const { oh, ow } = axes(x.shape, w.shape, o);
  const out = allocTensor("float32", [N, oh.out, ow.out, OC]);
  let k = 0;
  for (let n = 0; n < N; n++) {
    for (let y = 0; y < oh.out; y++) {
      for (let xo = 0; xo < ow.out; xo++) {
        for (let oc = 0; oc < OC; oc++) {
          const c = Math.floor(oc / M);
          let acc = bias ? readNumber(bias, oc) : 0;
          for (let ky = 0; ky < KH; ky++) {
            const iy = y * o.strideH - oh.before + ky * o.dilationH;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = xo * o.strideW - ow.before + kx * o.dilationW;
              if (ix < 0 || ix >= W) continue;
              acc += readNumber(x, ((n * H + iy) * W + ix) * C + c) *
                readNumber(w, (ky * KW + kx) * OC + oc);
            }
          }
          out.data[k++] = applyActivation(o.activation, acc);
        }
      }
    }
  }
  return out;
}

/** One conformance case. */
interface CaseRow {
  x: number[];
  m: number;
  k: [number, number];
  padding: "SAME" | "VALID";
  s: [number, number];
  d: [number, number];
  act: FusedActivation;
  bias: boolean;
}

const CASES: CaseRow[] = [
  {
    x: [1, 8, 8, 3],
    m: 1,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 9, 9, 5],
    m: 1,
    k: [3, 3],
    padding: "VALID",
    s: [2, 2],
    d: [1, 1],
    act: "RELU",
    bias: true,
  },
  {
    x: [2, 7, 7, 7],
    m: 2,
    k: [3, 3],
    padding: "SAME",
    s: [2, 2],
    d: [1, 1],
    act: "RELU6",
    bias: false,
  },
  {
    x: [1, 12, 12, 4],
    m: 16,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "RELU",
    bias: true,
  },
  {
    x: [1, 9, 9, 3],
    m: 3,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "RELU_N1_TO_1",
    bias: true,
  },
  {
    x: [1, 20, 20, 8],
    m: 1,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [2, 2],
    act: "RELU6",
    bias: true,
  },
  {
    x: [1, 24, 24, 8],
    m: 1,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [4, 4],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 33, 33, 16],
    m: 1,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [8, 8],
    act: "RELU6",
    bias: true,
  },
  {
    x: [1, 64, 64, 8],
    m: 1,
    k: [3, 3],
    padding: "SAME",
    s: [2, 2],
    d: [1, 1],
    act: "RELU6",
    bias: true,
  },
  {
    x: [1, 10, 11, 6],
    m: 1,
    k: [5, 5],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "TANH",
    bias: true,
  },
  {
    x: [1, 15, 15, 16],
    m: 1,
    k: [3, 3],
    padding: "VALID",
    s: [2, 2],
    d: [2, 2],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 11, 13, 5],
    m: 1,
    k: [3, 5],
    padding: "SAME",
    s: [2, 1],
    d: [1, 1],
    act: "RELU",
    bias: true,
  },
  {
    x: [2, 16, 16, 32],
    m: 1,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "RELU6",
    bias: true,
  },
  {
    x: [1, 6, 6, 5],
    m: 1,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "SIGN_BIT",
    bias: true,
  },
];

/** The DEPTHWISE_CONV_2D kernel. */
export const depthwiseConv2d: KernelDef<DepthwiseConv2DOptions> = {
  name: OP,
  quant: depthwiseConv2dInteger,
  optionsType: "DepthwiseConv2DOptions",
  parse({ options, inputs }) {
    if (inputs.length < 2 || inputs.length > 3) {
      throw new OpError(`${OP} needs 2 or 3 inputs (input, filter, bias), got ${inputs.length}`);
    }
    return {
      ...parseConvOptions(OP, options),
      depthMultiplier: intOption(OP, options, "depthMultiplier", 0, 0),
    };
  },
  infer({ inputs, options }): TensorSpec[] {
    const x = requireFloat(OP, inputs[0], "input", 4);
    const w = requireFloat(OP, inputs[1], "filter", 4);
    if (w[0] !== 1) {
      throw new OpError(`${OP}: the filter must have shape [1, KH, KW, C*M], got [${w}]`);
    }
    if (w[3] % x[3] !== 0) {
      throw new OpError(
        `${OP}: filter channels (${w[3]}) must be a multiple of input channels (${x[3]})`,
      );
    }
    checkBias(OP, inputs[2], w[3]);
    const { oh, ow } = axes(x, w, options);
    return [{ dtype: "float32", shape: [x[0], oh.out, ow.out, w[3]] }];
  },
  reference({ inputs, options }) {
    return [reference(inputs[0]!, inputs[1]!, inputs[2], options)];
  },
  gpu: {
    unsupported({ inputs }) {
      if (!inputs[1]?.value) return `${OP} runs on the GPU only with a constant filter`;
      if (inputs[2] && !inputs[2].value) return `${OP} runs on the GPU only with a constant bias`;
      return undefined;
    },
    plan(args) {
      // The direct kernel by default (faster on an H100: docs/results/conv_tflops/h100_dawn/);
      // the column kernel when the session asks for it or the autotune chose a row count.
      const rows = columnRowsOf(args.tuning);
      const column = args.variants?.[OP] !== "direct" &&
        (args.variants?.[OP] === "column" || rows !== undefined);
      if (!column) return depthwisePrograms(args);
      return depthwiseColumnPrograms(args, rows) ?? depthwisePrograms(args);
    },
    tune(args) {
      if (args.variants?.[OP] === "direct") return undefined;
      const space = depthwiseTuneSpace(args);
      if (!space || args.variants?.[OP] === "column") return space;
      return { ...space, candidates: [{ kernel: "direct" }, ...space.candidates] };
    },
  },
  cases(): OpCase[] {
    return CASES.map((r) => ({
      name: `[${r.x}] m${r.m} k${r.k.join("x")} ${r.padding} s${r.s.join("x")} d${
        r.d.join("x")
      } ${r.act}${r.bias ? " bias" : ""}`,
      inputs: [
        { dtype: "float32", shape: r.x },
        { dtype: "float32", shape: [1, r.k[0], r.k[1], r.x[3] * r.m], constant: true },
        ...(r.bias ? [{ dtype: "float32" as const, shape: [r.x[3] * r.m], constant: true }] : []),
      ],
      options: {
        padding: r.padding,
        strideH: r.s[0],
        strideW: r.s[1],
        dilationHFactor: r.d[0],
        dilationWFactor: r.d[1],
        depthMultiplier: r.m,
        fusedActivationFunction: r.act,
      },
      // SIGN_BIT flips on values near zero, which f16 storage may round across.
      f16: r.act !== "SIGN_BIT",
    }));
  },
  traits: { split: "input" },
  cpu: { float: depthwiseFloat, quant: depthwiseCpuQuant },
};
