/**
 * TensorFlow Lite's integer LSTM, the 8x8->16 scheme (`lstm_eval.cc` `EvalInteger8x8_16`): int8
 * input, output state and weights, int16 cell state (scale `2^cell_scale`), int16 peephole and
 * layer-norm weights, int32 biases, and five intermediate tensors whose scales the file records:
 * the four gates' matmul outputs (used with layer norm; Q3.12 otherwise) and the hidden state.
 *
 * Per step and batch row, each gate is `W x + R h (+ p ⊙ c)` accumulated in int16 through one
 * fixed-point multiplier per product (the input zero points folded into the biases), then layer
 * norm in integer arithmetic (bias added there), then gemmlowp's 16-bit logistic (tanh for the
 * cell gate) on Q3.12. The cell state is `f ⊙ c + i ⊙ g` by rounding shifts, clipped; the hidden
 * state `o ⊙ tanh(c)` is requantized to int8 (through the projection when there is one).
 *
 * @module
 */
import type { HostTensor, OpInput, QuantKernelDef, TensorSpec } from "../../core/kernel.ts";
import { OpError, UnsupportedError } from "../../core/errors.ts";
import {
  multiplyByQuantizedMultiplier,
  type QuantizedMultiplier,
  quantizeMultiplier,
  roundingDivideByPot,
} from "./quant_math.ts";
import { invSqrtQuantizedMultiplierExp, logistic16, tanh16 } from "./fixed_point.ts";
import { LSTM_INPUT, type LstmOptions } from "./lstm.ts";
import { allocTensor } from "./tensor.ts";

const I = LSTM_INPUT;
const f = Math.fround;

/** Scale and zero point of one intermediate tensor. */
export interface LstmIntermediate {
  /** Scale. */
  scale: number;
  /** Zero point. */
  zeroPoint: number;
}

type Gate = "input" | "forget" | "cell" | "output";

const GATES: readonly {
  gate: Gate;
  w: number;
  r: number;
  p?: number;
  b: number;
  ln: number;
  k: number;
}[] = [
  { gate: "input", w: I.wi, r: I.ri, p: I.pi, b: I.bi, ln: I.lni, k: 0 },
  { gate: "forget", w: I.wf, r: I.rf, p: I.pf, b: I.bf, ln: I.lnf, k: 1 },
  { gate: "cell", w: I.wc, r: I.rc, b: I.bc, ln: I.lnc, k: 2 },
  { gate: "output", w: I.wo, r: I.ro, p: I.po, b: I.bo, ln: I.lno, k: 3 },
];

/** The integer parameters of one gate. */
interface GateParams {
  w: HostTensor;
  r: HostTensor;
  /** `bias (without layer norm) - z_x * rowsum(W)`. */
  wBias: Int32Array;
  /** `-z_h * rowsum(R)`. */
  rBias: Int32Array;
  wScale: QuantizedMultiplier;
  rScale: QuantizedMultiplier;
  peep?: { weights: HostTensor; scale: QuantizedMultiplier };
  ln?: { weights: HostTensor; bias: HostTensor; scale: QuantizedMultiplier; guard: number };
}

/** Everything one integer LSTM run needs, derived from the tensors as TFLite's Prepare does. */
interface Params {
  nCell: number;
  nInput: number;
  nOutput: number;
  gates: Partial<Record<Gate, GateParams>>;
  cellScale: number;
  cellClip: number;
  projClip: number;
  hiddenZp: number;
  hiddenScale: QuantizedMultiplier;
  outputZp: number;
  proj?: { weights: HostTensor; bias: Int32Array; scale: QuantizedMultiplier };
}

function scaleOf(t: TensorSpec | undefined): number {
  return t?.quantization?.scale[0] ?? 1;
}

function zeroPointOf(t: TensorSpec | undefined): number {
  return t?.quantization?.zeroPoint[0] ?? 0;
}

/** TFLite's `CheckedLog2`: the exponent of a power-of-two scale, or `undefined`. */
function checkedLog2(x: number): number | undefined {
  const l = f(f(Math.log(x)) * f(1 / f(Math.log(2))));
  const rounded = Math.round(l);
  return Math.abs(f(l - rounded)) < 1e-3 ? rounded : undefined;
}

/** `bias + zeroPoint * rowsum(weights)` per row, in wrapping int32 (TFLite's precomputation). */
function foldedBias(
  weights: HostTensor,
  zeroPoint: number,
  bias: HostTensor | undefined,
): Int32Array {
  const [rows, cols] = weights.shape;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Number(weights.data[i * cols + j]);
    out[i] = ((bias ? Number(bias.data[i]) : 0) + Math.imul(sum, zeroPoint)) | 0;
  }
  return out;
}

function params(
  op: string,
  o: { inputs: readonly (HostTensor | undefined)[]; options: LstmOptions; output: TensorSpec },
): Params {
  const { inputs, options } = o;
  const inter = options.intermediates;
  if (!inter || inter.length !== 5) {
    throw new UnsupportedError(
      `${op}: the integer LSTM needs the file's 5 intermediate tensors (the 8x8->16 scheme), got ${
        inter?.length ?? 0
      }`,
    );
  }
  const x = inputs[I.x]!, h = inputs[I.h]!, c = inputs[I.c]!;
  const [nCell, nInput] = inputs[I.wf]!.shape;
  const nOutput = inputs[I.rf]!.shape[1];
  const layerNorm = !!inputs[I.lnf];
  const peephole = !!inputs[I.po];
  if (peephole && nOutput !== nCell) {
    throw new UnsupportedError(`${op}: integer peephole connections with a projection`);
  }
  const cellScale = checkedLog2(scaleOf(c));
  if (cellScale === undefined || cellScale > -9) {
    throw new OpError(`${op}: the int16 cell state's scale must be a power of two <= 2^-9`);
  }
  const sx = f(scaleOf(x)), sh = f(scaleOf(h));
  const gateScale = (k: number) => layerNorm ? f(inter[k].scale) : f(2 ** -12);
  const gates: Partial<Record<Gate, GateParams>> = {};
  for (const g of GATES) {
    const w = inputs[g.w];
    if (!w) continue;
    const r = inputs[g.r]!;
    const s = gateScale(g.k);
    const p: GateParams = {
      w,
      r,
      wBias: foldedBias(w, -zeroPointOf(x), layerNorm ? undefined : inputs[g.b]),
      rBias: foldedBias(r, -zeroPointOf(h), undefined),
      wScale: quantizeMultiplier(f(f(f(scaleOf(w)) * sx) / s)),
      rScale: quantizeMultiplier(f(f(f(scaleOf(r)) * sh) / s)),
    };
    const peep = g.p === undefined ? undefined : inputs[g.p];
    if (peep) {
      p.peep = {
        weights: peep,
        scale: quantizeMultiplier(f((2 ** cellScale * f(scaleOf(peep))) / s)),
      };
    }
    const ln = inputs[g.ln];
    if (layerNorm && ln) {
      const lnScale = f(scaleOf(ln));
      p.ln = {
        weights: ln,
        bias: inputs[g.b]!,
        scale: quantizeMultiplier(lnScale),
        guard: Math.max(1, Math.trunc(f(10000 * lnScale))),
      };
    }
    gates[g.gate] = p;
  }
  const hidden = inter[4];
  const projW = inputs[I.proj];
  // TFLite clips the projection in the output tensor's scale.
  const outQ = scaleOf(o.output);
  const clip16 = (v: number, lo: number, hi: number) => Math.trunc(Math.min(hi, Math.max(lo, v)));
  return {
    nCell,
    nInput,
    nOutput,
    gates,
    cellScale,
    cellClip: options.cellClip > 0 ? clip16(f(options.cellClip / f(scaleOf(c))), -32768, 32767) : 0,
    projClip: options.projClip > 0 ? clip16(f(options.projClip / f(outQ)), -128, 127) : 0,
    hiddenZp: hidden.zeroPoint,
    hiddenScale: quantizeMultiplier(f((2 ** -15 / f(hidden.scale)) * 2 ** -15)),
    outputZp: zeroPointOf(h),
    proj: projW
      ? {
        weights: projW,
        bias: foldedBias(projW, hidden.zeroPoint, inputs[I.projBias]),
        scale: quantizeMultiplier(f(f(f(scaleOf(projW)) * f(hidden.scale)) / sh)),
      }
      : undefined,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** `out += clamp(MBQM(bias + W v) + zp)` per row (TFLite's `MatrixBatchVectorMultiplyAccumulate`). */
function matmulAccumulate(
  o: {
    v: ArrayLike<number>;
    w: HostTensor;
    bias: Int32Array;
    scale: QuantizedMultiplier;
    zp: number;
    out: Int16Array | Int8Array;
    lo: number;
    hi: number;
  },
): void {
  const [rows, cols] = o.w.shape;
  for (let i = 0; i < rows; i++) {
    let acc = o.bias[i];
    for (let j = 0; j < cols; j++) acc += Number(o.v[j]) * Number(o.w.data[i * cols + j]);
    const r = multiplyByQuantizedMultiplier(acc | 0, o.scale) + o.zp + o.out[i];
    o.out[i] = clamp(r, o.lo, o.hi);
  }
}

/** TFLite's `ApplyLayerNorm` on one row of int16 gate values, in place. */
function layerNorm(g: Int16Array, ln: NonNullable<GateParams["ln"]>): void {
  const n = g.length;
  let sum = 0, sumSq = 0;
  for (const v of g) {
    sum += v;
    sumSq += v * v;
  }
  const mean = Math.trunc((sum * 1024) / n);
  const variance = sumSq * Math.trunc(2 ** 20 / n) - mean * mean;
  let variance2 = Math.trunc(variance / 2 ** 20);
  if (variance2 < 1) variance2 = ln.guard;
  const inv = invSqrtQuantizedMultiplierExp(variance2, -1);
  const out = { ...ln.scale, shift: ln.scale.shift + 12 };
  for (let j = 0; j < n; j++) {
    const rescaled = multiplyByQuantizedMultiplier((1024 * g[j] - mean) | 0, inv);
    // C++ multiplies and adds in int32 before widening to int64.
    const v3 = (Math.imul(rescaled, Number(ln.weights.data[j])) + Number(ln.bias.data[j])) | 0;
    const v4 = Math.trunc((v3 > 0 ? v3 + 512 : v3 - 512) / 1024);
    g[j] = clamp(multiplyByQuantizedMultiplier(v4, out), -32768, 32767);
  }
}

function gateValues(
  p: GateParams,
  o: { x: ArrayLike<number>; h: ArrayLike<number>; c: Int16Array; tanh: boolean },
): Int16Array {
  const g = new Int16Array(p.w.shape[0]);
  const common = { zp: 0, out: g, lo: -32768, hi: 32767 };
  matmulAccumulate({ ...common, v: o.x, w: p.w, bias: p.wBias, scale: p.wScale });
  matmulAccumulate({ ...common, v: o.h, w: p.r, bias: p.rBias, scale: p.rScale });
  if (p.peep) {
    for (let j = 0; j < g.length; j++) {
      const prod = multiplyByQuantizedMultiplier(
        Number(p.peep.weights.data[j]) * o.c[j],
        p.peep.scale,
      );
      g[j] = clamp(prod + g[j], -32768, 32767);
    }
  }
  if (p.ln) layerNorm(g, p.ln);
  for (let j = 0; j < g.length; j++) g[j] = o.tanh ? tanh16(g[j], 3) : logistic16(g[j], 3);
  return g;
}

/** One step of one batch row: updates `h` (int8) and `c` (int16) in place. */
function step(p: Params, x: ArrayLike<number>, h: Int8Array, c: Int16Array): void {
  const gates = p.gates;
  const at = { x, h, c, tanh: false };
  const ig = gates.input ? gateValues(gates.input, at) : undefined;
  const fg = gateValues(gates.forget!, at);
  const cg = gateValues(gates.cell!, { ...at, tanh: true });
  const shift = 30 + p.cellScale;
  for (let j = 0; j < p.nCell; j++) {
    const kept = roundingDivideByPot(fg[j] * c[j], 15);
    const i = ig ? ig[j] : 32767 - fg[j];
    let v = clamp(kept + roundingDivideByPot(i * cg[j], shift), -32768, 32767);
    if (p.cellClip > 0) v = clamp(v, -p.cellClip, p.cellClip);
    c[j] = v;
  }
  const og = gateValues(gates.output!, at);
  const t = Int16Array.from(c, (v) => tanh16(v, 15 + p.cellScale));
  // TFLite adds -hidden_zp before the projection and folds +hidden_zp * rowsum(P) into its bias
  // (b/246629213); without a projection the hidden state is the output, at +hidden_zp.
  const hiddenZp = p.proj ? -p.hiddenZp : p.hiddenZp;
  const hidden = Int8Array.from(
    og,
    (v, j) => clamp(multiplyByQuantizedMultiplier(v * t[j], p.hiddenScale) + hiddenZp, -128, 127),
  );
  if (!p.proj) {
    h.set(hidden);
    return;
  }
  h.fill(0);
  matmulAccumulate({
    v: hidden,
    w: p.proj.weights,
    bias: p.proj.bias,
    scale: p.proj.scale,
    zp: p.outputZp,
    out: h,
    lo: -128,
    hi: 127,
  });
  if (p.projClip > 0) {
    for (let k = 0; k < h.length; k++) h[k] = clamp(h[k], -p.projClip, p.projClip);
  }
}

/**
 * The intermediate tensors' scales and zero points, as `parse` records them in the options.
 *
 * @example
 * ```ts
 * import { lstmIntermediates } from "./lstm_integer.ts";
 * const q = { scale: [0.5], zeroPoint: [-3], quantizedDimension: 0 };
 * const m = lstmIntermediates([{ dtype: "int8", shape: [0], quantization: q }]);
 * if (m![0].zeroPoint !== -3) throw new Error("wrong");
 * ```
 *
 * @param specs The operator's intermediate tensors.
 * @returns Their scales and zero points, or `undefined` when there are none.
 */
export function lstmIntermediates(
  specs: readonly TensorSpec[] | undefined,
): LstmIntermediate[] | undefined {
  if (!specs?.length) return undefined;
  return specs.map((s) => ({ scale: scaleOf(s), zeroPoint: zeroPointOf(s) }));
}

/**
 * Checks the dtypes of an integer LSTM node (TFLite's 8x8->16 scheme).
 *
 * @example
 * ```ts ignore
 * checkIntegerLstm("LSTM", inputs);
 * ```
 *
 * @param op Op name, for errors.
 * @param inputs The node's 24 inputs.
 */
export function checkIntegerLstm(op: string, inputs: readonly (OpInput | undefined)[]): void {
  const want: [number, string][] = [
    [I.x, "int8"],
    [I.h, "int8"],
    [I.c, "int16"],
    ...[I.wi, I.wf, I.wc, I.wo, I.ri, I.rf, I.rc, I.ro, I.proj].map((k): [number, string] => [
      k,
      "int8",
    ]),
    ...[I.pi, I.pf, I.po, I.lni, I.lnf, I.lnc, I.lno].map((k): [number, string] => [k, "int16"]),
    ...[I.bi, I.bf, I.bc, I.bo, I.projBias].map((k): [number, string] => [k, "int32"]),
  ];
  for (const [k, dtype] of want) {
    const t = inputs[k];
    if (t && t.dtype !== dtype) {
      throw new OpError(`${op}: integer input ${k} must be ${dtype}, got ${t.dtype}`);
    }
  }
}

/**
 * The integer half of an LSTM op: runs `steps` steps of each batch row.
 *
 * @example
 * ```ts
 * import { integerLstmKernel } from "./lstm_integer.ts";
 * const k = integerLstmKernel("LSTM", () => ({ batch: 1, steps: 1, row: (b) => b }));
 * if (typeof k.reference !== "function") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param layout Batch size, steps and the row of step `t` of batch `b`, from the input's shape
 * and the options.
 * @returns The kernel half.
 */
export function integerLstmKernel(
  op: string,
  layout: (
    shape: readonly number[],
    options: LstmOptions,
  ) => { batch: number; steps: number; row: (b: number, t: number) => number },
): QuantKernelDef<LstmOptions> {
  return {
    reference({ inputs, options, outputs }): HostTensor[] {
      const p = params(op, { inputs, options, output: outputs[0] });
      const x = inputs[I.x]!;
      const { batch, steps, row } = layout(x.shape, options);
      const out = allocTensor("int8", outputs[0].shape);
      if (outputs[0].quantization) out.quantization = outputs[0].quantization;
      for (let b = 0; b < batch; b++) {
        const h = Int8Array.from(
          { length: p.nOutput },
          (_, k) => Number(inputs[I.h]!.data[b * p.nOutput + k]),
        );
        const c = Int16Array.from(
          { length: p.nCell },
          (_, k) => Number(inputs[I.c]!.data[b * p.nCell + k]),
        );
        for (let t = 0; t < steps; t++) {
          const r = row(b, t);
          step(p, (x.data as Int8Array).subarray(r * p.nInput, (r + 1) * p.nInput), h, c);
          (out.data as Int8Array).set(h, r * p.nOutput);
        }
      }
      return [out];
    },
  };
}
