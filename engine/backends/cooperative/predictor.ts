/**
 * µLayer's latency predictor, plus the cost of synchronising the processors. Per processor and op
 * class, a linear model `t = a * flops + b * bytes + c` (`linear_fit.ts`) is fitted on the layers'
 * features (`features.ts`) from profiled layers: GPU per-node timestamp times and CPU per-node wall
 * times. Beyond µLayer, every decision also charges the measured CPU<->GPU round trip
 * ({@linkcode SyncCost}): a layer is split, or moved to the CPU, only when the prediction says it
 * wins after paying for the synchronisation it adds. All functions here are pure.
 *
 * @module
 */
import { type LayerFeatures, type OpClass, partFeatures, sampleOf } from "./features.ts";
import { evalModel, fitLinear, type LinearModel } from "./linear_fit.ts";
import { splitPoint } from "./split.ts";

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
