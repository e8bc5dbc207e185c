/**
 * WGSL of CONV_2D: a register-blocked direct convolution over O4I4 weights, and a pointwise
 * (1x1, stride 1) variant that walks flattened spatial positions like a matmul over channels.
 *
 * Thread mapping: `x` covers output columns (pointwise: flattened `h * W + w` positions) in blocks of
 * `wb`, spread `wg.x` apart so neighbouring threads touch neighbouring memory; `y` covers batch x
 * output rows (pointwise: batch); `z` covers output slices in blocks of `sb`. Each thread keeps
 * `wb * sb` `vec4<f32>` accumulators, so every weight vec4 it loads serves `wb` positions and every
 * input vec4 serves `sb` slices.
 *
 * @module
 */
import type { GpuProgram, HostTensor } from "../../core/kernel.ts";
import { numbersOf } from "../_shared/tensor.ts";
import { convDims, type ConvGeometry, weightBindings } from "../_gpu/conv.ts";
import { activationWgsl } from "../_gpu/wgsl.ts";
import { GEMM_FILL_THREADS, groupsFor, type Workgroup } from "../_gpu/workgroup.ts";

export type { ConvGeometry } from "../_gpu/conv.ts";

/** Register blocking and workgroup of a conv program. */
export interface ConvTuning {
  /** Output positions per thread along `x`. */
  wb: number;
  /** Output slices per thread. */
  sb: number;
  /** Workgroup size. */
  wg: Workgroup;
}

/**
 * Whether a convolution is pointwise: 1x1 kernel, stride 1, no padding (so input and output positions
 * coincide).
 *
 * @example
 * ```ts ignore
 * isPointwise(geometry);
 * ```
 *
 * @param g The geometry.
 * @returns `true` for a pointwise conv.
 */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kernel[0] === 1 && g.kernel[1] === 1 && g.stride[0] === 1 && g.stride[1] === 1 &&
    g.pad[0] === 0 && g.pad[1] === 0 && g.input.shape4[1] === g.output.shape4[1] &&
    g.input.shape4[2] === g.output.shape4[2];
}

/**
 * Whether a convolution's filter covers its whole unpadded input, one batch, one output position
 * (the 2x2 heads of BlazePose over a 2x2 map): a GEMV over `H * W * C`, which the GEMM program runs
 * with the reduction split over a workgroup instead of one thread per output slice.
 *
 * @example
 * ```ts
 * import { coversInput } from "./wgsl.ts";
 * const t = (h: number, w: number, c: number) => ({
 *   dtype: "float32" as const, shape: [1, h, w, c], shape4: [1, h, w, c] as [number, number, number, number],
 *   slices: Math.ceil(c / 4),
 * });
 * const g = { input: t(2, 2, 192), output: t(1, 1, 195), kernel: [2, 2] as [number, number],
 *   stride: [1, 1] as [number, number], dilation: [1, 1] as [number, number],
 *   pad: [0, 0] as [number, number], activation: "NONE" as const };
 * if (!coversInput(g) || coversInput({ ...g, pad: [1, 0] })) throw new Error("wrong");
 * ```
 *
 * @param g The geometry.
 * @returns `true` for a whole-input convolution.
 */
export function coversInput(g: ConvGeometry): boolean {
  const [B, IH, IW] = g.input.shape4;
  const [OB, OH, OW] = g.output.shape4;
  return B === 1 && OB === 1 && OH === 1 && OW === 1 && IH * IW > 1 &&
    g.kernel[0] === IH && g.kernel[1] === IW && g.pad[0] === 0 && g.pad[1] === 0 &&
    g.dilation[0] === 1 && g.dilation[1] === 1;
}

/**
 * A whole-input filter `[O, H, W, C]` as the 1x1 filter of a GEMV over the input's PHWC4 vec4s in
 * storage order: virtual channel `((s * H + h) * W + w) * 4 + lane` is channel `4 * s + lane` at
 * `(h, w)` (zero past `C`), so `x_load(s * H * W + h * W + w)` meets its weights.
 *
 * @example
 * ```ts
 * import { wholeInputFilter } from "./wgsl.ts";
 * const w = { dtype: "float32" as const, shape: [1, 1, 2, 5], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) };
 * const v = wholeInputFilter(w);
 * // Slice 0 at w = 0, then at w = 1, then slice 1 (channel 4, then zeros) at w = 0 and 1.
 * if (v.shape.join() !== "1,1,1,16" || v.data.join() !== "1,2,3,4,6,7,8,9,5,0,0,0,10,0,0,0") {
 *   throw new Error(`got ${v.data}`);
 * }
 * ```
 *
 * @param filter OHWI weights.
 * @returns `[O, 1, 1, ceil(C / 4) * H * W * 4]` weights.
 */
export function wholeInputFilter(filter: HostTensor): HostTensor {
  const [O, H, W, C] = filter.shape;
  const S = Math.ceil(C / 4);
  const K = S * H * W * 4;
  const src = numbersOf(filter);
  const data = new Float32Array(O * K);
  for (let o = 0; o < O; o++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        for (let c = 0; c < C; c++) {
          const v = (((c >> 2) * H + h) * W + w) * 4 + (c & 3);
          data[o * K + v] = src[((o * H + h) * W + w) * C + c];
        }
      }
    }
  }
  return { dtype: "float32", shape: [O, 1, 1, K], data };
}

/**
 * The thread grid of a conv program before blocking by the workgroup: `[x, y, z]` threads.
 *
 * @example
 * ```ts ignore
 * const grid = convGrid(geometry, { wb: 4, sb: 2 });
 * ```
 *
 * @param g The geometry.
 * @param block Positions (`wb`) and slices (`sb`) per thread.
 * @returns Threads along `x`, `y`, `z`.
 */
export function convGrid(g: ConvGeometry, block: { wb: number; sb: number }): Workgroup {
  const [B, OH, OW] = g.output.shape4;
  const x = isPointwise(g) ? OH * OW : OW;
  const y = isPointwise(g) ? B : B * OH;
  return [Math.ceil(x / block.wb), y, Math.ceil(g.output.slices / block.sb)];
}

/**
 * Default register blocking: 4 positions per thread on wide outputs (2 on narrow ones, 1 below 8),
 * 2 slices per thread when there are at least 4 output slices; while that leaves fewer than `fill`
 * threads, positions per thread drop to 2, then slices to 1, then positions to 1 (a small conv is
 * latency-bound: more threads beat more reuse per thread).
 *
 * @example
 * ```ts ignore
 * const { wb, sb } = convBlocking(geometry);
 * ```
 *
 * @param g The geometry.
 * @param fill Threads to aim for (default `GEMM_FILL_THREADS`).
 * @returns `wb` and `sb`.
 */
export function convBlocking(
  g: ConvGeometry,
  fill: number = GEMM_FILL_THREADS,
): { wb: number; sb: number } {
  const [, OH, OW] = g.output.shape4;
  const span = isPointwise(g) ? OH * OW : OW;
  let wb = span >= 32 ? 4 : span >= 8 ? 2 : 1;
  let sb = g.output.slices >= 4 ? 2 : 1;
  const threads = () => convGrid(g, { wb, sb }).reduce((a, b) => a * b, 1);
  // Too few threads to fill a big GPU (a stem conv over 3 channels): trade blocking for threads.
  while (threads() < fill && (wb > 1 || sb > 1)) {
    if (wb > 2) wb /= 2;
    else if (sb > 1) sb = 1;
    else wb = 1;
  }
  return { wb, sb };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The CONV_2D program. Bindings: input `x` (0), output `y` (0), const `w` (O4I4 `vec4<T>`), const
 * `bias` (`vec4<T>` per output slice).
 *
 * @example
 * ```ts ignore
 * const prog = convProgram(geometry, { wb: 4, sb: 2, wg: [16, 4, 4] }, packedWeights, packedBias);
 * ```
 *
 * @param g The geometry.
 * @param t Blocking and workgroup.
 * @param weights O4I4 weights from `packO4I4`.
 * @param bias Packed bias from `packBias`.
 * @returns The program.
 */
export function convProgram(
  g: ConvGeometry,
  t: ConvTuning,
  weights: Float32Array,
  bias: Float32Array,
): GpuProgram {
  const { IH, IW, B, OH, OW, IS, OS, KH, KW, SH, SW, DH, DW, PT, PL } = convDims(g);
  const { wb, sb, wg } = t;
  const pw = isPointwise(g);
  const span = pw ? OH * OW : OW;
  const J = range(wb);
  const S = range(sb);
  const checkH = !pw && (PT > 0 || (OH - 1) * SH - PT + (KH - 1) * DH >= IH);
  const checkW = !pw && (PL > 0 || (OW - 1) * SW - PL + (KW - 1) * DW >= IW);
  let code = `@compute @workgroup_size(${wg[0]}, ${wg[1]}, ${wg[2]})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let gy = i32(wid.y * ${wg[1]}u + lid.y);
  let gz = i32(wid.z * ${wg[2]}u + lid.z);
  if (gy >= ${pw ? B : B * OH} || gz * ${sb} >= ${OS}) { return; }
  let x0 = i32(wid.x) * ${wg[0] * wb} + i32(lid.x);
`;
  code += pw ? `  let b = gy;\n` : `  let b = gy / ${OH};\n  let oy = gy % ${OH};\n`;
  for (const s of S) {
    code += `  let os${s} = min(gz * ${sb} + ${s}, ${OS - 1});\n`;
    code += `  let bv${s} = vec4<f32>(bias[os${s}]);\n`;
    for (const j of J) code += `  var acc${s}_${j} = bv${s};\n`;
  }
  for (const j of J) {
    code += `  let p${j} = min(x0 + ${j * wg[0]}, ${span - 1});\n`;
  }
  const loadX = (j: number): string => {
    if (pw) return `x_load(x_idx(b, 0, p${j}, si))`;
    const ix = checkW ? `clamp(ix${j}, 0, ${IW - 1})` : `ix${j}`;
    const load = `x_load(x_idx(b, iy, ${ix}, si))`;
    return checkW ? `select(vec4<f32>(0.0), ${load}, okx${j})` : load;
  };
  const inner = (indent: string, tap: string): string => {
    let s = `${indent}for (var si = 0; si < ${IS}; si++) {\n`;
    for (const j of J) s += `${indent}  let xv${j} = ${loadX(j)};\n`;
    for (const k of S) {
      s += `${indent}  let wi${k} = ((os${k} * ${KH * KW} + ${tap}) * ${IS} + si) * 4;\n`;
      for (const c of range(4)) {
        s += `${indent}  let w${k}${c} = vec4<f32>(w[wi${k} + ${c}]);\n`;
      }
      for (const j of J) {
        s +=
          `${indent}  acc${k}_${j} += w${k}0 * xv${j}.x + w${k}1 * xv${j}.y + w${k}2 * xv${j}.z + w${k}3 * xv${j}.w;\n`;
      }
    }
    return s + `${indent}}\n`;
  };
  if (pw) {
    code += inner("  ", "0");
  } else {
    code += `  for (var ky = 0; ky < ${KH}; ky++) {\n`;
    code += `    let iy = oy * ${SH} - ${PT} + ky * ${DH};\n`;
    if (checkH) code += `    if (iy < 0 || iy >= ${IH}) { continue; }\n`;
    code += `    for (var kx = 0; kx < ${KW}; kx++) {\n`;
    for (const j of J) {
      code += `      let ix${j} = p${j} * ${SW} - ${PL} + kx * ${DW};\n`;
      if (checkW) code += `      let okx${j} = ix${j} >= 0 && ix${j} < ${IW};\n`;
    }
    code += inner("      ", `ky * ${KW} + kx`);
    code += `    }\n  }\n`;
  }
  for (const s of S) {
    code += `  if (gz * ${sb} + ${s} < ${OS}) {\n`;
    for (const j of J) {
      const idx = pw ? `y_idx(b, 0, p${j}, os${s})` : `y_idx(b, oy, p${j}, os${s})`;
      code += `    if (x0 + ${j * wg[0]} < ${span}) { y_store(${idx}, ${
        activationWgsl(g.activation, `acc${s}_${j}`)
      }); }\n`;
    }
    code += `  }\n`;
  }
  code += `}\n`;
  const grid = convGrid(g, t);
  const groups = groupsFor([span, grid[1], grid[2]], [wg[0] * wb, wg[1], wg[2]]);
  return {
    label: `${pw ? "pointwise" : "conv"} ${KH}x${KW} wb${wb} sb${sb} wg${wg.join("x")}`,
    code,
    bindings: weightBindings(weights, bias),
    dispatch: groups,
  };
}
