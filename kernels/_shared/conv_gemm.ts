/**
 * WGSL of GEMM-like convolutions: a pointwise (1x1, stride 1) CONV_2D and a FULLY_CONNECTED whose rows
 * are the input's positions both compute `y[m, n] = bias[n] + sum_k x[m, k] * W[n, k]` over PHWC4
 * tensors and O4I4 weights (`packO4I4`, a 1x1 filter). The thread mapping (`GemmMapping` from
 * `kernels/_gpu/workgroup.ts`) decides the register tile, the workgroup shape and whether the
 * reduction over input channels is split over lanes of a workgroup (for shapes with few positions and
 * output channels, which otherwise leave a big GPU mostly idle).
 *
 * @module
 */
import type { GpuProgram } from "../../core/kernel.ts";
import { spreadTiles, weightBindings } from "../_gpu/conv.ts";
import { activationWgsl, type FusedActivation } from "../_gpu/wgsl.ts";
import type { GemmMapping } from "../_gpu/workgroup.ts";

/** A GEMM-like node as the generator needs it. */
export interface GemmProblem {
  /** Positions (rows), batch included. */
  m: number;
  /** Positions per batch of the input (`h * w`): row `r` is `x_idx(r / inHW, 0, r % inHW, s)`. */
  inHW: number;
  /** Positions per batch of the output (`h * w`): row `r` is `y_idx(r / outHW, 0, r % outHW, s)`. */
  outHW: number;
  /** Input slices. */
  inSlices: number;
  /** Output slices. */
  outSlices: number;
  /** Fused activation. */
  activation: FusedActivation;
  /** O4I4 weights: `outSlices * inSlices * 16` floats. */
  weights: Float32Array;
  /** Packed bias: `outSlices * 4` floats. */
  bias: Float32Array;
  /** `maxComputeWorkgroupsPerDimension` (position tiles past it spill into `z`). */
  maxWorkgroupsPerDimension?: number;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The program of a GEMM-like node. Bindings: input `x`, output `y`, const `w` (O4I4 `vec4<T>`), const
 * `bias` (`vec4<T>` per output slice).
 *
 * @example
 * ```ts
 * import { gemmProgram } from "./conv_gemm.ts";
 * const p = gemmProgram({
 *   m: 49, inHW: 49, outHW: 49, inSlices: 8, outSlices: 4, activation: "NONE",
 *   weights: new Float32Array(4 * 8 * 16), bias: new Float32Array(16),
 * }, { mb: 4, nb: 2, tpm: 16, tpn: 2, ks: 4, unit: "slice" });
 * if (!p.code.includes("workgroupBarrier")) throw new Error("wrong");
 * ```
 *
 * @param p The problem.
 * @param map The thread mapping.
 * @returns The program.
 */
export function gemmProgram(p: GemmProblem, map: GemmMapping): GpuProgram {
  const { m: M, inHW, outHW, inSlices: IS, outSlices: OS } = p;
  const { mb, nb, tpm, tpn, ks, unit } = map;
  const tt = tpm * tpn;
  const nt = tt * ks;
  const A = tt * mb * nb;
  const tileM = tpm * mb;
  const tileN = tpn * nb;
  const spread = spreadTiles(Math.ceil(M / tileM), p.maxWorkgroupsPerDimension);
  const J = range(mb);
  const S = range(nb);
  let code = ks > 1 ? `var<workgroup> red: array<vec4<f32>, ${ks * A}>;\n` : "";
  code += `@compute @workgroup_size(${nt})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = i32(li);
${spread.wgsl}  let ti = t % ${tt};
  let kl = t / ${tt};
  let m0 = tile * ${tileM} + ti % ${tpm};
  let n0 = i32(wid.y) * ${tileN} + ti / ${tpm};
`;
  for (const j of J) {
    code += `  let mc${j} = min(m0 + ${j * tpm}, ${M - 1});\n`;
    code += `  let xb${j} = x_idx(mc${j} / ${inHW}, 0, mc${j} % ${inHW}, 0);\n`;
  }
  for (const s of S) {
    code += `  let wb${s} = min(n0 + ${s * tpn}, ${OS - 1}) * ${IS * 4};\n`;
    for (const j of J) code += `  var acc${s}_${j} = vec4<f32>(0.0);\n`;
  }
  if (unit === "slice") {
    code += `  for (var si = kl; si < ${IS}; si += ${ks}) {\n`;
    for (const j of J) code += `    let xv${j} = x_load(xb${j} + si * ${inHW});\n`;
    for (const s of S) {
      code += `    let wi${s} = wb${s} + si * 4;\n`;
      for (const c of range(4)) code += `    let w${s}${c} = vec4<f32>(w[wi${s} + ${c}]);\n`;
      for (const j of J) {
        code +=
          `    acc${s}_${j} += w${s}0 * xv${j}.x + w${s}1 * xv${j}.y + w${s}2 * xv${j}.z + w${s}3 * xv${j}.w;\n`;
      }
    }
    code += `  }\n`;
  } else {
    code += `  for (var ch = kl; ch < ${IS * 4}; ch += ${ks}) {\n`;
    code += `    let si = ch / 4;\n    let c = ch % 4;\n`;
    for (const j of J) code += `    let xv${j} = x_load(xb${j} + si * ${inHW})[c];\n`;
    for (const s of S) {
      code += `    let wv${s} = vec4<f32>(w[wb${s} + ch]);\n`;
      for (const j of J) code += `    acc${s}_${j} += wv${s} * xv${j};\n`;
    }
    code += `  }\n`;
  }
  const store = (indent: string, m: string, n: string, v: string): string =>
    `${indent}if (${m} < ${M} && ${n} < ${OS}) {
${indent}  let v = ${v} + vec4<f32>(bias[${n}]);
${indent}  y_store(y_idx(${m} / ${outHW}, 0, ${m} % ${outHW}, ${n}), ${
      activationWgsl(p.activation, "v")
    });
${indent}}
`;
  if (ks === 1) {
    for (const s of S) {
      for (const j of J) {
        code += store("  ", `(m0 + ${j * tpm})`, `(n0 + ${s * tpn})`, `acc${s}_${j}`);
      }
    }
  } else {
    // Partial sums at red[kl * A + a * tt + ti], a = s * mb + j; then a tree over the lanes.
    for (const s of S) {
      for (const j of J) {
        code += `  red[kl * ${A} + ${(s * mb + j) * tt} + ti] = acc${s}_${j};\n`;
      }
    }
    code += `  workgroupBarrier();\n`;
    for (let step = ks / 2; step >= 1; step /= 2) {
      const n = step * A;
      code += n >= nt
        ? `  for (var e = t; e < ${n}; e += ${nt}) { red[e] += red[e + ${n}]; }\n`
        : `  if (t < ${n}) { red[t] += red[t + ${n}]; }\n`;
      code += `  workgroupBarrier();\n`;
    }
    code += `  for (var e = t; e < ${A}; e += ${nt}) {
    let a = e / ${tt};
    let te = e % ${tt};
    let m = tile * ${tileM} + te % ${tpm} + (a % ${mb}) * ${tpm};
    let n = i32(wid.y) * ${tileN} + te / ${tpm} + (a / ${mb}) * ${tpn};
${store("    ", "m", "n", "red[e]")}  }
`;
  }
  code += `}\n`;
  return {
    label: `gemm mb${mb} nb${nb} t${tpm}x${tpn}x${ks} ${unit}`,
    code,
    bindings: weightBindings(p.weights, p.bias),
    dispatch: [spread.x, Math.ceil(OS / tileN), spread.z],
  };
}
