/**
 * A Markdown table of several `gpulite plan --json` reports (the one in `docs/results/plans`): one
 * row per network, one column per strategy and form, and where gpulite's strategies beat TFLite's.
 *
 * @module
 */

import { type PlanForm, STRATEGIES } from "../engine/memory/mod.ts";
import { mib, type PlanReport } from "./plan_report.ts";

/** The columns of {@linkcode plansMarkdown}: strategy and form, objects strategies first. */
const TABLE_COLUMNS: readonly { name: string; form: PlanForm }[] = [
  ...STRATEGIES.flatMap((s) =>
    s.form === "objects" || s.form === "both" ? [{ name: s.name, form: "objects" as const }] : []
  ),
  ...STRATEGIES.flatMap((s) =>
    s.form === "offsets" || s.form === "both" ? [{ name: s.name, form: "offsets" as const }] : []
  ),
];

/** Strategies of gpulite's own, compared with TFLite's in {@linkcode plansMarkdown}. */
const OWN: Readonly<Record<PlanForm, string>> = {
  objects: "GPULITE_OBJECTS",
  offsets: "GPULITE_OFFSETS",
};

/**
 * A Markdown table of several reports: one row per network, one column per strategy and form (MiB,
 * and the ratio to the lower bound of the form); the smallest of each form in bold; then where
 * gpulite's strategies beat every TFLite strategy of their form.
 *
 * @param reports Reports from `planReport` (or `plan --json`).
 * @param options `command`: the command line that made them, quoted above the table; `notes`:
 * paragraphs to add after it.
 * @returns Markdown text.
 *
 * @example
 * ```ts
 * import { planReport } from "./plan_report.ts";
 * import { plansMarkdown } from "./plan_markdown.ts";
 *
 * const report = planReport({
 *   records: [{ size: 64, firstOp: 0, lastOp: 1 }, { size: 64, firstOp: 1, lastOp: 2 }],
 *   tensors: [1, 2], source: "exec-graph", gpuNodes: 3, cpuNodes: 0,
 * }, { model: "nets/tiny.tflite" });
 * const md = plansMarkdown([report], { command: "deno task cli plan nets/tiny.tflite --json" });
 * if (!md.includes("| tiny | nets |")) throw new Error("wrong");
 * ```
 */
export function plansMarkdown(
  reports: readonly PlanReport[],
  options: { command: string; notes?: string[] },
): string {
  const name = (r: PlanReport) => r.model.split("/").at(-1)!.replace(/\.tflite$/, "");
  const find = (r: PlanReport, c: { name: string; form: PlanForm }) =>
    r.strategies.find((s) => s.name === c.name && s.form === c.form);
  const header = [
    "network",
    "folder",
    "tensors",
    "bound objects",
    "bound offsets",
    ...TABLE_COLUMNS.map((c) => (c.name === "GREEDY_BEST" ? `GREEDY_BEST (${c.form})` : c.name)),
  ];
  const lines = [
    "| " + header.join(" | ") + " |",
    "|" + header.map((_, i) => (i < 2 ? " --- |" : " ---: |")).join(""),
  ];
  const beats: string[] = [];
  for (const r of reports) {
    const best: Record<PlanForm, number> = { objects: Infinity, offsets: Infinity };
    for (const s of r.strategies) best[s.form] = Math.min(best[s.form], s.bytes);
    const cells = TABLE_COLUMNS.map((c) => {
      const s = find(r, c);
      if (!s) return "";
      const text = `${mib(s.bytes)} (${s.ratioToLowerBound.toFixed(2)})`;
      return s.bytes === best[c.form] ? `**${text}**` : text;
    });
    const source = r.source === "file-graph" ? " (file graph)" : "";
    const folder = r.model.split("/").at(-2) ?? ".";
    lines.push(
      `| ${name(r)}${source} | ${folder} | ${r.tensors} | ${mib(r.lowerBound.objects)} | ${
        mib(r.lowerBound.offsets)
      } | ${cells.join(" | ")} |`,
    );
    for (const form of ["objects", "offsets"] as const) {
      const own = r.strategies.find((s) => s.name === OWN[form] && s.form === form);
      const tflite = r.strategies.filter((s) => s.form === form && !s.name.startsWith("GPULITE"));
      if (!own || tflite.length === 0) continue;
      const rival = tflite.reduce((a, b) => (b.bytes < a.bytes ? b : a));
      if (own.bytes < rival.bytes) {
        beats.push(
          `- ${name(r)}: ${OWN[form]} ${mib(own.bytes)} MiB vs ${rival.name} ${
            mib(rival.bytes)
          } MiB (${((1 - own.bytes / rival.bytes) * 100).toFixed(1)}% less)`,
        );
      }
    }
  }
  const first = reports[0];
  return [
    "# Memory plans of intermediate tensors",
    "",
    `MiB of intermediate tensors (PHWC4 ${first?.precision ?? "f32"}, offsets aligned to ${
      first?.alignment ?? 16
    } bytes), and in brackets the ratio to the lower bound of the strategy's form (shared objects ` +
    "or offsets); the smallest of each form in **bold**. Made by:",
    "",
    "```sh",
    options.command,
    "```",
    "",
    ...(options.notes ?? []).flatMap((n) => [n, ""]),
    ...lines,
    "",
    "Where gpulite's strategies beat every TFLite strategy of their form:",
    "",
    ...(beats.length > 0 ? beats : ["- nowhere: TFLite's best ties them on every network"]),
    "",
  ].join("\n");
}
