/**
 * `report.html`: one self-contained page (no scripts, no external files): inline SVG charts of
 * latency per network and backend, speedups, GPU time by op type and peak intermediate memory per
 * strategy against the lower bound, followed by the tables of `report.md`.
 *
 * @module
 */
import type { Report } from "./report.ts";
import type { NetworkResult } from "./measure.ts";
import { barChart, type BarGroup, esc, seriesColors, stackedChart } from "./svg.ts";
import { renderMarkdown } from "./render_md.ts";
import { formatBytes } from "../core/stats.ts";

function seriesOf(report: Report): { id: string; label: string; color: string }[] {
  const ids: string[] = [];
  for (const r of report.networks) {
    for (const x of [...r.backends, ...r.peers]) {
      if (x.latency && !ids.includes(x.id)) ids.push(x.id);
    }
  }
  return seriesColors(ids);
}

function latencyChart(report: Report): string {
  const groups: BarGroup[] = report.networks.map((r) => ({
    label: r.id,
    bars: [...r.backends, ...r.peers].filter((x) => x.latency).map((x) => ({
      series: x.id,
      value: x.latency!.median,
      lo: x.latency!.p10,
      hi: x.latency!.p90,
      title: `${r.id} ${x.id}: median ${x.latency!.median.toFixed(3)} ms, p10–p90 ${
        x.latency!.p10.toFixed(3)
      }–${x.latency!.p90.toFixed(3)}, n=${x.latency!.n}`,
    })),
  }));
  return barChart(groups, {
    title: "End-to-end latency per network: GPU vs CPU vs peers (median, whiskers p10–p90)",
    unit: "ms",
    series: seriesOf(report),
    log: true,
  });
}

function speedupChart(report: Report): string {
  const pairs: string[] = [];
  const groups: BarGroup[] = report.networks.map((r) => ({
    label: r.id,
    bars: r.speedups.map((s) => {
      const id = `${s.of} vs ${s.over}`;
      if (!pairs.includes(id)) pairs.push(id);
      return { series: id, value: s.value, label: `${s.value.toFixed(2)}×` };
    }),
  }));
  return barChart(groups, {
    title: "Speedup of the GPU over each CPU baseline and peer (ratio of medians; > 1: GPU faster)",
    unit: "×",
    series: seriesColors(pairs),
    log: true,
    lines: [{ at: 1, label: "1×" }],
    directLabels: true,
  });
}

function opChart(report: Report): string {
  const rows = report.networks.flatMap((r: NetworkResult) => {
    const b = r.backends.find((x) => x.opTimes?.length);
    if (!b) return [];
    const total = b.opTimes!.reduce((a, o) => a + o.ms.median, 0);
    return [{
      label: `${r.id} (${b.id})`,
      note: `${total.toPrecision(3)} ms`,
      parts: b.opTimes!.map((o) => ({ key: o.op, value: o.ms.median })),
    }];
  });
  if (!rows.length) {
    return `<p>No GPU time by op: no GPU backend ran with timestamp queries.</p>`;
  }
  return stackedChart(
    rows,
    "GPU time by op type (timestamp queries, share of the summed node time)",
  );
}

function memoryChart(report: Report): string {
  const names: string[] = [];
  const groups: BarGroup[] = report.networks.filter((r) => r.memory).map((r) => {
    const m = r.memory!;
    return {
      label: r.id,
      bars: m.strategies.filter((s) => s.bytes !== undefined).map((s) => {
        const id = `${s.name} (${s.form})`;
        if (!names.includes(id)) names.push(id);
        const lb = s.form === "offsets" ? m.lowerBounds.offsets : m.lowerBounds.objects;
        return {
          series: id,
          value: s.bytes! / (lb || 1),
          label: `${formatBytes(s.bytes!)} (${(s.bytes! / (lb || 1)).toFixed(2)}×)`,
          title: `${r.id} ${id}: ${formatBytes(s.bytes!)}; lower bound ${formatBytes(lb)}; naive ${
            formatBytes(m.naiveBytes)
          }`,
        };
      }),
    };
  });
  return barChart(groups, {
    title:
      "Peak intermediate memory per strategy, relative to the lower bound of its form (linear from 0; the dashed line at 1 is the lower bound)",
    unit: "× lower bound",
    series: seriesColors(names),
    lines: [{ at: 1, label: "lower bound" }],
    directLabels: true,
  });
}

function inline(s: string): string {
  return esc(s).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>");
}

/** A small Markdown-to-HTML converter for what `render_md.ts` writes: headings, tables, lists, paragraphs. */
function markdownToHtml(md: string): string {
  const out: string[] = [];
  const lines = md.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const h = line.match(/^(#{1,4}) (.*)$/);
    if (h) {
      out.push(`<h${h[1].length}>${inline(h[2])}</h${h[1].length}>`);
    } else if (line.startsWith("|")) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i].startsWith("|")) {
        rows.push(
          lines[i].slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replaceAll("\\|", "|")),
        );
        i++;
      }
      i--;
      const [head, , ...body] = rows;
      out.push(
        `<table><thead><tr>${
          head.map((c) => `<th>${inline(c)}</th>`).join("")
        }</tr></thead><tbody>${
          body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`).join("")
        }</tbody></table>`,
      );
    } else if (line.startsWith("- ")) {
      const items: string[] = [];
      while (i < lines.length && lines[i].startsWith("- ")) items.push(lines[i++].slice(2));
      i--;
      out.push(`<ul>${items.map((x) => `<li>${inline(x)}</li>`).join("")}</ul>`);
    } else if (line.startsWith("> ")) {
      out.push(`<p class="note">${inline(line.slice(2))}</p>`);
    } else if (line.trim()) {
      out.push(`<p>${inline(line)}</p>`);
    }
  }
  return out.join("\n");
}

const STYLE = `body{font-family:sans-serif;margin:1.5em;max-width:1400px;color:#222}
table{border-collapse:collapse;margin:.5em 0;font-size:12px}th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.note{background:#fff4d6;padding:.5em;border-left:4px solid #e0a800}
svg{display:block;margin:1em 0;max-width:100%;height:auto}h1{font-size:1.5em}h2{margin-top:1.5em}`;

/**
 * Renders the report as one self-contained HTML page with inline SVG charts.
 *
 * @example
 * ```ts ignore
 * import { renderHtml } from "./render_html.ts";
 * await Deno.writeTextFile("report.html", renderHtml(report));
 * ```
 *
 * @param report The report.
 * @returns The HTML text.
 */
export function renderHtml(report: Report): string {
  const md = renderMarkdown(report);
  const cut = md.indexOf("## Summary");
  const head = markdownToHtml(cut >= 0 ? md.slice(0, cut) : md);
  const rest = markdownToHtml(cut >= 0 ? md.slice(cut) : "");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gpulite benchmark report ${
    esc(report.header.date)
  }</title>
<style>${STYLE}</style></head><body>
${head}
<h2>Charts</h2>
${latencyChart(report)}
${speedupChart(report)}
${opChart(report)}
${memoryChart(report)}
${rest}
</body></html>
`;
}
