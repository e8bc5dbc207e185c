/**
 * CONV_3D: 3-D convolution of an `[N, D, H, W, C]` input with a `[KD, KH, KW, C, O]` filter and an
 * optional `[O]` bias, with strides, dilations, SAME/VALID padding per axis (as TensorFlow Lite
 * pads: the leading half of the total, rounded down) and a fused activation.
 *
 * On the GPU, rank-5 tensors are stored in PHWC4 with `N` and `D` folded into the batch (`maxRank`
 * 5): one thread computes one output vec4 (four output channels at one position).
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
  type AxisGeometry,
  checkBias,
  convAxis,
  packBias,
  type PaddingKind,
  requireFloat,
} from "../_shared/conv_common.ts";
import { activationOption, applyActivation, enumOption, intOption } from "../_shared/options.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { weightBindings } from "../_gpu/conv.ts";
import { activationWgsl, type FusedActivation } from "../_gpu/wgsl.ts";
import { convWorkgroup, groupsFor, type Workgroup } from "../_gpu/workgroup.ts";

const OP = "CONV_3D";

/** Parsed CONV_3D options. */
export interface Conv3DOptions {
  /** SAME or VALID, for every spatial axis. */
  padding: PaddingKind;
  /** Strides along depth, height, width. */
  stride: [number, number, number];
  /** Dilations along depth, height, width. */
  dilation: [number, number, number];
  /** Fused activation. */
  activation: FusedActivation;
}

/** The output geometry of depth, height and width. */
function axes(x: readonly number[], w: readonly number[], o: Conv3DOptions): AxisGeometry[] {
  const geo = [0, 1, 2].map((a) =>
    convAxis({
      padding: o.padding,
      size: x[a + 1],
      kernel: w[a],
      stride: o.stride[a],
      dilation: o.dilation[a],
    })
  );
  if (geo.some((g) => g.out < 1)) {
    throw new OpError(
      `${OP}: a ${w.slice(0, 3).join("x")} filter with dilation ${
        o.dilation.join("x")
      } does not fit the ${x.slice(1, 4).join("x")} input with VALID padding`,
    );
  }
  return geo;
}

function reference(
  x: HostTensor,
  w: HostTensor,
  bias: HostTensor | undefined,
  o: Conv3DOptions,
): HostTensor {
  const [N, D, H, W, C] = x.shape;
  const [KD, KH, KW, , O] = w.shape;
  const [gd, gh, gw] = axes(x.shape, w.shape, o);
  const out = allocTensor("float32", [N, gd.out, gh.out, gw.out, O]);
  let k = 0;
  for (let n = 0; n < N; n++) {
    for (let od = 0; od < gd.out; od++) {
      for (let oh = 0; oh < gh.out; oh++) {
        for (let ow = 0; ow < gw.out; ow++) {
          for (let oc = 0; oc < O; oc++) {
            let acc = bias ? readNumber(bias, oc) : 0;
            for (let kd = 0; kd < KD; kd++) {
              const id = od * o.stride[0] - gd.before + kd * o.dilation[0];
              if (id < 0 || id >= D) continue;
              for (let kh = 0; kh < KH; kh++) {
                const ih = oh * o.stride[1] - gh.before + kh * o.dilation[1];
                if (ih < 0 || ih >= H) continue;
                for (let kw = 0; kw < KW; kw++) {
                  const iw = ow * o.stride[2] - gw.before + kw * o.dilation[2];
                  if (iw < 0 || iw >= W) continue;
                  const xBase = (((n * D + id) * H + ih) * W + iw) * C;
                  const wBase = ((kd * KH + kh) * KW + kw) * C;
                  for (let c = 0; c < C; c++) {
                    acc += readNumber(x, xBase + c) * readNumber(w, (wBase + c) * O + oc);
                  }
                }
              }
            }
            out.data[k++] = applyActivation(o.activation, acc);
          }
        }
      }
    }
  }
  return out;
}

/**
 * The filter as the GPU program reads it: per output slice, filter tap and input channel (padded to
 * a multiple of 4), one vec4 of four output channels (zero past `O`): `ceil(O / 4) * KD * KH * KW *
 * ceil(C / 4) * 4` vec4s, flattened.
 */
function packFilter3d(w: HostTensor): Float32Array {
  const [KD, KH, KW, C, O] = w.shape;
  const taps = KD * KH * KW;
  const C4 = Math.ceil(C / 4) * 4;
  const packed = new Float32Array(Math.ceil(O / 4) * taps * C4 * 4);
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < C; c++) {
      for (let oc = 0; oc < O; oc++) {
        const at = ((Math.floor(oc / 4) * taps + t) * C4 + c) * 4 + (oc % 4);
        packed[at] = readNumber(w, (t * C + c) * O + oc);
      }
    }
  }
  return packed;
}

function conv3dPrograms(args: GpuPlanArgs<Conv3DOptions>): GpuProgram[] {
  const { inputs, outputs, options: o, limits } = args;
  const x = inputs[0]!;
  const w = inputs[1]!;
  const [N, ID, IH, IW] = x.shape;
  const [KD, KH, KW] = w.shape;
  const [, OD, OH, OW] = outputs[0].shape;
  const IS = x.slices;
  const OS = outputs[0].slices;
  const [gd, gh, gw] = axes(x.shape, w.shape, o);
  const grid: Workgroup = [OW, N * OD * OH, OS];
  const wg = convWorkgroup(grid, limits);
  const taps = KD * KH * KW;
  const code = `@compute @workgroup_size(${wg[0]}, ${wg[1]}, ${wg[2]})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let ow = i32(gid.x);
  let gy = i32(gid.y);
  let s = i32(gid.z);
  if (ow >= ${OW} || gy >= ${N * OD * OH} || s >= ${OS}) { return; }
  let oh = gy % ${OH};
  let od = (gy / ${OH}) % ${OD};
  let n = gy / ${OH * OD};
  var acc = vec4<f32>(bias[s]);
  for (var kd = 0; kd < ${KD}; kd++) {
    let id = od * ${o.stride[0]} - ${gd.before} + kd * ${o.dilation[0]};
    if (id < 0 || id >= ${ID}) { continue; }
    for (var kh = 0; kh < ${KH}; kh++) {
      let ih = oh * ${o.stride[1]} - ${gh.before} + kh * ${o.dilation[1]};
      if (ih < 0 || ih >= ${IH}) { continue; }
      for (var kw = 0; kw < ${KW}; kw++) {
        let iw = ow * ${o.stride[2]} - ${gw.before} + kw * ${o.dilation[2]};
        if (iw < 0 || iw >= ${IW}) { continue; }
        let base = ((s * ${taps} + (kd * ${KH} + kh) * ${KW} + kw) * ${IS}) * 4;
        for (var si = 0; si < ${IS}; si++) {
          let xv = x_vec(n * ${ID} + id, ih, iw, si);
          let wi = base + si * 4;
          acc += xv.x * vec4<f32>(w[wi]) + xv.y * vec4<f32>(w[wi + 1]) +
            xv.z * vec4<f32>(w[wi + 2]) + xv.w * vec4<f32>(w[wi + 3]);
        }
      }
    }
  }
  y_store(y_idx(n * ${OD} + od, oh, ow, s), ${activationWgsl(o.activation, "acc")});
}
`;
  return [{
    label: `conv3d ${KD}x${KH}x${KW} wg${wg.join("x")}`,
    code,
    bindings: weightBindings(
      packFilter3d(w.value!),
      packBias(inputs[2]?.value, outputs[0].shape[4]),
    ),
    dispatch: groupsFor(grid, wg),
  }];
}

/** Three sizes, along depth, height and width. */
type Dhw = [number, number, number];

/**
 * One conformance case: input shape, kernel, output channels, padding, strides, dilations,
 * activation, bias.
 */
type CaseRow = [
  x: number[],
  k: Dhw,
  o: number,
  padding: PaddingKind,
  s: Dhw,
  d: Dhw,
  act: FusedActivation,
  bias: boolean,
];

const CASES: CaseRow[] = [
  [[1, 4, 5, 5, 3], [2, 3, 3], 5, "SAME", [1, 1, 1], [1, 1, 1], "NONE", true],
  [[2, 5, 6, 7, 2], [3, 2, 2], 4, "VALID", [1, 2, 1], [1, 1, 1], "RELU", false],
  [[1, 6, 7, 6, 5], [2, 2, 3], 7, "SAME", [2, 2, 2], [1, 1, 1], "RELU6", true],
  [[1, 7, 8, 8, 4], [3, 3, 3], 8, "SAME", [1, 1, 1], [2, 1, 2], "TANH", true],
  [[1, 3, 12, 10, 9], [1, 3, 3], 6, "VALID", [1, 1, 2], [1, 2, 1], "RELU_N1_TO_1", true],
  // conv3d_huge_im2col's geometry (2x2x2 SAME over 2 channels, no bias) at a size CI runs.
  [[3, 4, 6, 6, 2], [1, 2, 2], 2, "SAME", [1, 1, 1], [1, 1, 1], "NONE", false],
];

/**
 * The CONV_3D kernel.
 *
 * @example
 * ```ts
 * import { conv3d } from "./mod.ts";
 * const x = { dtype: "float32" as const, shape: [1, 1, 1, 2, 1], data: new Float32Array([1, 2]) };
 * const w = { dtype: "float32" as const, shape: [1, 1, 2, 1, 1], data: new Float32Array([10, 1]) };
 * const options = conv3d.parse({ options: { padding: "VALID", strideD: 1, strideH: 1, strideW: 1 }, inputs: [x, w] });
 * const outputs = conv3d.infer({ inputs: [x, w], options });
 * const [y] = conv3d.reference({ inputs: [x, w], options, outputs });
 * if (y.data.length !== 1 || y.data[0] !== 12) throw new Error("wrong");
 * ```
 */
export const conv3d: KernelDef<Conv3DOptions> = {
  name: OP,
  optionsType: "Conv3DOptions",
  parse({ options, inputs }) {
    if (inputs.length < 2 || inputs.length > 3) {
      throw new OpError(`${OP} needs 2 or 3 inputs (input, filter, bias), got ${inputs.length}`);
    }
    return {
      padding: enumOption(OP, options, "padding", ["SAME", "VALID"], "SAME"),
      stride: [
        intOption(OP, options, "strideD", 0, 1),
        intOption(OP, options, "strideH", 0, 1),
        intOption(OP, options, "strideW", 0, 1),
      ],
      dilation: [
        intOption(OP, options, "dilationDFactor", 1, 1),
        intOption(OP, options, "dilationHFactor", 1, 1),
        intOption(OP, options, "dilationWFactor", 1, 1),
      ],
      activation: activationOption(OP, options),
    };
  },
  infer({ inputs, options }): TensorSpec[] {
    const x = requireFloat(OP, inputs[0], "input", 5);
    const w = requireFloat(OP, inputs[1], "filter", 5);
    if (w[3] !== x[4]) {
      throw new OpError(
        `${OP}: filter input channels (${w[3]}) must equal input channels (${x[4]})`,
      );
    }
    checkBias(OP, inputs[2], w[4]);
    const [d, h, ww] = axes(x, w, options);
    return [{ dtype: "float32", shape: [x[0], d.out, h.out, ww.out, w[4]] }];
  },
  reference({ inputs, options }) {
    return [reference(inputs[0]!, inputs[1]!, inputs[2], options)];
  },
  gpu: {
    maxRank: 5,
    unsupported({ inputs, outputs, limits }) {
      if (!inputs[1]?.value) return `${OP} runs on the GPU only with a constant filter`;
      if (inputs[2] && !inputs[2].value) return `${OP} runs on the GPU only with a constant bias`;
      const [N, OD, OH, OW] = outputs[0].shape;
      const grid: Workgroup = [OW, N * OD * OH, outputs[0].slices];
      const groups = groupsFor(grid, convWorkgroup(grid, limits));
      if (groups.some((g) => g > limits.maxWorkgroupsPerDimension)) {
        return `${OP}: ${
          groups.join("x")
        } workgroups pass maxWorkgroupsPerDimension ${limits.maxWorkgroupsPerDimension}`;
      }
      return undefined;
    },
    plan: conv3dPrograms,
  },
  cases(): OpCase[] {
    return CASES.map(([x, k, o, padding, s, d, act, bias]) => ({
      name: `[${x}] k${k.join("x")} o${o} ${padding} s${s.join("x")} d${d.join("x")} ${act}${
        bias ? " bias" : ""
      }`,
      inputs: [
        { dtype: "float32", shape: x },
        { dtype: "float32", shape: [...k, x[4], o], constant: true },
        bias ? { dtype: "float32", shape: [o], constant: true } : null,
      ],
      options: {
        padding,
        strideD: s[0],
        strideH: s[1],
        strideW: s[2],
        dilationDFactor: d[0],
        dilationHFactor: d[1],
        dilationWFactor: d[2],
        fusedActivationFunction: act,
      },
    }));
  },
};
