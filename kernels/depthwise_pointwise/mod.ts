/**
 * DEPTHWISE_POINTWISE: a DEPTHWISE_CONV_2D (depth multiplier 1) and the pointwise CONV_2D (1x1,
 * stride 1, no padding, one group) that alone reads its output, as one node. No model holds this
 * op: the GPU's `fuse-depthwise-pointwise` pass makes it, when a session asks for it
 * (`variants: { DEPTHWISE_CONV_2D: "fused" }`), so that a MobileNet block runs one dispatch instead
 * of two and the depthwise output never reaches memory. The GPU program is the pointwise GEMM whose
 * input vec4 at a position and slice is the depthwise result there, computed on the fly.
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
import { gemmProgram } from "../_shared/conv_gemm.ts";
import { type GemmMapping, gemmMapping, type GemmShape } from "../_gpu/workgroup.ts";
import type { GpuLimitsInfo } from "../../core/kernel.ts";
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

/**
 * The thread mapping of the fused program: the pointwise GEMM's, reshaped so that each depthwise
 * value a thread computes serves as many output slices as it can (up to 8 per thread, no threads
 * side by side along output slices), since every thread that needs a position's input recomputes
 * it; the positions per workgroup grow to keep its size.
 *
 * @example
 * ```ts
 * import { fusedMapping } from "./mod.ts";
 * const limits = { maxInvocations: 256, maxWorkgroupSize: [256, 256, 64] as [number, number, number], maxWorkgroupStorageSize: 16384 };
 * const m = fusedMapping({ m: 1089, inSlices: 120, outSlices: 20 }, limits);
 * if (m.tpn !== 1 || m.nb !== 8 || m.unit !== "slice") throw new Error(JSON.stringify(m));
 * ```
 *
 * @param shape Positions, input and output slices.
 * @param limits Device limits.
 * @returns The mapping.
 */
export function fusedMapping(
  shape: GemmShape,
  limits: Pick<GpuLimitsInfo, "maxInvocations" | "maxWorkgroupSize" | "maxWorkgroupStorageSize">,
): GemmMapping {
  const base = gemmMapping(shape, limits);
  if (base.unit !== "slice") return base;
  const nb = Math.min(8, shape.outSlices);
  let tpm = Math.min(base.tpm * base.tpn, 64);
  let ks = base.ks;
  const budget = Math.floor(limits.maxWorkgroupStorageSize / 16);
  while (ks > 1 && tpm * ks * base.mb * nb > budget) {
    if (tpm > 1) tpm /= 2;
    else ks /= 2;
  }
  return { ...base, nb, tpn: 1, tpm, ks };
}

/**
 * The fused program: the pointwise GEMM reading, for row `m` and slice `si`, the depthwise
 * convolution's output there (bias and activation included), computed from `x`.
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
  const shape = { m: B * OH * OW, inSlices: IS, outSlices: outputs[0].slices };
  const map = fusedMapping(shape, limits);
  if (map.unit !== "slice") {
    throw new OpError(`${OP}: ${shape.m} positions are too few for the fused kernel`);
  }
  const bounds = oh.before > 0 || ow.before > 0 ||
    (OH - 1) * d.strideH - oh.before + (KH - 1) * d.dilationH >= IH ||
    (OW - 1) * d.strideW - ow.before + (KW - 1) * d.dilationW >= IW;
  const prologue = `fn dw_at(m: i32, s: i32) -> vec4<f32> {
  let b = m / ${OH * OW};
  let oy = (m / ${OW}) % ${OH};
  let ox = m % ${OW};
  var acc = vec4<f32>(dwb[s]);
  for (var ky = 0; ky < ${KH}; ky++) {
    let iy = oy * ${d.strideH} - ${oh.before} + ky * ${d.dilationH};
${
    bounds
      ? "    if (iy < 0 || iy >= " + IH + ") { continue; }\n"
      : ""
  }    for (var kx = 0; kx < ${KW}; kx++) {
      let ix = ox * ${d.strideW} - ${ow.before} + kx * ${d.dilationW};
${
    bounds
      ? "      if (ix < 0 || ix >= " + IW + ") { continue; }\n"
      : ""
  }      acc += vec4<f32>(dww[s * ${KH * KW} + ky * ${KW} + kx]) * x_load(x_idx(b, iy, ix, s));
    }
  }
  return ${activationWgsl(d.activation, "acc")};
}
`;
  const [prog] = [gemmProgram({
    ...shape,
    inHW: OH * OW,
    outHW: OH * OW,
    activation: options.pointwise.activation,
    weights: packO4I4(pw.value!, C),
    bias: packBias(inputs[2]?.value, pw.shape[0]),
    maxWorkgroupsPerDimension: limits.maxWorkgroupsPerDimension,
    load: (row, si) => `dw_at(${row}, ${si})`,
  }, map)];
  return [{
    ...prog,
    label: `depthwise ${KH}x${KW} + ${prog.label}`,
    code: prologue + prog.code,
    bindings: [
      ...prog.bindings,
      { kind: "const", name: "dww", elem: "vec4<T>", data: packDepthwise(dwFilter.value!) },
      { kind: "const", name: "dwb", elem: "vec4<T>", data: packBias(inputs[4]?.value, C) },
    ],
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
    unsupported({ inputs, outputs, limits }) {
      if ([1, 2, 3, 4].some((i) => inputs[i] && !inputs[i]!.value)) {
        return `${OP} runs on the GPU only with constant filters and biases`;
      }
      const [B, OH, OW] = outputs[0].shape4;
      const shape = { m: B * OH * OW, inSlices: inputs[0]!.slices, outSlices: outputs[0].slices };
      if (gemmMapping(shape, limits).unit !== "slice") return `${OP}: too few positions`;
      return undefined;
    },
    plan: depthwisePointwisePrograms,
  },
  cases: () => [],
};
