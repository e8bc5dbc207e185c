/**
 * WGSL of CONV_2D as a tiled implicit GEMM: output positions (`M = batch x out height x out width`)
 * times output slices (`N`, 4 channels each), reducing over taps x input slices (`K`).
 *
 * A workgroup owns a tile of `TM = tm * rm` positions and `TN = tn * rn` output slices. For each
 * chunk of `kc` slices of K (a chunk may span taps when the input has few slices), its threads stage
 * the chunk's input vec4s (`kc x TM`, read so that neighbouring threads read neighbouring positions
 * of one PHWC4 slice) and weight vec4s (`kc x 4 x TN`, contiguous runs of the O4I4 rows) in
 * workgroup memory, then each thread multiplies
 * its `rm` positions (`tm` apart) by its `rn` slices (`tn` apart) out of workgroup memory: per input
 * slice `rm + 4 * rn` vec4 loads feed `16 * rm * rn` multiply-adds. The chunks run as one loop over
 * K (taps x input slices); each thread fetches its share of the next chunk into registers before
 * multiplying the current one, so the global loads' latency hides behind arithmetic even with few
 * workgroups per compute unit. `ks > 1` splits each chunk's slices over `ks` lanes (more threads
 * per tile for shapes with few tiles); their partial sums meet in workgroup memory before the store.
 *
 * The tile is chosen per shape by {@linkcode convTile}: the largest register tile that still leaves
 * enough workgroups for a large GPU, then lanes until there are enough threads.
 *
 * @module
 */
import type { GpuLimitsInfo, GpuProgram } from "../../core/kernel.ts";
import { convDims, spreadTiles, weightBindings } from "../_gpu/conv.ts";
import { activationWgsl } from "../_gpu/wgsl.ts";
import { GEMM_FILL_THREADS } from "../_gpu/workgroup.ts";
import { type ConvGeometry, isPointwise } from "./wgsl.ts";

/** Tile of the implicit-GEMM kernel. */
export interface ConvTile {
  /** Threads along positions in a workgroup. */
  tm: number;
  /** Threads along output slices in a workgroup. */
  tn: number;
  /** Positions per thread (`tm` apart). */
  rm: number;
  /** Output slices per thread (`tn` apart). */
  rn: number;
  /** Slices of K (taps x input slices) per staged chunk (divides their number). */
  kc: number;
  /** Lanes splitting each chunk's slices (divides `kc`). */
  ks: number;
}

/** Shape of a convolution as the tile heuristic sees it. */
export interface ConvShape {
  /** Output positions, batch included. */
  m: number;
  /** Input slices. */
  inSlices: number;
  /** Output slices. */
  outSlices: number;
  /** Kernel taps (`kh * kw`). */
  taps: number;
}

/**
 * Workgroups a tile should leave for a large GPU to have one per compute unit (an H100 has 132 SMs);
 * below it the register tile shrinks.
 */
export const CONV_MIN_WORKGROUPS = 128;

/**
 * Register tiles of the heuristic, largest reuse first: `[rm, rn, tm, tn]`. The first has 8
 * positions x 8 channels per thread (4 multiply-adds per float read from workgroup memory) and
 * 128 x 64 outputs per workgroup; the last 1 position x 1 slice per thread.
 */
export const CONV_TILES: readonly (readonly [number, number, number, number])[] = [
  [8, 2, 16, 8],
  [4, 2, 16, 8],
  [4, 2, 8, 8],
  [4, 2, 8, 4],
  [2, 2, 8, 4],
  [2, 1, 8, 4],
  [1, 1, 8, 4],
];

function floorPow2(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/**
 * Workgroup memory of a tile in bytes: the staged chunk (`kc * (TM + 4 * TN)` vec4s), or the lanes'
 * partial sums when that is larger.
 *
 * @example
 * ```ts
 * import { convTileBytes } from "./tiled.ts";
 * const t = { tm: 16, tn: 8, rm: 4, rn: 2, kc: 4, ks: 1 };
 * if (convTileBytes(t) !== 4 * (64 + 64) * 16) throw new Error("wrong");
 * ```
 *
 * @param t The tile.
 * @returns Bytes of workgroup memory.
 */
export function convTileBytes(t: ConvTile): number {
  const stage = t.kc * (t.tm * t.rm + 4 * t.tn * t.rn);
  const red = (t.ks - 1) * t.tm * t.tn;
  return Math.max(stage, red) * 16;
}

/**
 * The tile heuristic: the first of {@linkcode CONV_TILES} (clamped to the shape) that leaves at
 * least `minWorkgroups` workgroups, else the one that leaves the most; chunks of up to 4 slices of
 * K (the largest such divisor of taps x input slices); then lanes (`ks`, doubling the
 * chunk with them while the slices allow) until the threads reach `fill` or the workgroup 256
 * invocations; then the chunk doubles until each lane has two slices per chunk (fewer barriers per
 * multiply-add), where the slices and workgroup memory allow. Every choice fits the device's
 * workgroup limits.
 *
 * @example
 * ```ts
 * import { convTile } from "./tiled.ts";
 * const limits = { maxInvocations: 256, maxWorkgroupSize: [256, 256, 64] as [number, number, number], maxWorkgroupStorageSize: 16384 };
 * // MobileNet v1's 14x14x512 -> 512 pointwise layers: small tiles, lanes splitting the channels.
 * const t = convTile({ m: 196, inSlices: 128, outSlices: 128, taps: 1 }, limits);
 * if (t.rm * t.tm > 32 || t.ks < 2) throw new Error("wrong");
 * ```
 *
 * @param shape Positions, slices and taps.
 * @param limits Device limits.
 * @param options `fill` threads (default `GEMM_FILL_THREADS`), `minWorkgroups` (default
 *   {@linkcode CONV_MIN_WORKGROUPS}).
 * @returns The tile.
 */
export function convTile(
  shape: ConvShape,
  limits: Pick<GpuLimitsInfo, "maxInvocations" | "maxWorkgroupSize" | "maxWorkgroupStorageSize">,
  options: { fill?: number; minWorkgroups?: number } = {},
): ConvTile {
  const fill = options.fill ?? GEMM_FILL_THREADS;
  const minWg = options.minWorkgroups ?? CONV_MIN_WORKGROUPS;
  const maxNt = floorPow2(Math.min(256, limits.maxInvocations, limits.maxWorkgroupSize[0]));
  const groups = (t: ConvTile) =>
    Math.ceil(shape.m / (t.tm * t.rm)) * Math.ceil(shape.outSlices / (t.tn * t.rn));
  // Chunks run over K = taps x input slices: the largest chunk of at most 4 slices that divides it
  // (a 3x3 conv over 3 channels stages 3 taps at once).
  const K = shape.taps * shape.inSlices;
  const kc = [4, 3, 2, 1].find((d) => K % d === 0)!;
  const fits = (t: ConvTile) =>
    t.tm * t.tn * t.ks <= maxNt && convTileBytes(t) <= limits.maxWorkgroupStorageSize;
  const candidates = CONV_TILES.map(([rm, rn, tm, tn]): ConvTile => {
    // Clamp to the shape: no dimension of the tile much larger than the problem.
    let t = { tm, tn, rm, rn, kc, ks: 1 };
    while (t.tn > 1 && t.tn * t.rn >= 2 * shape.outSlices) t = { ...t, tn: t.tn / 2 };
    while (t.rn > 1 && t.tn * t.rn >= 2 * shape.outSlices) t = { ...t, rn: t.rn / 2 };
    while (t.rm > 1 && t.tm * t.rm >= 2 * shape.m) t = { ...t, rm: t.rm / 2 };
    while (t.tm > 4 && t.tm * t.rm >= 2 * shape.m) t = { ...t, tm: t.tm / 2 };
    while (!fits(t) && t.kc > 1) {
      t = {
        ...t,
        kc: [4, 3, 2, 1].find((d) => d < t.kc && K % d === 0)!,
      };
    }
    while (!fits(t) && t.tm * t.tn > 1) {
      t = t.tn > 1 ? { ...t, tn: t.tn / 2 } : { ...t, tm: t.tm / 2 };
    }
    return t;
  });
  let best = candidates.find((t) => groups(t) >= minWg);
  if (!best) {
    best = candidates.reduce((a, b) => groups(b) > groups(a) ? b : a);
  }
  let t = best;
  const threads = (x: ConvTile) => groups(x) * x.tm * x.tn * x.ks;
  while (threads(t) < fill) {
    const kc2 = t.kc % (t.ks * 2) === 0 ? t.kc : t.kc * 2;
    const next = { ...t, ks: t.ks * 2, kc: kc2 };
    if (tileProblem(next, K) !== undefined || !fits(next)) break;
    t = next;
  }
  // Two slices per lane between barriers where the slices and workgroup memory allow.
  while (t.kc < 2 * t.ks) {
    const next = { ...t, kc: t.kc * 2 };
    if (tileProblem(next, K) !== undefined || !fits(next)) break;
    t = next;
  }
  return t;
}

/**
 * Tiles worth timing around a heuristic choice: the choice first, then each of its fields halved
 * and doubled (lanes doubling their chunk with them), then two large register tiles; only tiles that
 * divide the input slices and fit the device's workgroup limits.
 *
 * @example
 * ```ts
 * import { tileCandidates } from "./tiled.ts";
 * const limits = { maxInvocations: 256, maxWorkgroupSize: [256, 256, 64] as [number, number, number], maxWorkgroupStorageSize: 16384 };
 * const base = { tm: 8, tn: 4, rm: 2, rn: 2, kc: 16, ks: 8 };
 * const c = tileCandidates(base, { kSlices: 128, limits });
 * if (c[0] !== base || c.length < 8) throw new Error("wrong");
 * ```
 *
 * @param base The heuristic's tile.
 * @param args Input slices of the conv and the device limits.
 * @returns The candidates, `base` first.
 */
export function tileCandidates(
  base: ConvTile,
  args: {
    kSlices: number;
    limits: Pick<
      GpuLimitsInfo,
      "maxInvocations" | "maxWorkgroupSize" | "maxWorkgroupStorageSize"
    >;
  },
): ConvTile[] {
  const { kSlices, limits } = args;
  const maxNt = Math.min(256, limits.maxInvocations, limits.maxWorkgroupSize[0]);
  const out: ConvTile[] = [base];
  const push = (t: ConvTile) => {
    if (tileProblem(t, kSlices) !== undefined || t.tm * t.tn * t.ks > maxNt) return;
    if (convTileBytes(t) > limits.maxWorkgroupStorageSize) return;
    if (out.some((c) => JSON.stringify(c) === JSON.stringify(t))) return;
    out.push(t);
  };
  for (const f of [0.5, 2]) {
    push({ ...base, rm: base.rm * f });
    push({ ...base, rn: base.rn * f });
    push({ ...base, tm: base.tm * f });
    push({ ...base, tn: base.tn * f });
    push({ ...base, ks: base.ks * f, kc: Math.max(base.kc, base.ks * f) });
    push({ ...base, kc: base.kc * f });
  }
  const kc = Math.min(4, base.kc);
  push({ tm: 16, tn: 8, rm: 8, rn: 2, kc, ks: 1 });
  push({ tm: 16, tn: 8, rm: 4, rn: 4, kc, ks: 1 });
  return out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Checks a tile against a convolution: `kc` divides the reduction's slices (taps x input slices),
 * `ks` divides `kc`, sizes
 * positive.
 *
 * @example
 * ```ts
 * import { tileProblem } from "./tiled.ts";
 * if (tileProblem({ tm: 8, tn: 4, rm: 2, rn: 2, kc: 4, ks: 8 }, 8) === undefined) {
 *   throw new Error("wrong");
 * }
 * ```
 *
 * @param t The tile.
 * @param kSlices Slices of the reduction: taps x input slices.
 * @returns Why the tile cannot run the convolution, or `undefined`.
 */
export function tileProblem(t: ConvTile, kSlices: number): string | undefined {
  for (const k of ["tm", "tn", "rm", "rn", "kc", "ks"] as const) {
    if (!Number.isInteger(t[k]) || t[k] < 1) {
      return `tile field ${k} is ${t[k]}, not a positive integer`;
    }
  }
  if (kSlices % t.kc !== 0) {
    return `chunk of ${t.kc} slices does not divide ${kSlices} reduction slices`;
  }
  if (t.kc % t.ks !== 0) return `${t.ks} lanes do not divide a chunk of ${t.kc} slices`;
  return undefined;
}

/**
 * The implicit-GEMM CONV_2D program. Bindings: input `x` (0), output `y` (0), const `w` (O4I4
 * `vec4<T>`), const `bias` (`vec4<T>` per output slice).
 *
 * @example
 * ```ts ignore
 * const prog = tiledConvProgram(geometry, { tile, weights, bias });
 * ```
 *
 * @param g The geometry.
 * @param args The tile, O4I4 weights (`packO4I4`), packed bias (`packBias`), and
 *   `maxWorkgroupsPerDimension` (position tiles past it spill into `z`).
 * @returns The program.
 */
export function tiledConvProgram(
  g: ConvGeometry,
  args: {
    tile: ConvTile;
    weights: Float32Array;
    bias: Float32Array;
    maxWorkgroupsPerDimension?: number;
  },
): GpuProgram {
  const { IH, IW, B, OH, OW, IS, OS, KH, KW, SH, SW, DH, DW, PT, PL } = convDims(g);
  const { tm, tn, rm, rn, kc, ks } = args.tile;
  const taps = KH * KW;
  const problem = tileProblem(args.tile, taps * IS);
  if (problem) throw new RangeError(`CONV_2D tile: ${problem}`);
  const pw = isPointwise(g);
  const M = B * OH * OW;
  const TM = tm * rm;
  const TN = tn * rn;
  const TT = tm * tn;
  const NT = TT * ks;
  const spread = spreadTiles(Math.ceil(M / TM), args.maxWorkgroupsPerDimension);
  const xsLen = kc * TM;
  const wsLen = kc * 4 * TN;
  const shLen = Math.max(xsLen + wsLen, (ks - 1) * TT);
  const loadsA = Math.ceil(xsLen / NT);
  const loadsB = Math.ceil(wsLen / NT);
  const checkH = !pw && (PT > 0 || (OH - 1) * SH - PT + (KH - 1) * DH >= IH);
  const checkW = !pw && (PL > 0 || (OW - 1) * SW - PL + (KW - 1) * DW >= IW);
  const inHW = IH * IW;
  let code = `var<workgroup> csh: array<vec4<f32>, ${shLen}>;
@compute @workgroup_size(${NT})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = i32(li);
${spread.wgsl}  let m0 = tile * ${TM};
  let n0 = i32(wid.y) * ${TN};
  let ti = t % ${TT};
  let kl = t / ${TT};
  let tmi = ti % ${tm};
  let tni = ti / ${tm};
`;
  // Staging slots: slot i of thread t stages element e = t + i * NT of the chunk.
  for (const i of range(loadsA)) {
    code += `  let ea${i} = t + ${i * NT};\n`;
    code += `  let am${i} = ea${i} % ${TM};\n  let ak${i} = min(ea${i} / ${TM}, ${kc - 1});\n`;
    code += `  let pm${i} = min(m0 + am${i}, ${M - 1});\n`;
    if (pw) {
      code += `  let xa${i} = x_idx(pm${i} / ${OH * OW}, 0, pm${i} % ${OH * OW}, ak${i});\n`;
    } else {
      code += `  let pb${i} = pm${i} / ${OH * OW};\n`;
      code += `  let iy${i} = (pm${i} / ${OW}) % ${OH} * ${SH} - ${PT};\n`;
      code += `  let ix${i} = pm${i} % ${OW} * ${SW} - ${PL};\n`;
    }
  }
  for (const i of range(loadsB)) {
    code += `  let eb${i} = t + ${i * NT};\n`;
    code += `  let bq${i} = eb${i} % ${kc * 4};\n`;
    code += `  let bn${i} = min(eb${i} / ${kc * 4}, ${TN - 1});\n`;
    code += `  let wa${i} = min(n0 + bn${i}, ${OS - 1}) * ${taps * IS * 4} + bq${i};\n`;
  }
  for (const j of range(rn)) {
    for (const i of range(rm)) code += `  var acc${j}_${i} = vec4<f32>(0.0);\n`;
  }
  const guardA = (i: number) => (i + 1) * NT > xsLen;
  const guardB = (i: number) => (i + 1) * NT > wsLen;
  // Chunk c holds K slices [c * kc, c * kc + kc) in (tap, input slice) order: slot i's slice
  // c * kc + ak is input slice (c * kc + ak) % IS of tap (c * kc + ak) / IS. Each thread loads its
  // slots of chunk c + 1 into registers before multiplying chunk c out of workgroup memory, so
  // global latency hides behind the multiply-adds.
  const chunks = (taps * IS) / kc;
  const fetch = (c: string, ind: string): string => {
    let s = "";
    for (const i of range(loadsA)) {
      if (pw) {
        s += `${ind}ra${i} = x_load(xa${i} + ${c} * ${kc * inHW});\n`;
        continue;
      }
      s += `${ind}let kk${i} = ${c} * ${kc} + ak${i};\n${ind}let tap${i} = kk${i} / ${IS};\n`;
      s += `${ind}let ty${i} = iy${i} + tap${i} / ${KW} * ${DH};\n`;
      s += `${ind}let tx${i} = ix${i} + tap${i} % ${KW} * ${DW};\n`;
      const conds = [
        ...(checkH ? [`ty${i} >= 0 && ty${i} < ${IH}`] : []),
        ...(checkW ? [`tx${i} >= 0 && tx${i} < ${IW}`] : []),
      ];
      const yc = checkH ? `clamp(ty${i}, 0, ${IH - 1})` : `ty${i}`;
      const xc = checkW ? `clamp(tx${i}, 0, ${IW - 1})` : `tx${i}`;
      const load = `x_load(x_idx(pb${i}, ${yc}, ${xc}, kk${i} % ${IS}))`;
      s += conds.length
        ? `${ind}ra${i} = select(vec4<f32>(0.0), ${load}, ${conds.join(" && ")});\n`
        : `${ind}ra${i} = ${load};\n`;
    }
    for (const i of range(loadsB)) {
      s += `${ind}rb${i} = vec4<f32>(w[wa${i} + ${c} * ${kc * 4}]);\n`;
    }
    return s;
  };
  for (const i of range(loadsA)) code += `  var ra${i}: vec4<f32>;\n`;
  for (const i of range(loadsB)) code += `  var rb${i}: vec4<f32>;\n`;
  code += `  {\n${fetch("0", "    ")}  }\n  for (var c = 0; c < ${chunks}; c++) {\n`;
  for (const i of range(loadsA)) {
    const st = `csh[ea${i}] = ra${i};`;
    code += guardA(i) ? `    if (ea${i} < ${xsLen}) { ${st} }\n` : `    ${st}\n`;
  }
  for (const i of range(loadsB)) {
    const st = `csh[${xsLen} + bq${i} * ${TN} + bn${i}] = rb${i};`;
    code += guardB(i) ? `    if (eb${i} < ${wsLen}) { ${st} }\n` : `    ${st}\n`;
  }
  code += `    workgroupBarrier();\n`;
  code += `    if (c + 1 < ${chunks}) {\n${fetch("(c + 1)", "      ")}    }\n`;
  code += ks > 1
    ? `    for (var k = kl; k < ${kc}; k += ${ks}) {\n`
    : `    for (var k = 0; k < ${kc}; k++) {\n`;
  const k2 = `      `;
  for (const i of range(rm)) code += `${k2}let a${i} = csh[k * ${TM} + tmi + ${i * tm}];\n`;
  for (const j of range(rn)) {
    for (const c of range(4)) {
      code += `${k2}let w${j}${c} = csh[${xsLen} + (k * 4 + ${c}) * ${TN} + tni + ${j * tn}];\n`;
    }
    // Four chained fma()s per output vec4; the sum of four products as one expression compiles to
    // a multiply, three fused multiply-adds and an add (float addition is not reassociated).
    for (const i of range(rm)) {
      const a = `acc${j}_${i}`;
      for (const [c, lane] of ["x", "y", "z", "w"].entries()) {
        code += `${k2}${a} = fma(w${j}${c}, vec4<f32>(a${i}.${lane}), ${a});\n`;
      }
    }
  }
  code += `    }\n    workgroupBarrier();\n  }\n`;
  if (ks > 1) code += laneSums({ rm, rn, ks, TT, cap: shLen });
  const store = (j: number, i: number) => {
    const m = `(m0 + tmi + ${i * tm})`;
    const n = `(n0 + tni + ${j * tn})`;
    const pos = pw
      ? `y_idx(${m} / ${OH * OW}, 0, ${m} % ${OH * OW}, ${n})`
      : `y_idx(${m} / ${OH * OW}, ${m} / ${OW} % ${OH}, ${m} % ${OW}, ${n})`;
    return `  if (${m} < ${M} && ${n} < ${OS}) {
    let v${j}_${i} = acc${j}_${i} + vec4<f32>(bias[${n}]);
    y_store(${pos}, ${activationWgsl(g.activation, `v${j}_${i}`)});
  }
`;
  };
  if (ks > 1) code += `  if (kl != 0) { return; }\n`;
  for (const j of range(rn)) for (const i of range(rm)) code += store(j, i);
  code += `}\n`;
  return {
    label: `conv ${KH}x${KW} tiled ${TM}x${TN} r${rm}x${rn} t${tm}x${tn} kc${kc} ks${ks}`,
    code,
    bindings: weightBindings(args.weights, args.bias),
    dispatch: [spread.x, Math.ceil(OS / TN), spread.z],
  };
}

/**
 * Adds the `ks` lanes' accumulators into lane 0's, through workgroup memory: as many accumulators
 * per round as `cap` vec4s hold, two barriers per round.
 */
function laneSums(p: { rm: number; rn: number; ks: number; TT: number; cap: number }): string {
  const { rm, rn, ks, TT, cap } = p;
  const accs = range(rn).flatMap((j) => range(rm).map((i) => `acc${j}_${i}`));
  const per = Math.max(1, Math.floor(cap / ((ks - 1) * TT)));
  let code = "";
  for (let r = 0; r < accs.length; r += per) {
    const group = accs.slice(r, r + per);
    code += `  if (kl > 0) {\n`;
    group.forEach((a, g) => {
      code += `    csh[((kl - 1) * ${group.length} + ${g}) * ${TT} + ti] = ${a};\n`;
    });
    code += `  }\n  workgroupBarrier();\n  if (kl == 0) {\n`;
    code += `    for (var l = 0; l < ${ks - 1}; l++) {\n`;
    group.forEach((a, g) => {
      code += `      ${a} += csh[(l * ${group.length} + ${g}) * ${TT} + ti];\n`;
    });
    code += `    }\n  }\n  workgroupBarrier();\n`;
  }
  return code;
}
