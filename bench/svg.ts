/**
 * Small SVG charts drawn by hand for the self-contained HTML report: grouped horizontal bars with
 * spread whiskers (linear or log scale, reference lines) and 100% stacked bars. Pure functions from
 * data to SVG text.
 *
 * Every series is labelled: legends wrap onto as many rows as their entries need, and bar charts
 * can also name each bar's series beside it (direct labels), so colour is never the only cue.
 * Colours come from {@linkcode PALETTE} (colour-blind-safe) and never repeat within a chart.
 *
 * @module
 */

/** One bar. */
export interface Bar {
  /** Series id (picks the colour and the legend entry). */
  series: string;
  /** Bar length. */
  value: number;
  /** Whisker low end (e.g. p10). */
  lo?: number;
  /** Whisker high end (e.g. p90). */
  hi?: number;
  /** Text after the bar (default: the value). */
  label?: string;
  /** Tooltip. */
  title?: string;
}

/** A group of bars sharing a label (one network). */
export interface BarGroup {
  /** Group label. */
  label: string;
  /** Its bars. */
  bars: Bar[];
}

/** Options of {@linkcode barChart}. */
export interface BarChartOptions {
  /** Chart title. */
  title: string;
  /** Axis unit, e.g. `ms`. */
  unit: string;
  /** Series in legend order, with colours. */
  series: { id: string; label: string; color: string }[];
  /** Logarithmic x axis (values must be positive). */
  log?: boolean;
  /** Vertical reference lines, e.g. `{ at: 1, label: "1×" }`. */
  lines?: { at: number; label: string }[];
  /** Total width in pixels (default 960). */
  width?: number;
  /** Write each bar's series label after its value (for charts with many series). */
  directLabels?: boolean;
}

/**
 * Colours for series and op types, distinct for readers with colour-vision deficiencies as far as
 * that goes: Okabe and Ito's eight (without black, which the whiskers use) first, then Paul Tol's
 * "muted" scheme. A chart never reuses a colour: {@linkcode seriesColors} refuses more series than
 * this holds, and the stacked chart folds the smallest keys into "other".
 */
export const PALETTE: readonly string[] = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#332288",
  "#117733",
  "#882255",
  "#999933",
  "#AA4499",
  "#44AA99",
  "#DDCC77",
  "#CC6677",
  "#88CCEE",
  "#BBBBBB",
];

/**
 * Gives each series id its own colour of {@linkcode PALETTE}, in order.
 *
 * @example
 * ```ts
 * import { seriesColors } from "./svg.ts";
 * const s = seriesColors(["a", "b"]);
 * if (s[0].color === s[1].color || s[1].label !== "b") throw new Error("wrong");
 * ```
 *
 * @param ids Series ids (also their labels).
 * @returns Series with distinct colours.
 * @throws {RangeError} When there are more series than colours.
 */
export function seriesColors(
  ids: readonly string[],
): { id: string; label: string; color: string }[] {
  if (ids.length > PALETTE.length) {
    throw new RangeError(`A chart has ${ids.length} series; the palette has ${PALETTE.length}`);
  }
  return ids.map((id, i) => ({ id, label: id, color: PALETTE[i] }));
}

/**
 * An upper estimate of a text's width in pixels in a sans-serif font (capitals and digits wide,
 * lower case narrower), so that legends and labels are laid out without overlapping.
 *
 * @example
 * ```ts
 * import { textWidth } from "./svg.ts";
 * if (!(textWidth("CONV_2D", 11) > textWidth("conv", 11))) throw new Error("wrong");
 * ```
 *
 * @param text The text.
 * @param size Font size in pixels.
 * @returns Width in pixels.
 */
export function textWidth(text: string, size: number): number {
  let em = 0;
  for (const ch of text) {
    em += /[A-Z0-9_×%@mwMW]/.test(ch) ? 0.72 : /[il.,:;|!' ()\/\-]/.test(ch) ? 0.34 : 0.58;
  }
  return em * size;
}

/**
 * Escapes text for XML.
 *
 * @example
 * ```ts
 * import { esc } from "./svg.ts";
 * if (esc("a<b") !== "a&lt;b") throw new Error("wrong");
 * ```
 *
 * @param s Text.
 * @returns Escaped text.
 */
export function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function n(x: number): string {
  return Number.isFinite(x) ? x.toFixed(1) : "0";
}

function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
    return out;
  }
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / 5));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 6) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-9; v += nice) out.push(+v.toPrecision(6));
  return out;
}

/** Width of the column of row labels: the widest label fits (labels are right-aligned to it). */
function labelColumn(labels: readonly string[], size: number): number {
  return Math.ceil(Math.max(120, ...labels.map((l) => textWidth(l, size) + 12)));
}

/** A legend laid out in rows that wrap within `[x, maxX]`; `height` is what it takes. */
function legend(
  series: readonly { label: string; color: string }[],
  box: { x: number; y: number; maxX: number },
): { svg: string; height: number } {
  const size = 11;
  const row = 16;
  let cx = box.x;
  let cy = box.y;
  const parts = series.map((s) => {
    const w = 16 + textWidth(s.label, size) + 14;
    if (cx > box.x && cx + w > box.maxX) {
      cx = box.x;
      cy += row;
    }
    const out = `<rect x="${n(cx)}" y="${cy - 9}" width="12" height="12" fill="${s.color}"/>` +
      `<text x="${n(cx + 16)}" y="${cy + 1}" font-size="${size}">${esc(s.label)}</text>`;
    cx += w;
    return out;
  });
  return { svg: parts.join(""), height: series.length ? cy - box.y + row : 0 };
}

function fmt(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 1) return v.toPrecision(3);
  return v.toPrecision(2);
}

/**
 * A grouped horizontal bar chart with optional whiskers, log scale and reference lines.
 *
 * @example
 * ```ts
 * import { barChart } from "./svg.ts";
 * const svg = barChart(
 *   [{ label: "net", bars: [{ series: "gpu", value: 2, lo: 1.5, hi: 3 }] }],
 *   { title: "Latency", unit: "ms", series: [{ id: "gpu", label: "GPU", color: "#4e79a7" }] },
 * );
 * if (!svg.startsWith("<svg")) throw new Error("wrong");
 * ```
 *
 * @param groups Groups of bars.
 * @param options Title, unit, series, scale.
 * @returns SVG text.
 */
export function barChart(groups: readonly BarGroup[], options: BarChartOptions): string {
  const width = options.width ?? 960;
  const left = labelColumn(groups.map((g) => g.label), 11);
  const barH = 12;
  const seriesLabel = new Map(options.series.map((s) => [s.id, s.label]));
  const afterText = (b: Bar) =>
    `${b.label ?? fmt(b.value)}${
      options.directLabels ? ` ${seriesLabel.get(b.series) ?? b.series}` : ""
    }`;
  const right = Math.max(
    80,
    ...groups.flatMap((g) => g.bars.map((b) => textWidth(afterText(b), 10) + 14)),
  );
  const key = legend(options.series, { x: 10, y: 36, maxX: width - 10 });
  const top = 30 + key.height + 16;
  const gap = 10;
  const log = options.log ?? false;
  const shown = groups.filter((g) => g.bars.length);
  const values = shown.flatMap((g) =>
    g.bars.flatMap((b) => [b.value, b.lo ?? b.value, b.hi ?? b.value])
  )
    .concat((options.lines ?? []).map((l) => l.at)).filter((v) =>
      Number.isFinite(v) && (!log || v > 0)
    );
  const rows = shown.reduce((a, g) => a + g.bars.length, 0);
  const height = top + rows * (barH + 2) + shown.length * gap + 30;
  if (!values.length) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60" role="img"><text x="10" y="30" font-size="13">${
      esc(options.title)
    }: no data</text></svg>`;
  }
  let lo = log ? Math.min(...values) : Math.min(0, ...values);
  let hi = Math.max(...values);
  if (log) {
    lo = 10 ** Math.floor(Math.log10(lo));
    hi = 10 ** Math.ceil(Math.log10(hi));
    if (lo === hi) hi = lo * 10;
  } else if (hi === lo) hi = lo + 1;
  const plotW = width - left - right;
  const x = (v: number) =>
    left +
    plotW * (log
        ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
        : (v - lo) / (hi - lo));
  const colorOf = new Map(options.series.map((s) => [s.id, s.color]));
  const parts: string[] = [];
  parts.push(`<text x="10" y="18" font-size="14" font-weight="bold">${esc(options.title)}</text>`);
  parts.push(key.svg);
  const bottom = height - 26;
  for (const t of ticks(lo, hi, log)) {
    parts.push(
      `<line x1="${n(x(t))}" y1="${top - 4}" x2="${n(x(t))}" y2="${bottom}" stroke="#ddd"/>` +
        `<text x="${n(x(t))}" y="${bottom + 14}" font-size="10" text-anchor="middle">${
          fmt(t)
        }</text>`,
    );
  }
  parts.push(
    `<text x="${n(left + plotW / 2)}" y="${bottom + 25}" font-size="10" text-anchor="middle">${
      esc(options.unit)
    }${log ? " (log scale)" : ""}</text>`,
  );
  let y = top;
  for (const g of shown) {
    parts.push(
      `<text x="${left - 6}" y="${y + barH - 2}" font-size="11" text-anchor="end">${
        esc(g.label)
      }</text>`,
    );
    for (const b of g.bars) {
      const x0 = x(log ? lo : Math.max(lo, 0));
      const x1 = x(b.value);
      const title = b.title ?? `${g.label} ${b.series}: ${fmt(b.value)} ${options.unit}`;
      parts.push(
        `<rect x="${n(Math.min(x0, x1))}" y="${y}" width="${
          n(Math.abs(x1 - x0))
        }" height="${barH}" fill="${colorOf.get(b.series) ?? "#888"}"><title>${
          esc(title)
        }</title></rect>`,
      );
      if (b.lo !== undefined && b.hi !== undefined) {
        const ym = y + barH / 2;
        parts.push(
          `<line x1="${n(x(b.lo))}" y1="${ym}" x2="${n(x(b.hi))}" y2="${ym}" stroke="#222"/>` +
            `<line x1="${n(x(b.lo))}" y1="${ym - 3}" x2="${n(x(b.lo))}" y2="${
              ym + 3
            }" stroke="#222"/>` +
            `<line x1="${n(x(b.hi))}" y1="${ym - 3}" x2="${n(x(b.hi))}" y2="${
              ym + 3
            }" stroke="#222"/>`,
        );
      }
      const end = Math.max(x1, b.hi !== undefined ? x(b.hi) : x1);
      parts.push(
        `<text x="${n(end + 4)}" y="${y + barH - 2}" font-size="10">${esc(afterText(b))}</text>`,
      );
      y += barH + 2;
    }
    y += gap;
  }
  for (const l of options.lines ?? []) {
    parts.push(
      `<line x1="${n(x(l.at))}" y1="${top - 4}" x2="${
        n(x(l.at))
      }" y2="${bottom}" stroke="#c00" stroke-dasharray="4 3"/>` +
        `<text x="${n(x(l.at) + 3)}" y="${top - 6}" font-size="10" fill="#c00">${
          esc(l.label)
        }</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="sans-serif">${
    parts.join("")
  }</svg>`;
}

/** One row of a stacked chart: parts that add up to the row's total. */
export interface StackRow {
  /** Row label. */
  label: string;
  /** Text after the bar, e.g. the total. */
  note?: string;
  /** Parts: key (colour and legend) and value. */
  parts: { key: string; value: number }[];
}

/**
 * A 100% stacked horizontal bar chart: each row shows the share of each key; keys share colours
 * across rows, with a legend.
 *
 * @example
 * ```ts
 * import { stackedChart } from "./svg.ts";
 * const svg = stackedChart([{ label: "net", parts: [{ key: "CONV_2D", value: 3 }, { key: "ADD", value: 1 }] }], "GPU time by op");
 * if (!svg.includes("CONV_2D")) throw new Error("wrong");
 * ```
 *
 * @param rows Rows.
 * @param title Chart title.
 * @returns SVG text.
 */
export function stackedChart(input: readonly StackRow[], title: string): string {
  let rows = input;
  const width = 960;
  const left = labelColumn(rows.map((r) => r.label), 11);
  const right = 110;
  const barH = 16;
  const totals = new Map<string, number>();
  for (const r of rows) {
    for (const p of r.parts) totals.set(p.key, (totals.get(p.key) ?? 0) + p.value);
  }
  let keys = [...totals].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  if (keys.length > PALETTE.length) {
    // The smallest keys share one "other" colour rather than reuse colours.
    const kept = new Set(keys.slice(0, PALETTE.length - 1));
    rows = rows.map((r) => {
      const other = r.parts.filter((p) => !kept.has(p.key)).reduce((a, p) => a + p.value, 0);
      const parts = r.parts.filter((p) => kept.has(p.key));
      return { ...r, parts: other > 0 ? [...parts, { key: "other", value: other }] : parts };
    });
    keys = [...kept, "other"];
  }
  const color = new Map(keys.map((k, i) => [k, PALETTE[i]]));
  const key = legend(keys.map((k) => ({ label: k, color: color.get(k)! })), {
    x: 10,
    y: 34,
    maxX: width - 10,
  });
  const top = 30 + key.height + 8;
  const height = top + rows.length * (barH + 6) + 10;
  const plotW = width - left - right;
  const parts: string[] = [
    `<text x="10" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  parts.push(key.svg);
  rows.forEach((r, i) => {
    const y = top + i * (barH + 6);
    const total = r.parts.reduce((a, p) => a + p.value, 0) || 1;
    parts.push(
      `<text x="${left - 6}" y="${y + barH - 4}" font-size="11" text-anchor="end">${
        esc(r.label)
      }</text>`,
    );
    let x = left;
    for (const p of [...r.parts].sort((a, b) => keys.indexOf(a.key) - keys.indexOf(b.key))) {
      const w = (plotW * p.value) / total;
      parts.push(
        `<rect x="${n(x)}" y="${y}" width="${n(w)}" height="${barH}" fill="${
          color.get(p.key)
        }"><title>${
          esc(`${r.label} ${p.key}: ${fmt(p.value)} ms (${((100 * p.value) / total).toFixed(1)}%)`)
        }</title></rect>`,
      );
      x += w;
    }
    if (r.note) {
      parts.push(
        `<text x="${left + plotW + 4}" y="${y + barH - 4}" font-size="10">${esc(r.note)}</text>`,
      );
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="sans-serif">${
    parts.join("")
  }</svg>`;
}
