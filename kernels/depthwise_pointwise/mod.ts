/**
 * DEPTHWISE_POINTWISE: a DEPTHWISE_CONV_2D (depth multiplier 1) and the pointwise CONV_2D (1x1,
 * stride 1, no padding, one group) that alone reads its output, as one node. No model holds this
 * op: the GPU's `fuse-depthwise-pointwise` pass makes it, when a session asks for it
 * (`variants: { DEPTHWISE_CONV_2D: "fused" }`), so that a MobileNet block runs one dispatch instead
 * of two and the depthwise output never reaches memory. The GPU program computes, per input slice,
 * the depthwise result of a workgroup's positions once into workgroup memory, then multiplies it
 * into the output slices as the pointwise GEMM does.
 *
 * Inputs: `x` (the depthwise input), the pointwise filter `[O, 1, 1, C]`, its bias (or none), the
 * depthwise filter `[1, KH, KW, C]`, its bias (or none).
 *
 * @module
 */
import type {
  GpuPlanArgs,
  GpuProgram,
  GpuTensorInfo,
  HostTensor,
  KernelDef,
  TensorSpec,
} from "../../core/kernel.ts";
import type { NodeOptions } from "../../core/ir.ts";
import { OpError } from "../../core/errors.ts";
import { conv2d, type Conv2DOptions } from "../conv_2d/mod.ts";
import { depthwiseConv2d, type DepthwiseConv2DOptions } from "../depthwise_conv_2d/mod.ts";
import { packDepthwise } from "../depthwise_conv_2d/column.ts";
import { convAxes, packBias, packO4I4 } from "../_shared/conv_common.ts";
import { spreadTiles, weightBindings } from "../_gpu/conv.ts";
import { activationWgsl } from "../_gpu/wgsl.ts";

const OP = "DEPTHWISE_POINTWISE";

/** Parsed options: both nodes' own. */
export interface DepthwisePointwiseOptions {
  /** The depthwise convolution's options. */
  depthwise: DepthwiseConv2DOptions;
  /** The pointwise convolution's options (its fused activation applies last). */
  pointwise: Conv2DOptions;
}

/** The prefix of the depthwise convolution's options among the fused node's. */
export const DEPTHWISE_PREFIX = "depthwise.";

/**
 * The fused node's options: the pointwise convolution's as they are, the depthwise one's under
 * {@linkcode DEPTHWISE_PREFIX}.
 *
 * @example
 * ```ts
 * import { fusedOptions } from "./mod.ts";
 * const o = fusedOptions({ strideH: 2, padding: "SAME" }, { padding: "VALID" });
 * if (o["depthwise.strideH"] !== 2 || o.padding !== "VALID") throw new Error("wrong");
 * ```
 *
 * @param depthwise The depthwise node's options.
 * @param pointwise The pointwise node's options.
 * @returns One options table.
 */
export function fusedOptions(depthwise: NodeOptions, pointwise: NodeOptions): NodeOptions {
  const o: NodeOptions = { ...pointwise };
  for (const [k, v] of Object.entries(depthwise)) o[DEPTHWISE_PREFIX + k] = v;
  return o;
}

/** The two tables of a fused node's options. */
function splitOptions(o: NodeOptions): { depthwise: NodeOptions; pointwise: NodeOptions } {
  const depthwise: NodeOptions = {};
  const pointwise: NodeOptions = {};
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith(DEPTHWISE_PREFIX)) depthwise[k.slice(DEPTHWISE_PREFIX.length)] = v;
    else pointwise[k] = v;
  }
  return { depthwise, pointwise };
}

/** Inputs of the depthwise half, in DEPTHWISE_CONV_2D's order. */
function depthwiseInputs<T>(inputs: readonly (T | undefined)[]): (T | undefined)[] {
  return inputs[4] === undefined ? [inputs[0], inputs[3]] : [inputs[0], inputs[3], inputs[4]];
}

/** Inputs of the pointwise half after the depthwise one, in CONV_2D's order. */
function pointwiseInputs<T>(dw: T, inputs: readonly (T | undefined)[]): (T | undefined)[] {
  return inputs[2] === undefined ? [dw, inputs[1]] : [dw, inputs[1], inputs[2]];
}

/** How the fused program's threads share the work. */
export interface FusedTile {
  /** Positions per thread. */
  mb: number;
  /** Output slices per thread. */
  nb: number;
  /** Threads along positions in a workgroup. */
  tpm: number;
  /** Threads along output slices in a workgroup. */
  tpn: number;
}

function nextPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

/**
 * The fused program's tile: a workgroup of up to 256 threads covers `tpm * mb` positions and as
 * many output slices as it can (up to 64), so each depthwise value it computes once, into
 * workgroup memory, serves all of them.
 *
 * @example
 * ```ts
 * import { fusedTile } from "./mod.ts";
 * const t = fusedTile({ m: 1089, outSlices: 20 }, 256);
 * if (t.tpn * t.nb < 20 || t.tpm * t.tpn > 256) throw new Error(JSON.stringify(t));
 * ```
 *
 * @param shape Positions and output slices.
 * @param maxThreads The device's invocations per workgroup.
 * @returns The tile.
 */
export function fusedTile(shape: { m: number; outSlices: number }, maxThreads: number): FusedTile {
  const threads = Math.min(256, 2 ** Math.floor(Math.log2(maxThreads)));
  const nb = Math.min(4, shape.outSlices);
  const tpn = Math.min(nextPow2(Math.ceil(shape.outSlices / nb)), 16, threads);
  const mb = shape.m >= 4 * (threads / tpn) ? 2 : 1;
  const tpm = Math.max(1, Math.min(threads / tpn, nextPow2(Math.ceil(shape.m / mb))));
  return { mb, nb, tpm, tpn };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The fused program: per input slice, the workgroup computes the depthwise result of its positions
 * once into workgroup memory (bias and activation included), then every thread multiplies it into
 * its output slices with the O4I4 pointwise weights, as the pointwise GEMM does.
 *
 * @example
 * ```ts ignore
 * const [prog] = depthwisePointwisePrograms(args);
 * ```
 *
 * @param args Plan arguments of the fused node.
 * @returns The program.
 */
export function depthwisePointwisePrograms(
  args: GpuPlanArgs<DepthwisePointwiseOptions>,
): GpuProgram[] {
  const { inputs, outputs, options, limits } = args;
  const x = inputs[0] as GpuTensorInfo;
  const pw = inputs[1]!;
  const dwFilter = inputs[3]!;
  const d = options.depthwise;
  const [, IH, IW, C] = x.shape4;
  const [B, OH, OW] = outputs[0].shape4;
  const [KH, KW] = [dwFilter.shape[1], dwFilter.shape[2]];
  const { oh, ow } = convAxes(d, [IH, IW], [KH, KW]);
  const IS = x.slices;
  const OS = outputs[0].slices;
  const M = B * OH * OW;
  const HW = OH * OW;
  const { mb, nb, tpm, tpn } = fusedTile({ m: M, outSlices: OS }, limits.maxInvocations);
  const nt = tpm * tpn;
  const tileM = tpm * mb;
  const tileN = tpn * nb;
  const spread = spreadTiles(Math.ceil(M / tileM), limits.maxWorkgroupsPerDimension);
  const bounds = oh.before > 0 || ow.before > 0 ||
    (OH - 1) * d.strideH - oh.before + (KH - 1) * d.dilationH >= IH ||
    (OW - 1) * d.strideW - ow.before + (KW - 1) * d.dilationW >= IW;
  const J = range(mb);
  const S = range(nb);
  let code = `var<workgroup> dwv: array<vec4<f32>, ${tileM}>;
fn dw_at(m: i32, s: i32) -> vec4<f32> {
  let b = m / ${HW};
  let oy = (m / ${OW}) % ${OH};
  let ox = m % ${OW};
  var acc = vec4<f32>(dwb[s]);
  for (var ky = 0; ky < ${KH}; ky++) {
    let iy = oy * ${d.strideH} - ${oh.before} + ky * ${d.dilationH};
${
    bounds
      ? `    if (iy < 0 || iy >= ${IH}) { continue; }
`
      : ""
  }    for (var kx = 0; kx < ${KW}; kx++) {
      let ix = ox * ${d.strideW} - ${ow.before} + kx * ${d.dilationW};
${
    bounds
      ? `      if (ix < 0 || ix >= ${IW}) { continue; }
`
      : ""
  }      acc += vec4<f32>(dww[s * ${KH * KW} + ky * ${KW} + kx]) * x_load(x_idx(b, iy, ix, s));
    }
  }
  return ${activationWgsl(d.activation, "acc")};
}
@compute @workgroup_size(${nt})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = i32(li);
${spread.wgsl}  let r0 = t % ${tpm};
  let m0 = tile * ${tileM} + r0;
  let n0 = i32(wid.y) * ${tileN} + t / ${tpm};
`;
  for (const s of S) {
    code += `  let wb${s} = min(n0 + ${s * tpn}, ${OS - 1}) * ${IS * 4};
`;
    for (const j of J) {
      code += `  var acc${s}_${j} = vec4<f32>(0.0);
`;
    }
  }
  code += `  for (var si = 0; si < ${IS}; si++) {
    for (var r = t; r < ${tileM}; r += ${nt}) {
      dwv[r] = dw_at(min(tile * ${tileM} + r, ${M - 1}), si);
    }
    workgroupBarrier();
`;
  for (const j of J) {
    code += `    let xv${j} = dwv[r0 + ${j * tpm}];
`;
  }
  for (const s of S) {
    code += `    let wi${s} = wb${s} + si * 4;
`;
    for (const c of range(4)) {
      code += `    let w${s}${c} = vec4<f32>(w[wi${s} + ${c}]);
`;
    }
    for (const j of J) {
      code +=
        `    acc${s}_${j} += w${s}0 * xv${j}.x + w${s}1 * xv${j}.y + w${s}2 * xv${j}.z + w${s}3 * xv${j}.w;
`;
    }
  }
  code += `    workgroupBarrier();
  }
`;
  for (const s of S) {
    for (const j of J) {
      code += `  if (m0 + ${j * tpm} < ${M} && n0 + ${s * tpn} < ${OS}) {
    let m = m0 + ${j * tpm};
    let v = acc${s}_${j} + vec4<f32>(bias[n0 + ${s * tpn}]);
    y_store(y_idx(m / ${HW}, 0, m % ${HW}, n0 + ${s * tpn}), ${
        activationWgsl(options.pointwise.activation, "v")
      });
  }
`;
    }
  }
  code += `}
`;
  return [{
    label: `depthwise ${KH}x${KW} + pointwise m${mb} n${nb} t${tpm}x${tpn}`,
    code,
    bindings: [
      ...weightBindings(packO4I4(pw.value!, C), packBias(inputs[2]?.value, pw.shape[0])),
      { kind: "const", name: "dww", elem: "vec4<T>", data: packDepthwise(dwFilter.value!) },
      { kind: "const", name: "dwb", elem: "vec4<T>", data: packBias(inputs[4]?.value, C) },
    ],
    dispatch: [spread.x, Math.ceil(OS / tileN), spread.z],
  }];
}

/** The DEPTHWISE_POINTWISE kernel (made by a graph pass, never read from a file). */
export const depthwisePointwise: KernelDef<DepthwisePointwiseOptions> = {
  name: OP,
  parse({ options, inputs }) {
    if (inputs.length !== 5) {
      throw new OpError(
        `${OP} needs 5 inputs (input, pointwise filter and bias, depthwise filter and bias), got ${inputs.length}`,
      );
    }
    const o = splitOptions(options);
    return {
      depthwise: depthwiseConv2d.parse({ options: o.depthwise, inputs: depthwiseInputs(inputs) }),
      pointwise: conv2d.parse({ options: o.pointwise, inputs: pointwiseInputs(inputs[0], inputs) }),
    };
  },
  infer({ inputs, options }): TensorSpec[] {
    const [dw] = depthwiseConv2d.infer({
      inputs: depthwiseInputs(inputs),
      options: options.depthwise,
    });
    if (dw.shape[3] !== inputs[0]?.shape[3]) {
      throw new OpError(`${OP}: the depthwise convolution must keep its channels (multiplier 1)`);
    }
    return conv2d.infer({ inputs: pointwiseInputs(dw, inputs), options: options.pointwise });
  },
  reference({ inputs, options, outputs }) {
    const dwInputs = depthwiseInputs(inputs);
    const dwOut = depthwiseConv2d.infer({ inputs: dwInputs, options: options.depthwise });
    const [dw] = depthwiseConv2d.reference({
      inputs: dwInputs,
      options: options.depthwise,
      outputs: dwOut,
    });
    return conv2d.reference({
      inputs: pointwiseInputs<HostTensor>(dw, inputs),
      options: options.pointwise,
      outputs,
    });
  },
  gpu: {
    unsupported({ inputs }) {
      if ([1, 2, 3, 4].some((i) => inputs[i] && !inputs[i]!.value)) {
        return `${OP} runs on the GPU only with constant filters and biases`;
      }
      return undefined;
    },
    plan: depthwisePointwisePrograms,
  },
  cases: () => [],
};
