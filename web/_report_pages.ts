/**
 * Helpers of the report-in-Chromium test and of the screenshot script: render a committed report
 * (`bench/render_html.ts`) to a temporary file, and measure the legend of every chart in the page.
 *
 * @module
 */
import { renderHtml } from "../bench/render_html.ts";
import type { Report } from "../bench/report.ts";

/** Committed reports that the test renders: the H100 run and a CI-sized lavapipe run. */
export const COMMITTED_REPORTS: readonly { name: string; json: URL }[] = [
  { name: "h100", json: new URL("../docs/results/h100/report.json", import.meta.url) },
  { name: "ci", json: new URL("../docs/results/lavapipe_tiny/report.json", import.meta.url) },
];

/** A legend entry that cannot be read. */
export interface LegendProblem {
  /** The chart's title (its first text element). */
  chart: string;
  /** `clipped`: outside the chart; `overlap`: covers another legend entry or swatch. */
  kind: "clipped" | "overlap";
  /** The entry's text (and the other entry's, for an overlap). */
  text: string;
}

/**
 * Renders a committed report's JSON to an HTML file in a new temporary folder.
 *
 * @example
 * ```ts ignore
 * const path = await renderReportFile(COMMITTED_REPORTS[1].json);
 * ```
 *
 * @param json The report's `report.json`.
 * @returns The HTML file's path.
 */
export async function renderReportFile(json: URL): Promise<string> {
  const report = JSON.parse(await Deno.readTextFile(json)) as Report;
  const dir = await Deno.makeTempDir({ prefix: "gpulite_report_" });
  const path = `${dir}/report.html`;
  await Deno.writeTextFile(path, renderHtml(report));
  return path;
}

/**
 * Page-side JavaScript that returns, per SVG chart of the page, how many legend entries it has
 * (see {@linkcode LEGEND_PROBLEMS_JS} for what counts as one).
 */
export const LEGEND_COUNTS_JS = `[...document.querySelectorAll("svg")].map((svg) =>
  [...svg.querySelectorAll("text")].filter((t) => {
    const e = t.previousElementSibling;
    return (e && e.tagName === "rect" && e.getBBox().width <= 16 && e.getBBox().height <= 16) ||
      t.closest("[class*=legend]");
  }).length
)`;

/**
 * Page-side JavaScript that returns every {@linkcode LegendProblem} of the page's SVG charts as
 * JSON. A legend entry is a text element that follows a colour swatch (a rect of at most 16 by 16
 * pixels) or lies inside an element whose class names a legend. An entry is clipped when its box
 * leaves the chart's box, and overlaps when its box meets another entry's text or another swatch.
 */
export const LEGEND_PROBLEMS_JS = `(() => {
  const problems = [];
  const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 &&
    a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
  const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  const isSwatch = (el) => el && el.tagName === "rect" &&
    el.getBBox().width <= 16 && el.getBBox().height <= 16;
  for (const svg of document.querySelectorAll("svg")) {
    const chart = svg.querySelector("text")?.textContent ?? "(untitled chart)";
    const box = svg.getBoundingClientRect();
    const entries = [...svg.querySelectorAll("text")].filter((t) =>
      isSwatch(t.previousElementSibling) || t.closest("[class*=legend]")
    ).map((t) => ({ text: t.textContent, box: t.getBoundingClientRect(),
      swatch: isSwatch(t.previousElementSibling) ? t.previousElementSibling : undefined }));
    const swatches = [...svg.querySelectorAll("rect")].filter(isSwatch)
      .map((r) => ({ el: r, box: r.getBoundingClientRect() }));
    entries.forEach((e, i) => {
      if (!inside(e.box, box)) problems.push({ chart, kind: "clipped", text: e.text });
      for (const other of entries.slice(i + 1)) {
        if (meet(e.box, other.box)) {
          problems.push({ chart, kind: "overlap", text: e.text + " / " + other.text });
        }
      }
      for (const s of swatches) {
        if (s.el !== e.swatch && meet(e.box, s.box)) {
          problems.push({ chart, kind: "overlap", text: e.text + " / a colour swatch" });
        }
      }
    });
  }
  return problems;
})()`;
