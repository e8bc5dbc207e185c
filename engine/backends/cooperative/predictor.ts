/**
 * µLayer's latency predictor, plus the cost of synchronising the processors. Per processor and op
 * class, a linear model `t = a * flops + b * bytes + c` is fitted by least squares (on relative
 * error, coefficients kept non-negative) from profiled layers: GPU per-node timestamp times and CPU
 * per-node wall times. Beyond µLayer, every decision also charges the measured CPU<->GPU round trip
 * ({@linkcode SyncCost}): a layer is split, or moved to the CPU, only when the prediction says it
 * wins after paying for the synchronisation it adds. All functions here are pure.
 *
 * @module
 */
import type { ExecGraph, ExecNode } from "../../../core/exec_graph.ts";
import { numElements } from "../../../core/ir.ts";
import { splitPoint } from "./split.ts";

/** Op classes with a model of their own (others share `other`). */
export type OpClass = "conv" | "depthwise" | "fc" | "pool" | "other";

/**
 * The op class of a node, from its kernel's `traits.split`: weight-split ops are convolutions (4-D
 * weights) or fully connected layers, input-split ops depthwise convolutions (constant weights) or
 * pools.
 */
function classOf(graph: ExecGraph, node: ExecNode): OpClass {
  const w = node.inputs[1] >= 0 ? graph.tensors[node.inputs[1]] : undefined;
  const how = node.kernel.traits?.split;
  if (how === "weights") return w?.shape.length === 4 ? "conv" : "fc";
  if (how === "input") return w?.value ? "depthwise" : "pool";
  return "other";
}

/** What the predictor knows of one layer. */
export interface LayerFeatures {
  /** Node position in the exec graph. */
  node: number;
  /** Op name. */
  op: string;
  /** Op class. */
  cls: OpClass;
  /** Floating-point operations (2 per multiply-accumulate; window reads for pools). */
  flops: number;
  /** Bytes of the activation input(s). */
  inputBytes: number;
  /** Bytes of constant inputs (weights, bias). */
  weightBytes: number;
  /** Bytes of the output(s). */
  outputBytes: number;
  /** Output channels (last axis of output 0). */
  channels: number;
  /** How the layer splits (`weights`: filters, `input`: input channels), if it does. */
  split?: "weights" | "input";
}

/** One training sample: features and a measured time. */
export interface Sample {
  /** Floating-point operations. */
  flops: number;
  /** Bytes moved (inputs, weights, outputs). */
  bytes: number;
  /** Measured milliseconds. */
  ms: number;
}

/** A fitted linear model `ms = a * flops + b * bytes + c`. */
export interface LinearModel {
  /** Milliseconds per flop. */
  a: number;
  /** Milliseconds per byte. */
  b: number;
  /** Fixed milliseconds. */
  c: number;
  /** Samples it was fitted on. */
  n: number;
}

/** Models of one processor, by op class (`all` is the fallback fitted on every sample). */
export type ProcessorModel = Partial<Record<OpClass, LinearModel>> & { all: LinearModel };

/** The predictor: one model set per processor. */
export interface Predictor {
  /** GPU models. */
  gpu: ProcessorModel;
  /** CPU models. */
  cpu: ProcessorModel;
}

/** The measured cost of one CPU<->GPU synchronisation on the device in use. */
export interface SyncCost {
  /** Milliseconds of a submit + readback round trip of a few bytes. */
  fixedMs: number;
  /** Milliseconds per byte moved either way. */
  msPerByte: number;
  /** Part of `fixedMs` that CPU work started after the submit cannot hide (0 to `fixedMs`). */
  exposedMs: number;
}

/**
 * Features of node `k`: flops, and bytes of activations, constants and outputs (float32).
 *
 * @example
 * ```ts
 * import { layerFeatures } from "./predictor.ts";
 * import { buildExecGraph } from "../../../core/exec_graph.ts";
 * import { kernelFor } from "../../../kernels/registry.ts";
 * import { buildNetwork } from "../../../models/catalog.ts";
 * const g = buildExecGraph(buildNetwork("mobilenet_v1_tiny").subgraphs[0], kernelFor);
 * const f = layerFeatures(g, 0); // 3x3 s2 conv 3->8 at 64x64
 * if (f.flops !== 2 * 32 * 32 * 8 * 27 || f.cls !== "conv") throw new Error("wrong");
 * ```
 *
 * @param graph The exec graph.
 * @param k Node position.
 * @returns The features.
 */
export function layerFeatures(graph: ExecGraph, k: number): LayerFeatures {
  const node = graph.nodes[k];
  const bytesOf = (t: number) =>
    t < 0 ? 0 : numElements(graph.tensors[t].shape) *
      (graph.tensors[t].dtype === "float32" ? 4 : graph.tensors[t].dtype === "float16" ? 2 : 4);
  let inputBytes = 0, weightBytes = 0;
  for (const t of node.inputs) {
    if (t < 0) continue;
    if (graph.tensors[t].value) weightBytes += bytesOf(t);
    else inputBytes += bytesOf(t);
  }
  const y = graph.tensors[node.outputs[0]];
  const outElems = numElements(y.shape);
  const outputBytes = node.outputs.reduce((a, t) => a + bytesOf(t), 0);
  const cls = classOf(graph, node);
  let flops = outElems;
  if (cls === "conv" || cls === "depthwise") {
    const w = graph.tensors[node.inputs[1]].shape;
    const taps = w[1] * w[2] * (cls === "conv" ? w[3] : 1);
    flops = 2 * outElems * taps;
  } else if (cls === "fc") {
    flops = 2 * outElems * graph.tensors[node.inputs[1]].shape[1];
  } else if (cls === "pool") {
    const o = node.raw.options;
    flops = outElems * Number(o.filterHeight ?? 1) * Number(o.filterWidth ?? 1);
  }
  const f: LayerFeatures = {
    node: k,
    op: node.op,
    cls,
    flops,
    inputBytes,
    weightBytes,
    outputBytes,
    channels: y.shape.at(-1) ?? 1,
  };
  const how = node.kernel.traits?.split;
  if (how && y.dtype === "float32") f.split = how;
  return f;
}

/**
 * The features of the part of a layer that computes a share `s` of its output channels: flops,
 * weights and outputs scale with `s`; inputs too when the layer splits by input channels.
 *
 * @example
 * ```ts
 * import { partFeatures } from "./predictor.ts";
 * const f = { node: 0, op: "CONV_2D", cls: "conv" as const, flops: 100, inputBytes: 40, weightBytes: 20, outputBytes: 40, channels: 8, split: "weights" as const };
 * if (partFeatures(f, 0.5).flops !== 50 || partFeatures(f, 0.5).inputBytes !== 40) throw new Error("wrong");
 * ```
 *
 * @param f The whole layer's features.
 * @param s Share of output channels, 0 to 1.
 * @returns The part's features.
 */
export function partFeatures(f: LayerFeatures, s: number): LayerFeatures {
  return {
    ...f,
    flops: f.flops * s,
    inputBytes: f.split === "input" ? f.inputBytes * s : f.inputBytes,
    weightBytes: f.weightBytes * s,
    outputBytes: f.outputBytes * s,
  };
}

/**
 * A training sample from features and a measured time.
 *
 * @example
 * ```ts
 * import { sampleOf } from "./predictor.ts";
 * const s = sampleOf({ node: 0, op: "ADD", cls: "other", flops: 4, inputBytes: 32, weightBytes: 0, outputBytes: 16, channels: 4 }, 0.1);
 * if (s.bytes !== 48 || s.ms !== 0.1) throw new Error("wrong");
 * ```
 *
 * @param f Features.
 * @param ms Measured milliseconds.
 * @returns The sample.
 */
export function sampleOf(f: LayerFeatures, ms: number): Sample {
  return { flops: f.flops, bytes: f.inputBytes + f.weightBytes + f.outputBytes, ms };
}

/** Solves a small dense system by Gaussian elimination with partial pivoting; undefined if singular. */
function solve(A: number[][], y: number[]): number[] | undefined {
  const n = y.length;
  const M = A.map((r, i) => [...r, y[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    if (Math.abs(M[p][c]) < 1e-12) return undefined;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let j = c; j <= n; j++) M[r][j] -= f * M[c][j];
    }
  }
  return M.map((r, i) => r[n] / r[i]);
}

/**
 * Fits `ms = a * flops + b * bytes + c` by least squares on relative error (each sample weighs
 * `1 / ms`, so small layers count as much as large ones), with `a, b, c >= 0`: every subset of the
 * three terms is solved and the best non-negative fit kept.
 *
 * @example
 * ```ts
 * import { fitLinear } from "./predictor.ts";
 * const xs = [[1e6, 1e4], [4e6, 2e4], [9e6, 1e5], [2e6, 5e4]];
 * const m = fitLinear(xs.map(([f, b]) => ({ flops: f, bytes: b, ms: 1e-6 * f + 1e-5 * b + 0.05 })));
 * if (Math.abs(m.a - 1e-6) > 1e-9 || Math.abs(m.c - 0.05) > 1e-6) throw new Error("wrong");
 * ```
 *
 * @param samples Training samples (at least one).
 * @returns The model.
 */
export function fitLinear(samples: readonly Sample[]): LinearModel {
  const good = samples.filter((s) => Number.isFinite(s.ms) && s.ms > 0);
  if (good.length === 0) return { a: 0, b: 0, c: 0, n: 0 };
  const cols = [
    good.map((s) => s.flops),
    good.map((s) => s.bytes),
    good.map(() => 1),
  ];
  const scale = cols.map((c) => Math.max(...c.map(Math.abs), 1e-30));
  const w = good.map((s) => 1 / s.ms);
  let best: { coef: number[]; err: number } | undefined;
  for (let mask = 1; mask < 8; mask++) {
    const use = [0, 1, 2].filter((j) => mask & (1 << j));
    if (use.length > good.length) continue;
    const A = use.map((i) =>
      use.map((j) =>
        good.reduce(
          (a, _, r) => a + (w[r] * cols[i][r] / scale[i]) * (w[r] * cols[j][r] / scale[j]),
          0,
        )
      )
    );
    const y = use.map((i) =>
      good.reduce((a, s, r) => a + (w[r] * cols[i][r] / scale[i]) * (w[r] * s.ms), 0)
    );
    const x = solve(A, y);
    if (!x || x.some((v) => v < 0 || !Number.isFinite(v))) continue;
    const coef = [0, 0, 0];
    use.forEach((j, i) => (coef[j] = x[i] / scale[j]));
    const err = good.reduce((a, s, r) => {
      const p = coef[0] * cols[0][r] + coef[1] * cols[1][r] + coef[2];
      return a + (w[r] * (p - s.ms)) ** 2;
    }, 0);
    if (!best || err < best.err) best = { coef, err };
  }
  const coef = best?.coef ?? [0, 0, good.reduce((a, s) => a + s.ms, 0) / good.length];
  return { a: coef[0], b: coef[1], c: coef[2], n: good.length };
}

/**
 * Evaluates a model.
 *
 * @example
 * ```ts
 * import { evalModel } from "./predictor.ts";
 * if (evalModel({ a: 1, b: 2, c: 3, n: 1 }, { flops: 1, bytes: 1 }) !== 6) throw new Error("wrong");
 * ```
 *
 * @param m The model.
 * @param x Flops and bytes.
 * @returns Predicted milliseconds.
 */
export function evalModel(m: LinearModel, x: { flops: number; bytes: number }): number {
  return m.a * x.flops + m.b * x.bytes + m.c;
}

/** Training data of {@linkcode fitPredictor}: per processor, features and measured times. */
export interface TrainingData {
  /** GPU samples (per-node timestamp times). */
  gpu: { features: LayerFeatures; ms: number }[];
  /** CPU samples (per-node wall times). */
  cpu: { features: LayerFeatures; ms: number }[];
}

/**
 * Fits one model per op class with at least `minSamples` samples (default 4), and an `all` model,
 * for each processor.
 *
 * @example
 * ```ts ignore
 * const pred = fitPredictor({ gpu: gpuSamples, cpu: cpuSamples });
 * const ms = predictMs(pred, "gpu", layerFeatures(graph, 3));
 * ```
 *
 * @param data Training data.
 * @param options Minimum samples for a per-class model.
 * @returns The predictor.
 */
export function fitPredictor(
  data: TrainingData,
  options: { minSamples?: number } = {},
): Predictor {
  const min = options.minSamples ?? 4;
  const fit = (rows: { features: LayerFeatures; ms: number }[]): ProcessorModel => {
    const m: ProcessorModel = { all: fitLinear(rows.map((r) => sampleOf(r.features, r.ms))) };
    const classes = new Set(rows.map((r) => r.features.cls));
    for (const c of classes) {
      const mine = rows.filter((r) => r.features.cls === c);
      if (mine.length >= min) m[c] = fitLinear(mine.map((r) => sampleOf(r.features, r.ms)));
    }
    return m;
  };
  return { gpu: fit(data.gpu), cpu: fit(data.cpu) };
}

/**
 * Predicted time of a layer (or a part of one) on a processor.
 *
 * @example
 * ```ts
 * import { predictMs } from "./predictor.ts";
 * const m = { a: 1e-6, b: 0, c: 0.01, n: 4 };
 * const pred = { gpu: { all: m }, cpu: { all: m, conv: { ...m, a: 2e-6 } } };
 * const f = { node: 0, op: "CONV_2D", cls: "conv" as const, flops: 1e4, inputBytes: 0, weightBytes: 0, outputBytes: 0, channels: 8 };
 * if (Math.abs(predictMs(pred, "cpu", f) - 0.03) > 1e-12) throw new Error("wrong");
 * ```
 *
 * @param pred The predictor.
 * @param proc `gpu` or `cpu`.
 * @param f Features.
 * @returns Milliseconds (never negative).
 */
export function predictMs(pred: Predictor, proc: "gpu" | "cpu", f: LayerFeatures): number {
  const set = pred[proc];
  const m = set[f.cls] ?? set.all;
  return Math.max(0, evalModel(m, sampleOf(f, 0)));
}

/** The three choices µLayer's partitioner has for a layer. */
export type LayerChoice = "gpu" | "cpu" | "split";

/** A per-layer decision with its predictions. */
export interface LayerDecision {
  /** Node position. */
  node: number;
  /** The choice. */
  choice: LayerChoice;
  /** GPU share of output channels (1 for `gpu`, 0 for `cpu`). */
  ratio: number;
  /** Predicted milliseconds of each choice in place (between GPU layers), sync included. */
  predicted: { gpu: number; cpu: number; split: number };
  /** The best split ratio found (even when not chosen), or 0 when the layer cannot split. */
  bestRatio: number;
  /** Predicted GPU and CPU part times at `bestRatio`, without sync. */
  parts: { gpu: number; cpu: number };
}

/**
 * The time of a split at `p` in place (the layer's input on the GPU, its reader on the GPU): read
 * the input back, then, in parallel, the GPU part (upload, compute, readback) and the CPU part,
 * then upload the joined output for the next GPU layer (a new GPU submission, one more round trip).
 *
 * @example
 * ```ts
 * import { splitCostMs } from "./predictor.ts";
 * const sync = { fixedMs: 1, msPerByte: 0, exposedMs: 0 };
 * const f = { node: 0, op: "CONV_2D", cls: "conv" as const, flops: 0, inputBytes: 0, weightBytes: 0, outputBytes: 0, channels: 8 };
 * if (splitCostMs({ gpuMs: 2, cpuMs: 5, sync, features: f, ratio: 0.5 }) !== 6) throw new Error("wrong");
 * ```
 *
 * @param args GPU and CPU part times, sync cost, the layer's features and the GPU share.
 * @returns Predicted milliseconds.
 */
export function splitCostMs(args: {
  gpuMs: number;
  cpuMs: number;
  sync: SyncCost;
  features: LayerFeatures;
  ratio: number;
}): number {
  const { sync, features: f, ratio } = args;
  const down = f.inputBytes * sync.msPerByte;
  const gpuSide = args.gpuMs + sync.fixedMs +
    (f.inputBytes + f.outputBytes * ratio) * sync.msPerByte;
  const cpuSide = args.cpuMs + sync.exposedMs;
  const next = sync.fixedMs + f.outputBytes * sync.msPerByte;
  return down + Math.max(gpuSide, cpuSide) + next;
}

/**
 * µLayer's per-layer choice, sync included: GPU only (`tg`), CPU only (`tc` plus a readback of the
 * input and a new GPU submission for the output), or a split at the ratio `p` (multiples of 4
 * channels) that minimises {@linkcode splitCostMs}. A layer is split or moved only when that wins.
 *
 * @example
 * ```ts
 * import { decideLayer } from "./predictor.ts";
 * const m = { a: 1e-6, b: 0, c: 0, n: 4 };
 * const pred = { gpu: { all: m }, cpu: { all: m } };
 * const f = { node: 0, op: "CONV_2D", cls: "conv" as const, flops: 1e7, inputBytes: 0, weightBytes: 0, outputBytes: 0, channels: 64, split: "weights" as const };
 * const fast = decideLayer(pred, f, { fixedMs: 0.05, msPerByte: 0, exposedMs: 0 });
 * const slow = decideLayer(pred, f, { fixedMs: 10, msPerByte: 0, exposedMs: 10 });
 * if (fast.choice !== "split" || Math.abs(fast.ratio - 0.5) > 0.07 || slow.choice !== "gpu") throw new Error("wrong");
 * ```
 *
 * @param pred The predictor.
 * @param f The layer's features.
 * @param sync The measured synchronisation cost.
 * @returns The decision.
 */
export function decideLayer(pred: Predictor, f: LayerFeatures, sync: SyncCost): LayerDecision {
  const tg = predictMs(pred, "gpu", f);
  const tc = predictMs(pred, "cpu", f);
  const cpu = f.inputBytes * sync.msPerByte + tc + sync.fixedMs + f.outputBytes * sync.msPerByte;
  let split = Infinity, bestRatio = 0;
  let parts = { gpu: tg, cpu: 0 };
  if (f.split) {
    for (const p of splitRatios(f)) {
      const g = predictMs(pred, "gpu", partFeatures(f, p));
      const c = predictMs(pred, "cpu", partFeatures(f, 1 - p));
      const t = splitCostMs({ gpuMs: g, cpuMs: c, sync, features: f, ratio: p });
      if (t < split) {
        split = t;
        bestRatio = p;
        parts = { gpu: g, cpu: c };
      }
    }
  }
  const options: [LayerChoice, number, number][] = [["gpu", tg, 1], ["cpu", cpu, 0], [
    "split",
    split,
    bestRatio,
  ]];
  const [choice, , ratio] = options.reduce((a, b) => (b[1] < a[1] ? b : a));
  return { node: f.node, choice, ratio, predicted: { gpu: tg, cpu, split }, bestRatio, parts };
}

/**
 * The GPU shares a layer can be split at: `k / C` for every `k` that {@linkcode splitPoint} allows
 * (multiples of 4; of `lcm(4, multiplier)` for depthwise layers with a channel multiplier).
 *
 * @example
 * ```ts
 * import { splitRatios } from "./predictor.ts";
 * const f = { node: 0, op: "CONV_2D", cls: "conv" as const, flops: 0, inputBytes: 0, weightBytes: 0, outputBytes: 0, channels: 12, split: "weights" as const };
 * if (splitRatios(f).join() !== [4 / 12, 8 / 12].join()) throw new Error("wrong");
 * ```
 *
 * @param f The layer's features.
 * @param multiple Channel granule (default 4).
 * @returns Ratios in increasing order.
 */
export function splitRatios(f: LayerFeatures, multiple = 4): number[] {
  if (!f.split) return [];
  const out: number[] = [];
  for (let k = multiple; k < f.channels; k += multiple) {
    if (splitPoint(f.channels, k / f.channels, multiple) === k) out.push(k / f.channels);
  }
  return out;
}

/** A predicted and a measured time, for error reports. */
export interface ErrorRow {
  /** Label (layer or part). */
  label: string;
  /** Predicted milliseconds. */
  predicted: number;
  /** Measured milliseconds. */
  measured: number;
}

/** Summary of a predictor's error over rows. */
export interface ErrorSummary {
  /** Rows. */
  n: number;
  /** Median of |predicted - measured| / measured. */
  medianRel: number;
  /** Mean of the same. */
  meanRel: number;
  /** Largest of the same. */
  maxRel: number;
}

/**
 * Median, mean and largest relative error of predictions against measurements.
 *
 * @example
 * ```ts
 * import { errorSummary } from "./predictor.ts";
 * const s = errorSummary([{ label: "a", predicted: 1, measured: 2 }, { label: "b", predicted: 2, measured: 2 }]);
 * if (s.maxRel !== 0.5 || s.meanRel !== 0.25) throw new Error("wrong");
 * ```
 *
 * @param rows Predicted and measured times.
 * @returns The summary.
 */
export function errorSummary(rows: readonly ErrorRow[]): ErrorSummary {
  const rel = rows.filter((r) => r.measured > 0).map((r) =>
    Math.abs(r.predicted - r.measured) / r.measured
  ).sort((a, b) => a - b);
  if (rel.length === 0) return { n: 0, medianRel: NaN, meanRel: NaN, maxRel: NaN };
  const mid = rel.length >> 1;
  return {
    n: rel.length,
    medianRel: rel.length % 2 ? rel[mid] : (rel[mid - 1] + rel[mid]) / 2,
    meanRel: rel.reduce((a, b) => a + b, 0) / rel.length,
    maxRel: rel[rel.length - 1],
  };
}

/**
 * Leave-one-out errors of the fit: each sample predicted by a model fitted on the others (of its
 * class when that class keeps `minSamples`, else on all) — the predictor's error on layers it has
 * not seen.
 *
 * @example
 * ```ts ignore
 * const rows = leaveOneOut(data.gpu);
 * console.log(errorSummary(rows).medianRel);
 * ```
 *
 * @param rows Samples of one processor.
 * @param options Minimum samples for a per-class model.
 * @returns One error row per sample.
 */
export function leaveOneOut(
  rows: readonly { features: LayerFeatures; ms: number }[],
  options: { minSamples?: number } = {},
): ErrorRow[] {
  const min = options.minSamples ?? 4;
  return rows.map((r, i) => {
    const rest = rows.filter((_, j) => j !== i);
    const same = rest.filter((x) => x.features.cls === r.features.cls);
    const m = fitLinear((same.length >= min ? same : rest).map((x) => sampleOf(x.features, x.ms)));
    return {
      label: `${r.features.op}#${r.features.node}`,
      predicted: Math.max(0, evalModel(m, sampleOf(r.features, 0))),
      measured: r.ms,
    };
  });
}
