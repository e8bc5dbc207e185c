/**
 * CONV_2D: 2-D convolution of an NHWC input with OHWI weights, optional bias, strides, dilations,
 * SAME/VALID padding, a fused activation, and grouped convolution (input channels a multiple of the
 * filter's).
 *
 * @module
 */
import type {
  GpuPlanArgs,
  GpuProgram,
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  OpCase,
  TensorSpec,
} from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import {
  checkBias,
  convAxis,
  type ConvOptions,
  packBias,
  packO4I4,
  parseConvOptions,
  requireFloat,
} from "../_shared/conv_common.ts";
import { applyActivation } from "../_shared/options.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { convWorkgroup, type GemmMapping, gemmMapping } from "../_gpu/workgroup.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { gemmProgram } from "../_shared/conv_gemm.ts";
import {
  convBlocking,
  type ConvGeometry,
  convGrid,
  convProgram,
  type ConvTuning,
  isPointwise,
} from "./wgsl.ts";
import { conv2dInteger } from "./quant.ts";
import { conv2dCpuQuant, conv2dFloat } from "./cpu.ts";

const OP = "CONV_2D";

/** Parsed CONV_2D options. */
export type Conv2DOptions = ConvOptions;

function geometry(
  input: number[],
  filter: number[],
  o: Conv2DOptions,
): { oh: AxisOut; ow: AxisOut } {
  const oh = convAxis({
    padding: o.padding,
    size: input[1],
    kernel: filter[1],
    stride: o.strideH,
    dilation: o.dilationH,
  });
  const ow = convAxis({
    padding: o.padding,
    size: input[2],
    kernel: filter[2],
    stride: o.strideW,
    dilation: o.dilationW,
  });
  if (oh.out < 1 || ow.out < 1) {
    throw new OpError(
      `${OP}: a ${filter[1]}x${
        filter[2]
      } filter with dilation ${o.dilationH}x${o.dilationW} does not fit the ${input[1]}x${
        input[2]
      } input with VALID padding`,
    );
  }
  return { oh, ow };
}

type AxisOut = { out: number; before: number };

/**
 * The CONV_2D programs for a node with a chosen blocking and workgroup (the bench compares choices
 * through this); `conv2d.gpu.plan` calls it with the defaults.
 *
 * Pointwise convs (1x1, stride 1, no padding) run as a GEMM over flattened positions
 * (`gemmProgram`, mapping from `gemmMapping` or `tuning.gemm`) unless the tuning names a direct
 * blocking (`wb`, `sb` or `wg`); other convs run the direct kernel of `./wgsl.ts`.
 *
 * @example
 * ```ts ignore
 * const progs = conv2dPrograms(args, { wb: 2, sb: 1, wg: [8, 8, 4] });
 * ```
 *
 * @param args Plan arguments of the node.
 * @param tuning Blocking and workgroup (default: `convBlocking` and `convWorkgroup`).
 * @returns The programs.
 */
export function conv2dPrograms(
  args: GpuPlanArgs<Conv2DOptions>,
  tuning?: Partial<ConvTuning> & { gemm?: GemmMapping },
): GpuProgram[] {
  const { inputs, outputs, options: o, limits } = args;
  const x = inputs[0] as GpuTensorInfo;
  const filter = inputs[1] as GpuTensorInfo;
  const { oh, ow } = geometry(x.shape, filter.shape, o);
  const g: ConvGeometry = {
    input: x,
    output: outputs[0],
    kernel: [filter.shape[1], filter.shape[2]],
    stride: [o.strideH, o.strideW],
    dilation: [o.dilationH, o.dilationW],
    pad: [oh.before, ow.before],
    activation: o.activation,
  };
  const weights = packO4I4(filter.value!, x.shape[3]);
  const bias = packBias(inputs[2]?.value, filter.shape[0]);
  const direct = tuning?.wb !== undefined || tuning?.sb !== undefined || tuning?.wg !== undefined;
  if (isPointwise(g) && !direct) {
    const [B, H, W] = g.output.shape4;
    const shape = { m: B * H * W, inSlices: x.slices, outSlices: g.output.slices };
    const problem = {
      ...shape,
      inHW: H * W,
      outHW: H * W,
      activation: o.activation,
      weights,
      bias,
      maxWorkgroupsPerDimension: limits.maxWorkgroupsPerDimension,
    };
    return [gemmProgram(problem, tuning?.gemm ?? gemmMapping(shape, limits))];
  }
  const block = { ...convBlocking(g), ...tuning };
  const wg = tuning?.wg ?? convWorkgroup(convGrid(g, block), limits);
  return [convProgram(g, { wb: block.wb, sb: block.sb, wg }, weights, bias)];
}

/**
 * Reference convolution in float64 (grouped when the input has more channels than the filter).
 *
 * @example
 * ```ts ignore
 * const y = conv2dReference(x, w, b, options);
 * ```
 *
 * @param x Input `[N, H, W, C]`.
 * @param w Filter `[O, KH, KW, I]`.
 * @param bias Optional bias `[O]`.
 * @param o Options.
 * @returns Output `[N, OH, OW, O]`.
 */
function conv2dReference(
  x: HostTensor,
  w: HostTensor,
  bias: HostTensor | undefined,
  o: Conv2DOptions,
): HostTensor {
  const [N, H, W, C] = x.shape;
  const [O, KH, KW, I] = w.shape;
  const { oh, ow } = geometry(x.shape, w.shape, o);
  const perGroup = O / (C / I);
  const out = allocTensor("float32", [N, oh.out, ow.out, O]);
  let k = 0;
  for (let n = 0; n < N; n++) {
    for (let y = 0; y < oh.out; y++) {
      for (let xo = 0; xo < ow.out; xo++) {
        for (let oc = 0; oc < O; oc++) {
          const c0 = Math.floor(oc / perGroup) * I;
          let acc = bias ? readNumber(bias, oc) : 0;
          for (let ky = 0; ky < KH; ky++) {
            const iy = y * o.strideH - oh.before + ky * o.dilationH;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = xo * o.strideW - ow.before + kx * o.dilationW;
              if (ix < 0 || ix >= W) continue;
              const xb = ((n * H + iy) * W + ix) * C + c0;
              const wb = ((oc * KH + ky) * KW + kx) * I;
              for (let i = 0; i < I; i++) acc += readNumber(x, xb + i) * readNumber(w, wb + i);
            }
          }
          out.data[k++] = applyActivation(o.activation, acc);
        }
      }
    }
  }
  return out;
}

/** One conformance case of the table below. */
interface CaseRow {
  /** Input shape NHWC. */
  x: number[];
  /** Output channels. */
  o: number;
  /** Kernel `[h, w]`. */
  k: [number, number];
  padding: "SAME" | "VALID";
  /** Strides `[h, w]`. */
  s: [number, number];
  /** Dilations `[h, w]`. */
  d: [number, number];
  act: FusedActivation;
  bias: boolean;
  /** Groups (default 1). */
  groups?: number;
}

const CASES: CaseRow[] = [
  {
    x: [1, 8, 8, 3],
    o: 5,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 9, 9, 5],
    o: 7,
    k: [3, 3],
    padding: "VALID",
    s: [2, 2],
    d: [1, 1],
    act: "RELU",
    bias: true,
  },
  {
    x: [2, 7, 7, 7],
    o: 8,
    k: [5, 5],
    padding: "SAME",
    s: [2, 2],
    d: [1, 1],
    act: "RELU6",
    bias: false,
  },
  {
    x: [1, 16, 16, 8],
    o: 16,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [2, 2],
    act: "RELU_N1_TO_1",
    bias: true,
  },
  {
    x: [1, 17, 17, 4],
    o: 4,
    k: [3, 3],
    padding: "VALID",
    s: [1, 1],
    d: [2, 2],
    act: "TANH",
    bias: true,
  },
  {
    x: [1, 20, 20, 8],
    o: 8,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [4, 4],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 13, 13, 6],
    o: 9,
    k: [3, 3],
    padding: "SAME",
    s: [2, 2],
    d: [2, 2],
    act: "RELU",
    bias: true,
  },
  {
    x: [1, 32, 32, 16],
    o: 24,
    k: [1, 1],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "RELU6",
    bias: true,
  },
  {
    x: [2, 12, 12, 7],
    o: 5,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: false,
  },
  {
    x: [1, 15, 15, 16],
    o: 8,
    k: [1, 1],
    padding: "SAME",
    s: [2, 2],
    d: [1, 1],
    act: "RELU",
    bias: true,
  },
  {
    x: [1, 64, 64, 3],
    o: 8,
    k: [3, 3],
    padding: "SAME",
    s: [2, 2],
    d: [1, 1],
    act: "RELU6",
    bias: true,
  },
  {
    x: [1, 10, 12, 3],
    o: 5,
    k: [5, 5],
    padding: "VALID",
    s: [2, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 11, 9, 4],
    o: 6,
    k: [3, 5],
    padding: "SAME",
    s: [1, 2],
    d: [1, 2],
    act: "RELU",
    bias: true,
  },
  {
    x: [1, 9, 9, 3],
    o: 4,
    k: [4, 4],
    padding: "SAME",
    s: [2, 2],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 16, 16, 4],
    o: 8,
    k: [2, 2],
    padding: "VALID",
    s: [2, 2],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 1, 1, 32],
    o: 10,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 3, 3, 32],
    o: 1,
    k: [3, 3],
    padding: "VALID",
    s: [3, 3],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 8, 8, 8],
    o: 8,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "RELU",
    bias: true,
    groups: 2,
  },
  {
    x: [1, 6, 6, 5],
    o: 3,
    k: [3, 3],
    padding: "SAME",
    s: [1, 1],
    d: [1, 1],
    act: "SIGN_BIT",
    bias: true,
  },
  // Pointwise GEMM paths: split reductions (few positions, many channels), GEMVs, batch 2.
  {
    x: [1, 7, 7, 256],
    o: 96,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "RELU6",
    bias: true,
  },
  {
    x: [1, 1, 1, 1024],
    o: 1001,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [2, 1, 1, 130],
    o: 37,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "RELU",
    bias: true,
  },
  {
    x: [2, 5, 5, 130],
    o: 70,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "RELU",
    bias: false,
  },
  {
    x: [1, 3, 3, 200],
    o: 9,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
  {
    x: [1, 33, 33, 320],
    o: 21,
    k: [1, 1],
    padding: "VALID",
    s: [1, 1],
    d: [1, 1],
    act: "NONE",
    bias: true,
  },
];

/** The CONV_2D kernel. */
export const conv2d: KernelDef<Conv2DOptions> = {
  name: OP,
  quant: conv2dInteger,
  optionsType: "Conv2DOptions",
  parse({ options, inputs }) {
    if (inputs.length < 2 || inputs.length > 3) {
      throw new OpError(`${OP} needs 2 or 3 inputs (input, filter, bias), got ${inputs.length}`);
    }
    return parseConvOptions(OP, options);
  },
  infer({ inputs, options }): TensorSpec[] {
    const x = requireFloat(OP, inputs[0], "input", 4);
    const w = requireFloat(OP, inputs[1], "filter", 4);
    if (x[3] % w[3] !== 0) {
      throw new OpError(
        `${OP}: input channels (${x[3]}) must be a multiple of the filter's input channels (${
          w[3]
        })`,
      );
    }
    const groups = x[3] / w[3];
    if (w[0] % groups !== 0) {
      throw new OpError(
        `${OP}: output channels (${w[0]}) must be a multiple of the groups (${groups})`,
      );
    }
    checkBias(OP, inputs[2], w[0]);
    const { oh, ow } = geometry(x, w, options);
    return [{ dtype: "float32", shape: [x[0], oh.out, ow.out, w[0]] }];
  },
  reference({ inputs, options }) {
    return [conv2dReference(inputs[0]!, inputs[1]!, inputs[2], options)];
  },
  gpu: {
    unsupported({ inputs }) {
      if (!inputs[1]?.value) return `${OP} runs on the GPU only with a constant filter`;
      if (inputs[2] && !inputs[2].value) {
        return `${OP} runs on the GPU only with a constant bias`;
      }
      return undefined;
    },
    plan(args) {
      return conv2dPrograms(args);
    },
  },
  cases(): OpCase[] {
    return CASES.map((r) => {
      const groups = r.groups ?? 1;
      return {
        name: `[${r.x}] o${r.o} k${r.k.join("x")} ${r.padding} s${r.s.join("x")} d${
          r.d.join("x")
        } ${r.act}${r.bias ? " bias" : ""}${groups > 1 ? ` groups${groups}` : ""}`,
        inputs: [
          { dtype: "float32", shape: r.x },
          {
            dtype: "float32",
            shape: [r.o, r.k[0], r.k[1], r.x[3] / groups],
            constant: true,
          },
          ...(r.bias ? [{ dtype: "float32" as const, shape: [r.o], constant: true }] : []),
        ],
        options: {
          padding: r.padding,
          strideH: r.s[0],
          strideW: r.s[1],
          dilationHFactor: r.d[0],
          dilationWFactor: r.d[1],
          fusedActivationFunction: r.act,
        },
        // SIGN_BIT flips on values near zero, which f16 storage may round across.
        f16: r.act !== "SIGN_BIT",
      };
    });
  },
  traits: { split: "weights" },
  cpu: { float: conv2dFloat, quant: conv2dCpuQuant },
};
