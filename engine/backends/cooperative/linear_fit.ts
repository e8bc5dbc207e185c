/**
 * The linear models of µLayer's predictor: `ms = a * flops + b * bytes + c`, fitted by least squares
 * on relative error with non-negative coefficients, evaluated, and judged by their relative error
 * (including leave-one-out error on layers the fit has not seen). Pure.
 *
 * @module
 */
import { type LayerFeatures, type Sample, sampleOf } from "./features.ts";

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
 * import { fitLinear } from "./linear_fit.ts";
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
 * import { evalModel } from "./linear_fit.ts";
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
 * import { errorSummary } from "./linear_fit.ts";
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
