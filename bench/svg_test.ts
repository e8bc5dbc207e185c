import { equal, ok } from "node:assert/strict";
import { barChart, type BarGroup, PALETTE, seriesColors, stackedChart, textWidth } from "./svg.ts";
import { renderHtml } from "./render_html.ts";
import type { Report } from "./report.ts";

/** The legend entries of a chart: swatch rectangles (12 × 12) and the text right of each. */
function legendEntries(svg: string): { x: number; y: number; color: string; text: string }[] {
  const re =
    /<rect x="([\d.]+)" y="([\d.-]+)" width="12" height="12" fill="([^"]+)"\/><text[^>]*>([^<]*)<\/text>/g;
  return [...svg.matchAll(re)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    color: m[3],
    text: m[4],
  }));
}

function chartWidth(svg: string): number {
  return Number(svg.match(/width="(\d+)"/)![1]);
}

const MANY = Array.from({ length: 11 }, (_, i) => `GREEDY_STRATEGY_${i} (offsets)`);

Deno.test("a bar chart's legend shows every series, wrapping rows without overlap or clipping", () => {
  const series = seriesColors(MANY);
  const groups: BarGroup[] = [{
    label: "net",
    bars: MANY.map((id, i) => ({ series: id, value: i + 1 })),
  }];
  const svg = barChart(groups, { title: "t", unit: "x", series });
  const entries = legendEntries(svg);
  equal(entries.length, MANY.length);
  ok(new Set(entries.map((e) => e.y)).size > 1, "eleven long entries must wrap");
  const width = chartWidth(svg);
  for (const [i, a] of entries.entries()) {
    const end = a.x + 16 + textWidth(a.text, 11);
    ok(end <= width, `${a.text} ends at ${end} past ${width}`);
    for (const b of entries.slice(i + 1)) {
      if (a.y === b.y) ok(b.x >= end || b.x + 16 + textWidth(b.text, 11) <= a.x, "overlap");
    }
  }
});

Deno.test("seriesColors() never repeats a colour and refuses more series than the palette", () => {
  const colors = seriesColors(PALETTE.map((_, i) => `s${i}`)).map((s) => s.color);
  equal(new Set(colors).size, colors.length);
  let refused = false;
  try {
    seriesColors([...PALETTE, "one more"]);
  } catch {
    refused = true;
  }
  ok(refused);
});

Deno.test("a stacked chart with more keys than colours folds the smallest into other", () => {
  const keys = Array.from({ length: PALETTE.length + 4 }, (_, i) => `OP_${i}`);
  const svg = stackedChart([{
    label: "n",
    parts: keys.map((k, i) => ({ key: k, value: 100 - i })),
  }], "t");
  const entries = legendEntries(svg);
  equal(entries.length, PALETTE.length);
  equal(entries.at(-1)!.text, "other");
  equal(new Set(entries.map((e) => e.color)).size, entries.length);
});

Deno.test("direct labels name each bar's series", () => {
  const svg = barChart([{ label: "n", bars: [{ series: "a", value: 2, label: "2×" }] }], {
    title: "t",
    unit: "x",
    series: [{ id: "a", label: "gpu vs cpu", color: PALETTE[0] }],
    directLabels: true,
  });
  ok(svg.includes(">2× gpu vs cpu</text>"), svg);
});

Deno.test("the committed report's memory bars have lengths proportional to their bytes", async () => {
  const url = new URL("../docs/results/lavapipe_tiny/report.json", import.meta.url);
  const report = JSON.parse(await Deno.readTextFile(url)) as Report;
  const html = renderHtml(report);
  const memory = html.slice(html.lastIndexOf("<svg"));
  ok(memory.includes("Peak intermediate memory"), "the last chart is not the memory chart");
  const net = report.networks.find((r) => r.memory)!;
  const shown = net.memory!.strategies.filter((s) => s.bytes !== undefined);
  const bars = [...memory.matchAll(/width="([\d.]+)" height="12" fill="[^"]+"><title>([^<]*)</g)]
    .filter((m) => m[2].startsWith(`${net.id} `))
    .map((m) => Number(m[1]));
  equal(bars.length, shown.length);
  ok(bars.every((w) => w > 1), `a bar of ${net.id} has (almost) zero length: ${bars}`);
  const lb = (s: (typeof shown)[number]) =>
    s.form === "offsets" ? net.memory!.lowerBounds.offsets : net.memory!.lowerBounds.objects;
  const perUnit = bars[0] / (shown[0].bytes! / lb(shown[0]));
  for (const [k, s] of shown.entries()) {
    const expected = perUnit * (s.bytes! / lb(s));
    ok(Math.abs(bars[k] - expected) <= 0.2, `${s.name}: ${bars[k]} px, expected ${expected}`);
  }
  ok(/stroke-dasharray="4 3"\/><text[^>]*>lower bound</.test(memory), "no lower-bound line");
});
