/**
 * WGSL of DEPTHWISE_CONV_2D (depth multiplier 1) as column strips: each thread computes `rows`
 * vertically adjacent outputs of one column and one slice. It keeps the slice's `KH x KW` weight
 * vec4s in registers and reads every input vec4 its strip touches once
 * (`((rows - 1) * strideH + (KH - 1) * dilationH + 1) x KW` loads for `rows` outputs, against
 * `2 * KH * KW` loads per output when each output reads its window and weights), adding each into
 * every output whose window holds it. Neighbouring threads take neighbouring columns, so each load
 * of a warp reads consecutive vec4s of one PHWC4 row.
 *
 * @module
 */
import type {
  GpuLimitsInfo,
  GpuPlanArgs,
  GpuProgram,
  GpuTuneSpace,
  HostTensor,
} from "../../core/kernel.ts";
import { convAxes, type ConvOptions, packBias } from "../_shared/conv_common.ts";
import { readNumber } from "../_shared/tensor.ts";
import { convDims, type ConvGeometry, weightBindings } from "../_gpu/conv.ts";
import { activationWgsl } from "../_gpu/wgsl.ts";
import { convWorkgroup, GEMM_FILL_THREADS, type Workgroup } from "../_gpu/workgroup.ts";

/**
 * Rows per thread: 4, halved while the grid has fewer than `fill / 2` threads (a small layer
 * needs threads more than reuse), never more than the output's height.
 *
 * @example
 * ```ts
 * import { columnRows } from "./column.ts";
 * const t = (h: number, w: number, c: number) => ({
 *   dtype: "float32" as const, shape: [1, h, w, c], shape4: [1, h, w, c] as [number, number, number, number],
 *   slices: Math.ceil(c / 4),
 * });
 * const g = {
 *   input: t(112, 112, 64), output: t(112, 112, 64), kernel: [3, 3] as [number, number],
 *   stride: [1, 1] as [number, number], dilation: [1, 1] as [number, number],
 *   pad: [1, 1] as [number, number], activation: "RELU6" as const,
 * };
 * if (columnRows(g) !== 4) throw new Error("wrong");
 * ```
 *
 * @param g The geometry.
 * @param fill Threads to aim for (default `GEMM_FILL_THREADS`).
 * @returns Rows per thread.
 */
export function columnRows(g: ConvGeometry, fill: number = GEMM_FILL_THREADS): number {
  const [B, OH, OW] = g.output.shape4;
  let rows = 4;
  while (
    rows > 1 && (rows / 2 >= OH || B * Math.ceil(OH / rows) * OW * g.output.slices < fill / 2)
  ) {
    rows /= 2;
  }
  return rows;
}

/**
 * Packs depthwise weights `[1, KH, KW, C]` as one vec4 per (slice, tap): element
 * `(s * KH * KW + tap) * 4 + lane` is channel `4 * s + lane` (zero past `C`).
 *
 * @example
 * ```ts
 * import { packDepthwise } from "./column.ts";
 * const w = { dtype: "float32" as const, shape: [1, 1, 2, 5], data: new Float32Array(10).fill(1) };
 * if (packDepthwise(w).length !== 2 * 2 * 4) throw new Error("wrong");
 * ```
 *
 * @param w The filter.
 * @returns `ceil(C / 4) * KH * KW * 4` floats.
 */
export function packDepthwise(w: HostTensor): Float32Array {
  const [, KH, KW, C] = w.shape;
  const taps = KH * KW;
  const out = new Float32Array(Math.ceil(C / 4) * taps * 4);
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < taps; t++) {
      out[(Math.floor(c / 4) * taps + t) * 4 + (c % 4)] = readNumber(w, t * C + c);
    }
  }
  return out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The column-strip depthwise program. Bindings: input `x` (0), output `y` (0), const `w`
 * (`packDepthwise`), const `bias` (`vec4<T>` per slice).
 *
 * @example
 * ```ts ignore
 * const prog = columnDepthwiseProgram(g, { rows: 4, weights, bias, limits });
 * ```
 *
 * @param g The geometry (depth multiplier 1).
 * @param args Rows per thread, packed weights and bias, device limits, optional workgroup.
 * @returns The program.
 */
export function columnDepthwiseProgram(
  g: ConvGeometry,
  args: {
    rows: number;
    weights: Float32Array;
    bias: Float32Array;
    limits: Pick<GpuLimitsInfo, "maxInvocations" | "maxWorkgroupSize">;
    wg?: Workgroup;
  },
): GpuProgram {
  const { IH, IW, B, OH, OW, OS, KH, KW, SH, SW, DH, DW, PT, PL } = convDims(g);
  const R = args.rows;
  const RB = Math.ceil(OH / R);
  const grid: Workgroup = [OW, B * RB, OS];
  const wg = args.wg ?? convWorkgroup(grid, args.limits);
  const span = (R - 1) * SH + (KH - 1) * DH + 1;
  const checkH = PT > 0 || (RB * R - 1) * SH - PT + (KH - 1) * DH >= IH;
  const checkW = PL > 0 || (OW - 1) * SW - PL + (KW - 1) * DW >= IW;
  let code = `@compute @workgroup_size(${wg[0]}, ${wg[1]}, ${wg[2]})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let ox = i32(gid.x);
  let gy = i32(gid.y);
  let s = i32(gid.z);
  if (ox >= ${OW} || gy >= ${B * RB} || s >= ${OS}) { return; }
  let b = gy / ${RB};
  let oy0 = gy % ${RB} * ${R};
  let iyb = oy0 * ${SH} - ${PT};
  let ixb = ox * ${SW} - ${PL};
`;
  for (const t of range(KH * KW)) code += `  let w${t} = vec4<f32>(w[s * ${KH * KW} + ${t}]);\n`;
  // Accumulators start from the bias, the order of the reference and the direct kernel
  // (pose_landmark_lite, which amplifies rounding, is 2.1e-5 from the reference this way on
  // lavapipe and 7.2e-5 with the bias added last).
  code += `  let bv = vec4<f32>(bias[s]);\n`;
  for (const r of range(R)) code += `  var acc${r} = bv;\n`;
  for (const kx of range(KW)) {
    code += `  let ix${kx} = ixb + ${kx * DW};\n`;
    if (checkW) code += `  let okx${kx} = ix${kx} >= 0 && ix${kx} < ${IW};\n`;
  }
  for (const rel of range(span)) {
    // Outputs r of the strip whose tap row ky reads input row rel: rel = r * SH + ky * DH.
    const uses = range(R).flatMap((r) => {
      const d = rel - r * SH;
      return d >= 0 && d % DH === 0 && d / DH < KH ? [[r, d / DH]] : [];
    });
    if (uses.length === 0) continue;
    code += `  {\n    let iy = iyb + ${rel};\n`;
    if (checkH) {
      code += `    let oky = iy >= 0 && iy < ${IH};\n    let iyc = clamp(iy, 0, ${IH - 1});\n`;
    }
    for (const kx of range(KW)) {
      const ixc = checkW ? `clamp(ix${kx}, 0, ${IW - 1})` : `ix${kx}`;
      const load = `x_load(x_idx(b, ${checkH ? "iyc" : "iy"}, ${ixc}, s))`;
      const ok = [...(checkH ? ["oky"] : []), ...(checkW ? [`okx${kx}`] : [])];
      code += ok.length
        ? `    let v${kx} = select(vec4<f32>(0.0), ${load}, ${ok.join(" && ")});\n`
        : `    let v${kx} = ${load};\n`;
      for (const [r, ky] of uses) {
        code += `    acc${r} = fma(w${ky * KW + kx}, v${kx}, acc${r});\n`;
      }
    }
    code += `  }\n`;
  }
  for (const r of range(R)) {
    code += `  if (oy0 + ${r} < ${OH}) { y_store(y_idx(b, oy0 + ${r}, ox, s), ${
      activationWgsl(g.activation, `acc${r}`)
    }); }\n`;
  }
  code += `}\n`;
  return {
    label: `depthwise ${KH}x${KW} column r${R} wg${wg.join("x")}`,
    code,
    bindings: weightBindings(args.weights, args.bias),
    dispatch: [Math.ceil(grid[0] / wg[0]), Math.ceil(grid[1] / wg[1]), Math.ceil(grid[2] / wg[2])],
  };
}

function columnGeometry(args: GpuPlanArgs<ConvOptions>): ConvGeometry | undefined {
  const { inputs, outputs, options: o } = args;
  const x = inputs[0]!;
  const w = inputs[1]!;
  if (w.shape[3] !== x.shape4[3]) return undefined;
  const { oh, ow } = convAxes(o, [x.shape[1], x.shape[2]], [w.shape[1], w.shape[2]]);
  return {
    input: x,
    output: outputs[0],
    kernel: [w.shape[1], w.shape[2]],
    stride: [o.strideH, o.strideW],
    dilation: [o.dilationH, o.dilationW],
    pad: [oh.before, ow.before],
    activation: o.activation,
  };
}

/**
 * The DEPTHWISE_CONV_2D program of `./column.ts` (column strips of `rows` outputs per thread, each
 * input read once per strip) for a node of depth multiplier 1, or `undefined` for other
 * multipliers; `rows` defaults to `columnRows`.
 *
 * @example
 * ```ts ignore
 * const progs = depthwiseColumnPrograms(args, 2);
 * ```
 *
 * @param args Plan arguments.
 * @param rows Outputs per thread along the height.
 * @returns The programs, or `undefined`.
 */
export function depthwiseColumnPrograms(
  args: GpuPlanArgs<ConvOptions>,
  rows?: number,
): GpuProgram[] | undefined {
  const g = columnGeometry(args);
  if (!g) return undefined;
  return [columnDepthwiseProgram(g, {
    rows: rows ?? columnRows(g),
    weights: packDepthwise(args.inputs[1]!.value!),
    bias: packBias(args.inputs[2]?.value, g.output.shape4[3]),
    limits: args.limits,
  })];
}

/**
 * The rows of a tuned choice (`{ rows }` with 1, 2, 4 or 8), or `undefined`.
 *
 * @example
 * ```ts
 * import { columnRowsOf } from "./column.ts";
 * if (columnRowsOf({ rows: 2 }) !== 2 || columnRowsOf({ rows: 3 }) !== undefined) throw new Error("wrong");
 * ```
 *
 * @param t `GpuPlanArgs.tuning`.
 * @returns Rows per thread.
 */
export function columnRowsOf(t: unknown): number | undefined {
  const r = (t as { rows?: unknown } | undefined)?.rows;
  return typeof r === "number" && [1, 2, 4, 8].includes(r) ? r : undefined;
}

/**
 * Row counts worth timing for a depthwise node of multiplier 1 (the heuristic's first), under a
 * key of shapes, parameters and precision; `undefined` for other multipliers.
 *
 * @example
 * ```ts ignore
 * const space = depthwiseTuneSpace(args);
 * ```
 *
 * @param args Plan arguments.
 * @returns The tune space.
 */
export function depthwiseTuneSpace(args: GpuPlanArgs<ConvOptions>): GpuTuneSpace | undefined {
  const g = columnGeometry(args);
  if (!g) return undefined;
  const first = columnRows(g);
  const rows = [first, ...[1, 2, 4, 8].filter((r) => r !== first && r <= g.output.shape4[1])];
  return {
    key: `DEPTHWISE_CONV_2D ${g.input.shape4.join("x")} -> ${g.output.shape4.join("x")} k${
      g.kernel.join("x")
    } s${g.stride.join("x")} d${g.dilation.join("x")} p${g.pad.join("x")} ${args.precision}`,
    candidates: rows.map((r) => ({ rows: r })),
  };
}
