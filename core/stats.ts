/**
 * Summary statistics of repeated measurements: median with its spread (p10–p90 and min–max).
 * Pure functions, used by the report and its charts.
 *
 * @module
 */

/** Summary of a sample of measurements (all in the sample's unit, e.g. milliseconds). */
export interface Stats {
  /** Number of samples. */
  n: number;
  /** Median (p50). */
  median: number;
  /** 10th percentile (linear interpolation). */
  p10: number;
  /** 90th percentile (linear interpolation). */
  p90: number;
  /** Smallest sample. */
  min: number;
  /** Largest sample. */
  max: number;
  /** Arithmetic mean. */
  mean: number;
}

/**
 * The `q`-quantile of sorted samples, interpolating linearly between neighbours (the "R-7" rule
 * of spreadsheets and NumPy's default).
 *
 * @example
 * ```ts
 * import { quantile } from "./stats.ts";
 * if (quantile([1, 2, 3, 4], 0.5) !== 2.5) throw new Error("wrong");
 * ```
 *
 * @param sorted Samples in ascending order (at least one).
 * @param q Quantile in [0, 1].
 * @returns The interpolated quantile.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError("Cannot take a quantile of no samples");
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The median of the finite samples (`NaN` when there are none): the one median of the project.
 *
 * @example
 * ```ts
 * import { median } from "./stats.ts";
 * if (median([3, 1, 2, 10]) !== 2.5 || !Number.isNaN(median([]))) throw new Error("wrong");
 * ```
 *
 * @param samples Numbers; non-finite ones are ignored.
 * @returns The median.
 */
export function median(samples: readonly number[]): number {
  const s = samples.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? NaN : quantile(s, 0.5);
}

/**
 * Summarises samples: median, p10, p90, min, max, mean.
 *
 * @example
 * ```ts
 * import { summarize } from "./stats.ts";
 * const s = summarize([3, 1, 2]);
 * if (s.median !== 2 || s.min !== 1 || s.max !== 3 || s.n !== 3) throw new Error("wrong");
 * ```
 *
 * @param samples At least one finite number.
 * @returns The summary.
 */
export function summarize(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

/**
 * Formats a duration in milliseconds with three significant digits, e.g. `0.0660`, `11.5`, `1070`.
 *
 * @example
 * ```ts
 * import { formatMs } from "./stats.ts";
 * if (formatMs(11.54) !== "11.5") throw new Error("wrong");
 * ```
 *
 * @param ms Milliseconds.
 * @returns The text, without unit.
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 100) return ms.toFixed(0);
  return ms.toPrecision(3);
}

/**
 * Formats a summary as `median (p10–p90)`, in milliseconds.
 *
 * @example
 * ```ts
 * import { formatStats, summarize } from "./stats.ts";
 * if (formatStats(summarize([1, 2, 3])) !== "2.00 (1.20–2.80)") throw new Error("wrong");
 * ```
 *
 * @param s The summary.
 * @returns The text.
 */
export function formatStats(s: Stats): string {
  return `${formatMs(s.median)} (${formatMs(s.p10)}–${formatMs(s.p90)})`;
}

/**
 * Formats a byte count with binary units, e.g. `1.50 MiB`.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./stats.ts";
 * if (formatBytes(1536) !== "1.50 KiB") throw new Error("wrong");
 * ```
 *
 * @param bytes Bytes.
 * @returns The text.
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(2)} ${units[u]}`;
}
