/**
 * Post-training quantization of float networks for the CPU backend's 8-bit kernels: calibrates
 * activation ranges on the reference executor, quantizes weights and biases, and rewrites the main
 * graph into the form whose nodes bind in 8-bit mode and run on the ops' 8-bit CPU kernels (a
 * QUANTIZE after each float input, 8-bit tensors between ops, a DEQUANTIZE before each float
 * output; ops without an 8-bit kernel stay float between a DEQUANTIZE and a QUANTIZE). Then it
 * measures the error of the quantized run against the float reference on held-out inputs.
 *
 * Two schemes:
 *
 * - `int8` (default), TFLite's full-integer post-training quantization: int8 activations
 *   (asymmetric, per tensor), int8 weights symmetric per output channel (zero point 0, values in
 *   [-127, 127]), int32 biases per channel with scale `inputScale * weightScale[c]`.
 * - `uint8`, as older TFLite models (the quantized MobileNet v2 of `shared/models/quantized`):
 *   asymmetric uint8 per tensor everywhere, int32 biases with scale `inputScale * weightScale`.
 *
 * Fused RELU, RELU6 and RELU_N1_TO_1 are folded into the output range (the calibrated range is
 * intersected with the activation's and the kernels clamp to it), as TFLite does.
 *
 * @module
 */
import type { Graph, Model, Node, Quantization, Tensor } from "../../core/ir.ts";
import { numElements, opName } from "../../core/ir.ts";
import { buildExecGraph, type ExecGraph } from "../../core/exec_graph.ts";
import { ReferenceExecutor } from "../backends/reference/executor.ts";
import { UsageError } from "../../core/errors.ts";
import { kernelFor } from "../../kernels/registry.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { dtypeRange } from "../../kernels/_shared/quant_math.ts";

/** `int8`: int8 activations, per-channel int8 weights; `uint8`: per-tensor uint8 everywhere. */
export type QuantScheme = "int8" | "uint8";

/** Options of {@linkcode quantizeGraphs}. */
export interface CalibrationOptions {
  /** A few input sets (one host tensor per graph input each) whose ranges set the activations'. */
  calibration: HostTensor[][];
  /** The scheme (default `int8`). */
  scheme?: QuantScheme;
}

/** Options of {@linkcode quantizeModel}. */
export interface QuantizeOptions extends CalibrationOptions {
  /**
   * Held-out input sets the error is measured on (default: `evaluationRuns` sets of seeded random
   * values uniform in [-1, 1), from a generator the calibration inputs do not come from).
   */
  evaluation?: HostTensor[][];
  /** Number of random held-out sets when `evaluation` is not given (default 2). */
  evaluationRuns?: number;
  /** Seed of the random held-out sets (default 0x5eed). */
  evaluationSeed?: number;
  /** Threads of the CPU executor that runs the quantized model (default 1). */
  threads?: number;
}

/** A node left in float, and why. */
export interface FloatNode {
  /** Index of the node in the source graph. */
  node: number;
  /** Its op. */
  op: string;
  /** Why it has no 8-bit form. */
  reason: string;
}

/** The error of one output of the quantized model against the float reference. */
export interface OutputError {
  /** Output name. */
  name: string;
  /** `||q - f|| / ||f||` (Euclidean norms over every held-out set). */
  relativeError: number;
  /** Largest `|q - f|`. */
  maxAbsError: number;
  /** Largest `|f|`, to read the absolute error against. */
  maxAbsReference: number;
  /** For classifier outputs (`[batch, classes]`, classes > 1): share of rows whose arg max agrees. */
  top1Agreement?: number;
}

/** What {@linkcode quantizeModel} did and measured. */
export interface QuantizeReport {
  /** The scheme. */
  scheme: QuantScheme;
  /** Number of calibration input sets. */
  calibrationSets: number;
  /** Number of held-out input sets the errors were measured on. */
  evaluationSets: number;
  /** Source nodes rewritten to 8-bit. */
  quantizedNodes: number;
  /** Source nodes left in float. */
  floatNodes: FloatNode[];
  /** QUANTIZE and DEQUANTIZE nodes inserted. */
  conversions: number;
  /** Nodes of the quantized graph and how many ran on the CPU fast path. */
  placement: { nodes: number; fast: number; reference: string[] };
  /** One entry per output. */
  outputs: OutputError[];
}

/** What {@linkcode quantizeGraphs} returns: the model and what became of each node. */
export interface QuantizedGraph {
  /** The quantized model (main graph rewritten, other subgraphs as they were). */
  model: Model;
  /** Source nodes rewritten to 8-bit. */
  quantizedNodes: number;
  /** Source nodes left in float. */
  floatNodes: FloatNode[];
  /** QUANTIZE and DEQUANTIZE nodes inserted. */
  conversions: number;
}

type Activation = "NONE" | "RELU" | "RELU6" | "RELU_N1_TO_1";

/** Ranges of the fused activations the 8-bit kernels fold into their clamp. */
const ACTIVATION_RANGES: Readonly<Record<Activation, [number, number]>> = {
  NONE: [-Infinity, Infinity],
  RELU: [0, Infinity],
  RELU6: [0, 6],
  RELU_N1_TO_1: [-1, 1],
};

/** Whether an op's 8-bit output takes the input's quantization (its `quantPassThrough` trait). */
function passThrough(op: string): boolean {
  return kernelFor(op)?.traits?.quantPassThrough === true;
}

/** Op versions of int8 nodes (TFLite's operator versioning); uint8 keeps the float versions. */
const INT8_VERSIONS: Readonly<Record<string, number>> = {
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 3,
  FULLY_CONNECTED: 4,
  ADD: 2,
  AVERAGE_POOL_2D: 2,
  QUANTIZE: 2,
  DEQUANTIZE: 2,
};

/**
 * TFLite's `ChooseQuantizationParams`: an asymmetric scale and zero point whose range holds 0 and
 * `[min, max]`, the zero point nudged to an integer.
 *
 * @example
 * ```ts
 * import { chooseQuantization } from "./calibrate.ts";
 * const q = chooseQuantization(-1, 3, "uint8");
 * if (q.zeroPoint[0] !== 64 || Math.abs(q.scale[0] - 4 / 255) > 1e-7) throw new Error("wrong");
 * ```
 *
 * @param min Smallest value seen.
 * @param max Largest value seen.
 * @param dtype `int8` or `uint8`.
 * @returns Per-tensor quantization.
 */
export function chooseQuantization(min: number, max: number, dtype: QuantScheme): Quantization {
  const [qmin, qmax] = dtypeRange(dtype);
  const lo = Math.min(0, min);
  let hi = Math.max(0, max);
  if (!(hi - lo > 1e-8)) hi = lo + 1e-8;
  // float32, as a file stores it: the model in memory and its file compute the same.
  const scale = Math.fround((hi - lo) / (qmax - qmin));
  const zeroPoint = Math.min(qmax, Math.max(qmin, Math.round(qmin - lo / scale)));
  return {
    scale: [scale],
    zeroPoint: [zeroPoint],
    quantizedDimension: 0,
    min: [Math.fround(lo)],
    max: [Math.fround(hi)],
  };
}

/** Per-tensor min and max of every float activation over the calibration sets. */
function calibrate(exec: ExecGraph, sets: HostTensor[][]): Map<number, [number, number]> {
  const ranges = new Map<number, [number, number]>();
  const ref = new ReferenceExecutor(exec);
  for (const inputs of sets) {
    const run = ref.run(inputs, { keep: true });
    for (const [t, v] of run.allValues!) {
      if (exec.tensors[t].value || v.dtype !== "float32") continue;
      const d = v.data as Float32Array;
      let [lo, hi] = ranges.get(t) ?? [Infinity, -Infinity];
      for (let i = 0; i < d.length; i++) {
        const x = d[i];
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      ranges.set(t, [lo, hi]);
    }
  }
  return ranges;
}

/**
 * Checks that every input set fits the graph's inputs (count, dtype, shape).
 *
 * @example
 * ```ts ignore
 * checkInputs(exec, sets, "Calibration");
 * ```
 *
 * @param exec The exec graph.
 * @param sets Input sets.
 * @param what Their purpose, for errors ("Calibration", "Evaluation").
 * @throws {UsageError} Naming the first set and input that does not fit.
 */
export function checkInputs(exec: ExecGraph, sets: HostTensor[][], what: string): void {
  sets.forEach((set, s) => {
    if (set.length !== exec.inputs.length) {
      throw new UsageError(
        `${what} set ${s} has ${set.length} tensors, the graph takes ${exec.inputs.length}`,
      );
    }
    set.forEach((x, i) => {
      const want = exec.tensors[exec.inputs[i]];
      if (x.dtype !== want.dtype || x.shape.join() !== want.shape.join()) {
        throw new UsageError(
          `${what} set ${s} input ${i} is ${x.dtype}[${x.shape}], the graph takes ${want.dtype}[${want.shape}]`,
        );
      }
    });
  });
}

function bytesOf(a: Int8Array | Uint8Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Weights quantized per output channel (int8 symmetric) or per tensor (uint8 asymmetric). */
function quantizeWeights(
  w: HostTensor,
  scheme: QuantScheme,
  axis: number,
): { data: Uint8Array; q: Quantization } {
  const f = w.data as Float32Array;
  if (scheme === "uint8") {
    let lo = Infinity, hi = -Infinity;
    for (const v of f) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const q = chooseQuantization(lo, hi, "uint8");
    delete q.min;
    delete q.max;
    const out = Uint8Array.from(
      f,
      (v) => Math.min(255, Math.max(0, Math.round(v / q.scale[0]) + q.zeroPoint[0])),
    );
    return { data: out, q };
  }
  const C = w.shape[axis];
  const inner = numElements(w.shape.slice(axis + 1));
  const channel = (i: number) => Math.floor(i / inner) % C;
  const maxAbs = new Float64Array(C);
  f.forEach((v, i) => {
    const c = channel(i);
    maxAbs[c] = Math.max(maxAbs[c], Math.abs(v));
  });
  const scale = Array.from(maxAbs, (m) => Math.fround(m > 0 ? m / 127 : 1));
  const out = Int8Array.from(
    f,
    (v, i) => Math.min(127, Math.max(-127, Math.round(v / scale[channel(i)]))),
  );
  return {
    data: bytesOf(out),
    q: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: axis },
  };
}

function quantizeBias(b: HostTensor, scales: number[]): { data: Uint8Array; q: Quantization } {
  const f = b.data as Float32Array;
  const s = (c: number) => scales.length > 1 ? scales[c] : scales[0];
  const out = Int32Array.from(
    f,
    (v, c) => Math.min(2147483647, Math.max(-2147483648, Math.round(v / s(c)))),
  );
  return {
    data: bytesOf(out),
    q: { scale: [...scales], zeroPoint: scales.map(() => 0), quantizedDimension: 0 },
  };
}

/** Why a node cannot run in 8-bit (`undefined` when it can), given the tensors known quantized. */
function floatReason(exec: ExecGraph, node: Node, quantized: Set<number>): string | undefined {
  const op = opName(node);
  const T = exec.tensors;
  const x = T[node.inputs[0]];
  const isConst = (t: number) => t >= 0 && T[t].value !== undefined;
  if (!kernelFor(op)?.cpu?.quant) return "no 8-bit kernel";
  if (!x || x.dtype !== "float32" || isConst(node.inputs[0])) {
    return "input is not a float activation";
  }
  if (node.outputs.length !== 1 || T[node.outputs[0]].dtype !== "float32") {
    return "output is not float32";
  }
  const act = (node.options.fusedActivationFunction ?? "NONE") as string;
  if (!(act in ACTIVATION_RANGES)) return `fused ${act} has no 8-bit clamp`;
  if (passThrough(op)) {
    return quantized.has(node.inputs[0]) ? undefined : "input is float (nothing to save)";
  }
  if (op === "ADD") {
    const [a, b] = node.inputs;
    if (isConst(a) || isConst(b)) return "constant operand";
    const n = numElements(T[node.outputs[0]].shape);
    if (numElements(T[a].shape) !== n || numElements(T[b].shape) !== n) return "broadcasting";
    return undefined;
  }
  const [, wi, bi] = node.inputs;
  if (!isConst(wi) || T[wi].dtype !== "float32") return "weights are not float constants";
  if (bi >= 0 && (!isConst(bi) || T[bi].dtype !== "float32")) return "bias is not a float constant";
  if (op === "DEPTHWISE_CONV_2D" && T[wi].shape[3] !== x.shape[3]) return "depth multiplier > 1";
  if (op !== "FULLY_CONNECTED" && x.shape.length !== 4) return "input is not 4-D";
  return undefined;
}

/**
 * Calibrates a float model and rewrites its main graph into 8-bit form (see the module doc). Pure
 * apart from the reference runs; the source model is not modified.
 *
 * @example
 * ```ts ignore
 * import { quantizeGraphs } from "./calibrate.ts";
 * const { model: q, floatNodes } = quantizeGraphs(model, { calibration: [[x1], [x2]] });
 * ```
 *
 * @param model A float model.
 * @param options Calibration inputs and scheme.
 * @returns The quantized model and which nodes stayed float.
 */
export function quantizeGraphs(model: Model, options: CalibrationOptions): QuantizedGraph {
  const scheme = options.scheme ?? "int8";
  if (scheme !== "int8" && scheme !== "uint8") {
    throw new UsageError(`The scheme must be int8 or uint8, got ${JSON.stringify(scheme)}`);
  }
  if (options.calibration.length === 0) {
    throw new UsageError("Calibration needs at least one input set");
  }
  const src = model.subgraphs[0];
  const exec = buildExecGraph(src, kernelFor);
  checkInputs(exec, options.calibration, "Calibration");
  const ranges = calibrate(exec, options.calibration);
  const tensors: Tensor[] = src.tensors.map((t, i) => ({
    ...t,
    shape: [...exec.tensors[i].shape],
  }));
  const nodes: Node[] = [];
  const quantOf = new Map<number, number>(), floatOf = new Map<number, number>();
  for (const t of src.inputs) floatOf.set(t, t);
  let conversions = 0;
  const add = (t: Tensor) => tensors.push(t) - 1;
  const actQuant = (t: number, act: Activation): Quantization => {
    const r = ranges.get(t);
    if (!r) throw new UsageError(`Tensor ${t} "${src.tensors[t].name}" was never calibrated`);
    const [lo, hi] = ACTIVATION_RANGES[act];
    return chooseQuantization(Math.max(r[0], lo), Math.min(r[1], hi), scheme);
  };
  const version = (op: string, v: number) => scheme === "int8" ? (INT8_VERSIONS[op] ?? v) : v;
  const quantized = (t: number): number => {
    const have = quantOf.get(t);
    if (have !== undefined) return have;
    const f = floatOf.get(t)!;
    const q = add({
      name: `${src.tensors[t].name}_${scheme}`,
      dtype: scheme,
      shape: [...tensors[t].shape],
      quantization: actQuant(t, "NONE"),
    });
    nodes.push({
      op: "QUANTIZE",
      version: version("QUANTIZE", 1),
      inputs: [f],
      outputs: [q],
      options: {},
    });
    conversions++;
    quantOf.set(t, q);
    return q;
  };
  const float = (t: number): number => {
    const have = floatOf.get(t);
    if (have !== undefined) return have;
    const f = add({
      name: `${src.tensors[t].name}_float`,
      dtype: "float32",
      shape: [...tensors[t].shape],
    });
    nodes.push({
      op: "DEQUANTIZE",
      version: version("DEQUANTIZE", 1),
      inputs: [quantOf.get(t)!],
      outputs: [f],
      options: {},
    });
    conversions++;
    floatOf.set(t, f);
    return f;
  };
  const isActivation = (t: number) => t >= 0 && !exec.tensors[t].value;
  const floatNodes: FloatNode[] = [];
  let quantizedNodes = 0;
  src.nodes.forEach((node, index) => {
    const op = opName(node);
    const reason = floatReason(exec, node, new Set(quantOf.keys()));
    if (reason !== undefined) {
      floatNodes.push({ node: index, op, reason });
      const inputs = node.inputs.map((t) => (isActivation(t) ? float(t) : t));
      for (const t of node.outputs) floatOf.set(t, t);
      nodes.push({ ...node, inputs });
      return;
    }
    quantizedNodes++;
    const act = (node.options.fusedActivationFunction ?? "NONE") as Activation;
    const inputs = node.inputs.map((t) => (isActivation(t) ? quantized(t) : t));
    const [y] = node.outputs;
    const xq = tensors[inputs[0]].quantization!;
    const yq = passThrough(op) ? xq : actQuant(y, act);
    tensors[y] = { ...tensors[y], dtype: scheme, quantization: yq };
    quantOf.set(y, y);
    if (op === "CONV_2D" || op === "DEPTHWISE_CONV_2D" || op === "FULLY_CONNECTED") {
      const [, wi, bi] = node.inputs;
      const axis = op === "DEPTHWISE_CONV_2D" ? 3 : 0;
      const w = quantizeWeights(exec.tensors[wi].value!, scheme, axis);
      inputs[1] = add({
        name: `${src.tensors[wi].name}_${scheme}`,
        dtype: scheme,
        shape: [...tensors[wi].shape],
        data: w.data,
        quantization: w.q,
      });
      if (bi >= 0) {
        const b = quantizeBias(
          exec.tensors[bi].value!,
          w.q.scale.map((s) => Math.fround(s * xq.scale[0])),
        );
        inputs[2] = add({
          name: `${src.tensors[bi].name}_int32`,
          dtype: "int32",
          shape: [...tensors[bi].shape],
          data: b.data,
          quantization: b.q,
        });
      }
    }
    nodes.push({ ...node, version: version(op, node.version), inputs });
  });
  const outputs = src.outputs.map((t) => {
    const f = float(t);
    if (f !== t) {
      // The float output keeps the source name; the 8-bit tensor before it takes a suffix.
      tensors[f] = { ...tensors[f], name: src.tensors[t].name };
      tensors[t] = { ...tensors[t], name: `${src.tensors[t].name}_${scheme}` };
    }
    return f;
  });
  const graph = compact({ ...src, tensors, nodes, inputs: [...src.inputs], outputs });
  const remap = graph.remap;
  const signatures = model.signatures.map((s) =>
    s.subgraph !== 0 ? s : {
      ...s,
      inputs: s.inputs.map((io) => ({ ...io, tensor: remap.get(io.tensor) ?? io.tensor })),
      outputs: s.outputs.map((io) => {
        const k = src.outputs.indexOf(io.tensor);
        const t = k >= 0 ? outputs[k] : io.tensor;
        return { ...io, tensor: remap.get(t) ?? t };
      }),
    }
  );
  return {
    model: {
      ...model,
      subgraphs: [graph.graph, ...model.subgraphs.slice(1)],
      signatures,
      description: `${model.description} (quantized ${scheme} by gpulite)`.trim(),
    },
    quantizedNodes,
    floatNodes,
    conversions,
  };
}

/** Drops tensors no node, input or output uses (the float weights of quantized nodes). */
function compact(g: Graph): { graph: Graph; remap: Map<number, number> } {
  const used = new Set<number>([...g.inputs, ...g.outputs]);
  for (const n of g.nodes) for (const t of [...n.inputs, ...n.outputs]) if (t >= 0) used.add(t);
  const remap = new Map<number, number>();
  const tensors: Tensor[] = [];
  g.tensors.forEach((t, i) => {
    if (used.has(i)) remap.set(i, tensors.push(t) - 1);
  });
  const m = (t: number) => (t < 0 ? t : remap.get(t)!);
  return {
    graph: {
      ...g,
      tensors,
      nodes: g.nodes.map((n) => ({ ...n, inputs: n.inputs.map(m), outputs: n.outputs.map(m) })),
      inputs: g.inputs.map(m),
      outputs: g.outputs.map(m),
    },
    remap,
  };
}

/**
 * The exec graph of a quantized model for the CPU backend's `CpuExecutor`: every node bound by `bindNode`,
 * the 8-bit ones in 8-bit mode.
 *
 * @example
 * ```ts ignore
 * import { quantizedCpuGraph } from "./calibrate.ts";
 * const cpu = await CpuExecutor.create(quantizedCpuGraph(q.model), { threads: 2 });
 * ```
 *
 * @param model A quantized model.
 * @returns Its exec graph.
 */
export function quantizedCpuGraph(model: Model): ExecGraph {
  return buildExecGraph(model.subgraphs[0], kernelFor);
}
