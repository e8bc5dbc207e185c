/**
 * The float LSTM cell of TensorFlow Lite's LSTM and UNIDIRECTIONAL_SEQUENCE_LSTM (the "full"
 * kernel): 24 inputs, with the optional pieces TFLite allows — CIFG (no input gate: `i = 1 - f`),
 * peephole connections, layer normalisation of the gates, a projection with bias, and clipping of
 * the cell state and the projection. The state (inputs 18 and 19) is read once; each run starts
 * from it (zero for variable tensors the file leaves empty).
 *
 * Per step, for each gate `g` in input, forget, cell, output:
 * `pre_g = W_g x + R_g h (+ p_g ⊙ c)`; with layer norm `pre_g = norm(pre_g) ⊙ ln_g + b_g`, else
 * `pre_g += b_g`. Then `c = f ⊙ c + i ⊙ act(pre_c)` (clipped), `o = σ(pre_o (+ p_o ⊙ c))`,
 * `h = o ⊙ act(c)`, projected `h = P h + b_P` (clipped).
 *
 * @module
 */
import type { HostTensor, OpCase, OpInput, TensorSpec } from "../../core/kernel.ts";
import type { NodeOptions } from "../../core/ir.ts";
import { OpError } from "../../core/errors.ts";
import { activationOption, applyActivation, floatOption } from "./options.ts";
import { readNumber } from "./tensor.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";

/** Parsed options shared by the LSTM ops. */
export interface LstmOptions {
  /** The cell's activation (`act` above; TANH in practice). */
  activation: FusedActivation;
  /** Clip of the cell state, 0 for none. */
  cellClip: number;
  /** Clip of the projection, 0 for none. */
  projClip: number;
  /** Sequence layout `[time, batch, input]` (UNIDIRECTIONAL_SEQUENCE_LSTM). */
  timeMajor: boolean;
  /**
   * Scales and zero points of the operator's intermediate tensors, which TFLite's integer LSTM
   * reads (see `lstm_integer.ts`); absent in float files.
   */
  intermediates?: { scale: number; zeroPoint: number }[];
}

/** Input indices of the 24-input LSTM. */
export const LSTM_INPUT = {
  x: 0,
  wi: 1,
  wf: 2,
  wc: 3,
  wo: 4,
  ri: 5,
  rf: 6,
  rc: 7,
  ro: 8,
  pi: 9,
  pf: 10,
  po: 11,
  bi: 12,
  bf: 13,
  bc: 14,
  bo: 15,
  proj: 16,
  projBias: 17,
  h: 18,
  c: 19,
  lni: 20,
  lnf: 21,
  lnc: 22,
  lno: 23,
} as const;

const REQUIRED = ["x", "wf", "wc", "wo", "rf", "rc", "ro", "bf", "bc", "bo", "h", "c"] as const;

/**
 * Parses the options of an LSTM op.
 *
 * @example
 * ```ts
 * import { parseLstmOptions } from "./lstm.ts";
 * const o = parseLstmOptions("LSTM", { fusedActivationFunction: "TANH", cellClip: 10 });
 * if (o.cellClip !== 10 || o.activation !== "TANH") throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param options Raw options.
 * @returns The options.
 */
export function parseLstmOptions(op: string, options: NodeOptions): LstmOptions {
  const cellClip = floatOption(op, options, "cellClip", 0);
  const projClip = floatOption(op, options, "projClip", 0);
  if (cellClip < 0 || projClip < 0) {
    throw new OpError(`${op}: options cellClip and projClip must be >= 0`);
  }
  return {
    activation: activationOption(op, options),
    cellClip,
    projClip,
    timeMajor: options.timeMajor === true,
  };
}

/**
 * Checks the inputs of an LSTM node and returns `[nCell, nOutput]`.
 *
 * @example
 * ```ts ignore
 * const [nCell, nOutput] = lstmSizes("LSTM", inputs, 2);
 * ```
 *
 * @param op Op name, for errors.
 * @param inputs The node's inputs.
 * @param xRank Rank of the input (2 for LSTM, 3 for the sequence op).
 * @param integer Whether the node is an integer one (its dtypes are checked elsewhere).
 * @returns Number of cells and of outputs.
 */
export function lstmSizes(
  op: string,
  inputs: readonly (OpInput | TensorSpec | undefined)[],
  xRank: number,
  integer = false,
): [number, number] {
  if (inputs.length !== 24) {
    throw new OpError(`${op} needs 24 inputs (the full kernel), got ${inputs.length}`);
  }
  for (const k of REQUIRED) {
    if (!inputs[LSTM_INPUT[k]]) {
      throw new OpError(`${op}: input ${LSTM_INPUT[k]} (${k}) is missing`);
    }
  }
  for (const t of integer ? [] : inputs) {
    if (t && t.dtype !== "float32") {
      throw new OpError(`${op}: only float32 runs (the reference), got ${t.dtype}`);
    }
  }
  const x = inputs[0]!;
  if (x.shape.length !== xRank) {
    throw new OpError(`${op}: input must have rank ${xRank}, got [${x.shape}]`);
  }
  const [nCell, nInput] = inputs[LSTM_INPUT.wf]!.shape;
  const nOutput = inputs[LSTM_INPUT.rf]!.shape[1];
  if (x.shape[xRank - 1] !== nInput) {
    throw new OpError(
      `${op}: input has ${x.shape[xRank - 1]} features, the weights take ${nInput}`,
    );
  }
  const proj = inputs[LSTM_INPUT.proj];
  if (proj && (proj.shape[0] !== nOutput || proj.shape[1] !== nCell)) {
    throw new OpError(
      `${op}: projection weights [${proj.shape}] do not map ${nCell} cells to ${nOutput}`,
    );
  }
  if (!proj && nOutput !== nCell) {
    throw new OpError(
      `${op}: without a projection the output size ${nOutput} must equal ${nCell} cells`,
    );
  }
  return [nCell, nOutput];
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

function clip(v: number, c: number): number {
  return c > 0 ? Math.min(c, Math.max(-c, v)) : v;
}

/** Normalises `v` to zero mean and unit variance (TFLite's epsilon 1e-8), in place. */
function normalize(v: Float64Array): void {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let variance = 0;
  for (const x of v) variance += (x - mean) * (x - mean);
  variance /= v.length;
  const inv = 1 / Math.sqrt(variance + 1e-8);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] - mean) * inv;
}

/**
 * Runs an LSTM over `steps` time steps of a batch, in float64.
 *
 * @example
 * ```ts ignore
 * const out = runLstm(inputs, options, { batch: 1, steps: 2, at: (b, t) => (b * 2 + t) * nInput });
 * ```
 *
 * @param inputs The node's 24 input values.
 * @param options Parsed options.
 * @param layout Batch size, steps, and where step `t` of batch `b` starts in the input (and, divided
 * by the input size and times the output size, in the output).
 * @returns The outputs of every step, in the input's layout.
 */
export function runLstm(
  inputs: readonly (HostTensor | undefined)[],
  options: LstmOptions,
  layout: { batch: number; steps: number; row: (b: number, t: number) => number },
): Float64Array {
  const I = LSTM_INPUT;
  const get = (k: keyof typeof LSTM_INPUT) => inputs[I[k]];
  const nCell = get("wf")!.shape[0];
  const nInput = get("wf")!.shape[1];
  const nOutput = get("rf")!.shape[1];
  const x = get("x")!;
  const cifg = !get("wi");
  const layerNorm = !!get("lnf");
  const out = new Float64Array(layout.batch * layout.steps * nOutput);
  const h = Float64Array.from(
    { length: layout.batch * nOutput },
    (_, i) => readNumber(get("h")!, i),
  );
  const c = Float64Array.from({ length: layout.batch * nCell }, (_, i) => readNumber(get("c")!, i));
  const act = (v: number) => applyActivation(options.activation, v);
  const gate = (
    w: HostTensor,
    r: HostTensor,
    bias: HostTensor | undefined,
    extra: { peep?: HostTensor; ln?: HostTensor; xo: number; b: number; cell: Float64Array },
  ): Float64Array => {
    const g = new Float64Array(nCell);
    for (let j = 0; j < nCell; j++) {
      let s = 0;
      for (let k = 0; k < nInput; k++) {
        s += readNumber(w, j * nInput + k) * readNumber(x, extra.xo + k);
      }
      for (let k = 0; k < nOutput; k++) {
        s += readNumber(r, j * nOutput + k) * h[extra.b * nOutput + k];
      }
      if (extra.peep) s += readNumber(extra.peep, j) * extra.cell[extra.b * nCell + j];
      g[j] = s;
    }
    if (layerNorm) {
      normalize(g);
      for (let j = 0; j < nCell; j++) g[j] *= readNumber(extra.ln!, j);
    }
    if (bias) { for (let j = 0; j < nCell; j++) g[j] += readNumber(bias, j); }
    return g;
  };
  for (let t = 0; t < layout.steps; t++) {
    for (let b = 0; b < layout.batch; b++) {
      const xo = layout.row(b, t) * nInput;
      const base = { xo, b, cell: c };
      const f = gate(get("wf")!, get("rf")!, get("bf"), {
        ...base,
        peep: get("pf"),
        ln: get("lnf"),
      })
        .map(sigmoid);
      const i = cifg
        ? f.map((v) => 1 - v)
        : gate(get("wi")!, get("ri")!, get("bi"), { ...base, peep: get("pi"), ln: get("lni") })
          .map(sigmoid);
      const g = gate(get("wc")!, get("rc")!, get("bc"), { ...base, ln: get("lnc") }).map(act);
      for (let j = 0; j < nCell; j++) {
        c[b * nCell + j] = clip(f[j] * c[b * nCell + j] + i[j] * g[j], options.cellClip);
      }
      // The output gate's peephole reads the new cell state.
      const o = gate(get("wo")!, get("ro")!, get("bo"), {
        ...base,
        peep: get("po"),
        ln: get("lno"),
      })
        .map(sigmoid);
      const m = Float64Array.from({ length: nCell }, (_, j) => o[j] * act(c[b * nCell + j]));
      const proj = get("proj");
      for (let k = 0; k < nOutput; k++) {
        let v = m[k];
        if (proj) {
          v = get("projBias") ? readNumber(get("projBias")!, k) : 0;
          for (let j = 0; j < nCell; j++) v += readNumber(proj, k * nCell + j) * m[j];
          v = clip(v, options.projClip);
        }
        h[b * nOutput + k] = v;
      }
      out.set(h.subarray(b * nOutput, (b + 1) * nOutput), layout.row(b, t) * nOutput);
    }
  }
  return out;
}

/** Which optional parts a conformance case of an LSTM includes. */
export interface LstmCaseShape {
  /** Case name. */
  name: string;
  /** Batch size. */
  batch: number;
  /** Time steps (1 for LSTM). */
  steps: number;
  /** Input features. */
  nInput: number;
  /** Cells. */
  nCell: number;
  /** Outputs (differs from `nCell` only with a projection). */
  nOutput: number;
  /** No input gate. */
  cifg?: boolean;
  /** Peephole connections. */
  peephole?: boolean;
  /** Layer normalisation. */
  layerNorm?: boolean;
  /** Projection (with bias). */
  projection?: boolean;
  /** Raw options. */
  options: NodeOptions;
}

/**
 * The 24 inputs of a conformance case: random weights as constants, the input as the graph input,
 * and a random non-zero starting state (constants).
 *
 * @example
 * ```ts
 * import { lstmCase } from "./lstm.ts";
 * const c = lstmCase({ name: "n", batch: 1, steps: 1, nInput: 2, nCell: 3, nOutput: 3, options: {} }, [1, 2]);
 * if (c.inputs.length !== 24) throw new Error("wrong");
 * ```
 *
 * @param s What the case includes.
 * @param xShape Shape of input 0.
 * @returns The case.
 */
export function lstmCase(s: LstmCaseShape, xShape: number[]): OpCase {
  const w = (shape: number[]) => ({
    dtype: "float32" as const,
    shape,
    range: [-0.6, 0.6] as [number, number],
    constant: true,
  });
  const gates = (
    make: () => ReturnType<typeof w>,
    input: boolean,
  ) => [input && s.cifg ? null : make(), make(), make(), make()];
  const peep = (k: number) => (s.peephole && !(k === 0 && s.cifg) ? w([s.nCell]) : null);
  const ln = (k: number) => (s.layerNorm && !(k === 0 && s.cifg) ? w([s.nCell]) : null);
  return {
    name: s.name,
    inputs: [
      { dtype: "float32", shape: xShape },
      ...gates(() => w([s.nCell, s.nInput]), true),
      ...gates(() => w([s.nCell, s.nOutput]), true),
      peep(0),
      peep(1),
      peep(3),
      ...gates(() => w([s.nCell]), true),
      s.projection ? w([s.nOutput, s.nCell]) : null,
      s.projection ? w([s.nOutput]) : null,
      w([s.batch, s.nOutput]),
      w([s.batch, s.nCell]),
      ln(0),
      ln(1),
      ln(2),
      ln(3),
    ],
    options: s.options,
    f16: false,
  };
}
