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
  GpuTuneSpace,
  HostTensor,
  KernelDef,
  TensorSpec,
} from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import {
  checkBias,
  convAxes,
  type ConvOptions,
  packBias,
  packO4I4,
  parseConvOptions,
  requireFloat,
} from "../_shared/conv_common.ts";
import { applyActivation } from "../_shared/options.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { convWorkgroup, type GemmMapping, gemmMapping } from "../_gpu/workgroup.ts";
import { gemmProgram } from "../_shared/conv_gemm.ts";
import {
  convBlocking,
  type ConvGeometry,
  convGrid,
  convProgram,
  type ConvTuning,
  coversInput,
  isPointwise,
  wholeInputFilter,
} from "./wgsl.ts";
import {
  type ConvShape,
  type ConvTile,
  convTile,
  tileCandidates,
  tiledConvProgram,
  tileProblem,
} from "./tiled.ts";
import { conv2dInteger } from "./quant.ts";
import { conv2dCpuQuant, conv2dFloat } from "./cpu.ts";
import { conv2dCases } from "./cases.ts";

const OP = "CONV_2D";

/** Parsed CONV_2D options. */
export type Conv2DOptions = ConvOptions;

function geometry(
  input: number[],
  filter: number[],
  o: Conv2DOptions,
): { oh: AxisOut; ow: AxisOut } {
  const { oh, ow } = convAxes(o, [input[1], input[2]], [filter[1], filter[2]]);
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

/** Kernel choice of {@linkcode conv2dPrograms}. */
export type Conv2DTuning = Partial<ConvTuning> & {
  /** `tiled` (default) or `direct` (the kernels before the tiled one). */
  kernel?: "tiled" | "direct";
  /** Tile of the tiled kernel (default: `convTile`). */
  tile?: ConvTile;
  /** GEMM mapping of a pointwise conv on the direct kernel. */
  gemm?: GemmMapping;
};

function convGeometry(args: GpuPlanArgs<Conv2DOptions>): ConvGeometry {
  const x = args.inputs[0] as GpuTensorInfo;
  const filter = args.inputs[1] as GpuTensorInfo;
  const o = args.options;
  const { oh, ow } = geometry(x.shape, filter.shape, o);
  return {
    input: x,
    output: args.outputs[0],
    kernel: [filter.shape[1], filter.shape[2]],
    stride: [o.strideH, o.strideW],
    dilation: [o.dilationH, o.dilationW],
    pad: [oh.before, ow.before],
    activation: o.activation,
  };
}

/** Pointwise convs over at most 2 positions (a classifier) and whole-input convs stay GEMVs. */
function runsTiled(g: ConvGeometry): boolean {
  const [B, OH, OW] = g.output.shape4;
  return !(isPointwise(g) && B * OH * OW <= 2) && !coversInput(g);
}

function tileShape(g: ConvGeometry): ConvShape {
  const [B, OH, OW] = g.output.shape4;
  return {
    m: B * OH * OW,
    inSlices: g.input.slices,
    outSlices: g.output.slices,
    taps: g.kernel[0] * g.kernel[1],
  };
}

function isTile(t: unknown, kSlices: number): t is ConvTile {
  return typeof t === "object" && t !== null &&
    tileProblem(t as ConvTile, kSlices) === undefined;
}

/**
 * The tiles worth timing for a node on the tiled kernel: the heuristic's tile first, then its
 * neighbours (`tileCandidates`); `undefined` on the direct variant and for GEMV-shaped nodes.
 *
 * @example
 * ```ts ignore
 * const space = conv2dTuneSpace(args);
 * ```
 *
 * @param args Plan arguments of the node.
 * @returns The key and candidates.
 */
export function conv2dTuneSpace(args: GpuPlanArgs<Conv2DOptions>): GpuTuneSpace | undefined {
  if (args.variants?.[OP] === "direct") return undefined;
  const g = convGeometry(args);
  if (!runsTiled(g)) return undefined;
  const shape = tileShape(g);
  const key = `${OP} ${g.input.shape4.join("x")} -> ${g.output.shape4.join("x")} k${
    g.kernel.join("x")
  } s${g.stride.join("x")} d${g.dilation.join("x")} p${g.pad.join("x")} ${args.precision}`;
  const tiles = tileCandidates(convTile(shape, args.limits), {
    kSlices: shape.taps * shape.inSlices,
    limits: args.limits,
  });
  // The direct kernel (the default) competes unless the session asked for the tiled one.
  return {
    key,
    candidates: args.variants?.[OP] === "tiled" ? tiles : [{ kernel: "direct" }, ...tiles],
  };
}

/**
 * Which CONV_2D kernel a node runs: the direct kernels by default (on an H100 they beat the tiled
 * implicit GEMM end to end: `docs/results/conv_tflops/h100_dawn/`), the tiled one when the
 * session asks for it (`variants: { CONV_2D: "tiled" }`) or the autotune chose one of its tiles.
 *
 * @example
 * ```ts
 * import { conv2dKernelOf } from "./mod.ts";
 * if (conv2dKernelOf(undefined, undefined) !== "direct") throw new Error("default");
 * if (conv2dKernelOf({ CONV_2D: "tiled" }, undefined) !== "tiled") throw new Error("variant");
 * if (conv2dKernelOf(undefined, { tm: 8 }) !== "tiled") throw new Error("tuned tile");
 * ```
 *
 * @param variants The session's kernel variants.
 * @param tile The tuned tile of the node, when the autotune chose one.
 * @returns The kernel.
 */
export function conv2dKernelOf(
  variants: Record<string, string> | undefined,
  tile: unknown,
): "tiled" | "direct" {
  if (variants?.[OP] === "direct") return "direct";
  return variants?.[OP] === "tiled" || tile !== undefined ? "tiled" : "direct";
}

/**
 * The CONV_2D programs for a node with a chosen kernel, tile, blocking or workgroup (benches and
 * `scripts/conv_tflops.ts` compare choices through this); `conv2d.gpu.plan` calls it with the
 * kernel {@linkcode conv2dKernelOf} picks (direct unless the session or the autotune asks for
 * the tiled one).
 *
 * - `tiled` (this function's default): the implicit GEMM of `./tiled.ts`, tile from `convTile` or `tuning.tile`;
 *   pointwise convs over at most 2 positions (a classifier) run the GEMV mapping of `gemmProgram`.
 * - `direct`: the kernels before the tiled one: pointwise convs as a GEMM over flattened positions
 *   (`gemmProgram`, mapping from `gemmMapping` or `tuning.gemm`) unless the tuning names a direct
 *   blocking (`wb`, `sb` or `wg`); other convs the register-blocked direct kernel of `./wgsl.ts`.
 *   Naming `wb`, `sb`, `wg` or `gemm` implies it.
 *
 * @example
 * ```ts ignore
 * const progs = conv2dPrograms(args, { wb: 2, sb: 1, wg: [8, 8, 4] });
 * ```
 *
 * @param args Plan arguments of the node.
 * @param tuning Kernel, tile, blocking and workgroup.
 * @returns The programs.
 */
export function conv2dPrograms(
  args: GpuPlanArgs<Conv2DOptions>,
  tuning?: Conv2DTuning,
): GpuProgram[] {
  const { inputs, options: o, limits } = args;
  const x = inputs[0] as GpuTensorInfo;
  const filter = inputs[1] as GpuTensorInfo;
  const g = convGeometry(args);
  const bias = packBias(inputs[2]?.value, filter.shape[0]);
  const direct = tuning?.wb !== undefined || tuning?.sb !== undefined || tuning?.wg !== undefined;
  if (coversInput(g) && !direct && filter.shape[3] === x.shape4[3]) {
    const virtual = wholeInputFilter(filter.value!);
    const shape = { m: 1, inSlices: virtual.shape[3] / 4, outSlices: g.output.slices };
    return [gemmProgram({
      ...shape,
      inHW: 1,
      outHW: 1,
      activation: o.activation,
      weights: packO4I4(virtual, virtual.shape[3]),
      bias,
      maxWorkgroupsPerDimension: limits.maxWorkgroupsPerDimension,
    }, tuning?.gemm ?? gemmMapping(shape, limits))];
  }
  const weights = packO4I4(filter.value!, x.shape[3]);
  if (!direct && tuning?.gemm === undefined && tuning?.kernel !== "direct" && runsTiled(g)) {
    return [tiledConvProgram(g, {
      tile: tuning?.tile ?? convTile(tileShape(g), limits),
      weights,
      bias,
      maxWorkgroupsPerDimension: limits.maxWorkgroupsPerDimension,
    })];
  }
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
      const x = args.inputs[0] as GpuTensorInfo;
      const taps = args.inputs[1]!.shape[1] * args.inputs[1]!.shape[2];
      const tile = isTile(args.tuning, taps * x.slices) ? args.tuning : undefined;
      return conv2dPrograms(args, { kernel: conv2dKernelOf(args.variants, tile), tile });
    },
    tune: conv2dTuneSpace,
  },
  cases: conv2dCases,
  traits: { split: "weights" },
  cpu: { float: conv2dFloat, quant: conv2dCpuQuant },
};
