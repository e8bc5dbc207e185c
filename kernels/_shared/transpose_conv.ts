/**
 * Shared core of TRANSPOSE_CONV and the MediaPipe custom op Convolution2DTransposeBias: the reference
 * scatter (TFLite's `TransposeConv`: input `(iy, ix)` with tap `(ky, kx)` lands on output
 * `(iy * stride - pad + ky, ix * stride - pad + kx)` when inside the output), and the GPU gather that
 * computes each output from the taps whose phase matches it.
 *
 * @module
 */
import type { GpuLimitsInfo, GpuProgram, GpuTensorInfo, HostTensor } from "../../core/kernel.ts";
import { activationWgsl, type FusedActivation } from "../_gpu/wgsl.ts";
import { convWorkgroup, groupsFor, type Workgroup } from "../_gpu/workgroup.ts";
import { weightBindings } from "../_gpu/conv.ts";
import { packBias, packO4I4 } from "./conv_common.ts";
import { applyActivation } from "./options.ts";
import { allocTensor, readNumber } from "./tensor.ts";

/** Strides, leading paddings and activation of a transposed convolution. */
export interface TransposeGeometry {
  /** Stride along height. */
  strideH: number;
  /** Stride along width. */
  strideW: number;
  /** Output rows cut before the first (TFLite's `padding_values.height`). */
  padTop: number;
  /** Output columns cut before the first. */
  padLeft: number;
  /** Fused activation. */
  activation: FusedActivation;
}

/**
 * Reference transposed convolution in float64.
 *
 * @example
 * ```ts
 * import { transposeConvReference } from "./transpose_conv.ts";
 * const x = { dtype: "float32" as const, shape: [1, 1, 1, 1], data: new Float32Array([2]) };
 * const w = { dtype: "float32" as const, shape: [1, 2, 2, 1], data: new Float32Array([1, 2, 3, 4]) };
 * const y = transposeConvReference({
 *   input: x, weights: w, outShape: [1, 2, 2, 1],
 *   geometry: { strideH: 2, strideW: 2, padTop: 0, padLeft: 0, activation: "NONE" },
 * });
 * if ((y.data as Float32Array).join() !== "2,4,6,8") throw new Error("wrong");
 * ```
 *
 * @param args Input `[N, H, W, I]`, weights `[O, KH, KW, I]`, optional bias `[O]`, output shape and
 * geometry.
 * @returns The output.
 */
export function transposeConvReference(args: {
  input: HostTensor;
  weights: HostTensor;
  bias?: HostTensor;
  outShape: number[];
  geometry: TransposeGeometry;
}): HostTensor {
  const { input: x, weights: w, bias, outShape, geometry: g } = args;
  const [N, H, W, I] = x.shape;
  const [O, KH, KW] = w.shape;
  const [, OH, OW] = outShape;
  const acc = new Float64Array(N * OH * OW * O);
  for (let n = 0; n < N; n++) {
    for (let iy = 0; iy < H; iy++) {
      for (let ix = 0; ix < W; ix++) {
        for (let ky = 0; ky < KH; ky++) {
          const oy = iy * g.strideH - g.padTop + ky;
          if (oy < 0 || oy >= OH) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ox = ix * g.strideW - g.padLeft + kx;
            if (ox < 0 || ox >= OW) continue;
            const ob = ((n * OH + oy) * OW + ox) * O;
            const xb = ((n * H + iy) * W + ix) * I;
            for (let o = 0; o < O; o++) {
              const wb = ((o * KH + ky) * KW + kx) * I;
              let s = 0;
              for (let i = 0; i < I; i++) s += readNumber(x, xb + i) * readNumber(w, wb + i);
              acc[ob + o] += s;
            }
          }
        }
      }
    }
  }
  const out = allocTensor("float32", outShape);
  for (let i = 0; i < acc.length; i++) {
    const b = bias ? readNumber(bias, i % O) : 0;
    out.data[i] = applyActivation(g.activation, acc[i] + b);
  }
  return out;
}

/** Blocking and workgroup of the transposed-conv program. */
export interface TransposeTuning {
  /** Output slices per thread. */
  sb: number;
  /** Workgroup size. */
  wg: Workgroup;
}

/**
 * The GPU program of a transposed convolution: one thread per output position and block of `sb`
 * output slices; it visits only the taps `ky = (oy + padTop) mod strideH, + strideH, ...` that reach
 * the position (likewise for `kx`), over O4I4 weights. Bindings: input `x` (node input
 * `inputIndex`), output `y`, const `w`, const `bias`.
 *
 * @example
 * ```ts ignore
 * const prog = transposeConvProgram({ input, output, inputIndex: 2, weights, geometry, limits });
 * ```
 *
 * @param args Tensors, constant weights and bias, geometry, limits and an optional tuning.
 * @returns The program.
 */
export function transposeConvProgram(args: {
  input: GpuTensorInfo;
  output: GpuTensorInfo;
  inputIndex: number;
  weights: HostTensor;
  bias?: HostTensor;
  geometry: TransposeGeometry;
  limits: Pick<GpuLimitsInfo, "maxInvocations" | "maxWorkgroupSize">;
  tuning?: Partial<TransposeTuning>;
}): GpuProgram {
  const { input, output, geometry: g } = args;
  const [, IH, IW] = input.shape4;
  const [B, OH, OW] = output.shape4;
  const IS = input.slices;
  const OS = output.slices;
  const [O, KH, KW] = args.weights.shape;
  const sb = args.tuning?.sb ?? (OS >= 4 ? 2 : 1);
  const grid: Workgroup = [OW, B * OH, Math.ceil(OS / sb)];
  const wg = args.tuning?.wg ?? convWorkgroup(grid, args.limits);
  const S = Array.from({ length: sb }, (_, i) => i);
  let code = `@compute @workgroup_size(${wg[0]}, ${wg[1]}, ${wg[2]})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let ox = i32(gid.x);
  let gy = i32(gid.y);
  let gz = i32(gid.z);
  if (ox >= ${OW} || gy >= ${B * OH} || gz * ${sb} >= ${OS}) { return; }
  let b = gy / ${OH};
  let oy = gy % ${OH};
  let ry = oy + ${g.padTop};
  let rx = ox + ${g.padLeft};
`;
  for (const s of S) {
    code += `  let os${s} = min(gz * ${sb} + ${s}, ${OS - 1});\n`;
    code += `  var acc${s} = vec4<f32>(bias[os${s}]);\n`;
  }
  code += `  for (var ky = ry % ${g.strideH}; ky < ${KH}; ky += ${g.strideH}) {
    let iy = (ry - ky) / ${g.strideH};
    if (iy < 0) { break; }
    if (iy >= ${IH}) { continue; }
    for (var kx = rx % ${g.strideW}; kx < ${KW}; kx += ${g.strideW}) {
      let ix = (rx - kx) / ${g.strideW};
      if (ix < 0) { break; }
      if (ix >= ${IW}) { continue; }
      for (var si = 0; si < ${IS}; si++) {
        let xv = x_load(x_idx(b, iy, ix, si));
`;
  for (const s of S) {
    code += `        let wi${s} = ((os${s} * ${KH * KW} + ky * ${KW} + kx) * ${IS} + si) * 4;\n`;
    code += `        acc${s} += vec4<f32>(w[wi${s}]) * xv.x + vec4<f32>(w[wi${s} + 1]) * xv.y + ` +
      `vec4<f32>(w[wi${s} + 2]) * xv.z + vec4<f32>(w[wi${s} + 3]) * xv.w;\n`;
  }
  code += `      }\n    }\n  }\n`;
  for (const s of S) {
    code += `  if (gz * ${sb} + ${s} < ${OS}) { y_store(y_idx(b, oy, ox, os${s}), ${
      activationWgsl(g.activation, `acc${s}`)
    }); }\n`;
  }
  code += `}\n`;
  return {
    label: `transpose conv ${KH}x${KW} s${g.strideH}x${g.strideW} sb${sb} wg${wg.join("x")}`,
    code,
    bindings: weightBindings(
      packO4I4(args.weights, input.shape4[3]),
      packBias(args.bias, O),
      args.inputIndex,
    ),
    dispatch: groupsFor(grid, wg),
  };
}
