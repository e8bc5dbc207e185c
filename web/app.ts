/// <reference lib="dom" />
/**
 * The browser page's script (bundled to `/app.js` by `web/serve.ts`): acquires a WebGPU device,
 * loads a `.tflite` the user picks, drops or chooses from the server, runs it on the GPU and on the
 * reference, runs conformance cases, and fills the page's tables; shows a committed or opened
 * benchmark report (`bench/render_html.ts`) with its tables and charts.
 *
 * Results are published on `window.gpulite` and as JSON in `#results-json`: `state` (`idle`,
 * `running`, `done`, `error`), `adapter`, `conformance` rows, `model` and `error`.
 *
 * Query parameters run the page unattended (for `deno task test:browser`): `ops=A,B` (or `all`)
 * runs those conformance ops, `model=/models/NAME.tflite` runs that model; with either the page
 * starts at once and ends in state `done` or `error`; `runs=N` sets the timed GPU runs after the
 * first (default 3); `report=NAME` shows the committed report `docs/results/NAME`.
 *
 * @module
 */
import { acquireDevice, type GpuContext } from "../engine/backends/gpu/device.ts";
import { renderHtml } from "../bench/render_html.ts";
import type { Report } from "../bench/report.ts";
import { barChart, PALETTE } from "../bench/svg.ts";
import {
  type ConformanceRow,
  type ModelResult,
  runConformance,
  runModel,
  selectOps,
} from "./runner.ts";

/** What the page publishes. */
export interface PageResults {
  /** `idle`, `running`, `done` or `error`. */
  state: "idle" | "running" | "done" | "error";
  /** The adapter's summary, once a device exists. */
  adapter?: string;
  /** Conformance rows, when conformance ran. */
  conformance?: ConformanceRow[];
  /** Seconds the conformance run took. */
  conformanceSeconds?: number;
  /** The model run, when a model ran. */
  model?: ModelResult & { name: string };
  /** The committed report shown, when one was asked for. */
  report?: string;
  /** What went wrong, when `state` is `error`. */
  error?: string;
}

const results: PageResults = { state: "idle" };
let gpu: GpuContext | undefined;
let modelSource: { name: string; bytes?: Uint8Array; url?: string } | undefined;

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`The page lacks #${id}`);
  return el;
}

function publish(): void {
  (globalThis as unknown as { gpulite: PageResults }).gpulite = results;
  $("results-json").textContent = JSON.stringify(results, null, 2);
}

function setStatus(text: string): void {
  $("status").textContent = text;
}

function sci(x: number): string {
  return Number.isFinite(x) ? x.toExponential(2) : String(x);
}

function addRow(table: string, cells: (string | number)[], passed?: boolean): void {
  const body = ($(table) as HTMLTableElement).tBodies[0];
  const tr = body.insertRow();
  cells.forEach((c, i) => {
    const td = tr.insertCell();
    td.textContent = String(c);
    if (typeof c === "number") td.className = "num";
    if (passed !== undefined && i === cells.length - 1) td.className = passed ? "pass" : "fail";
  });
}

function clearTable(table: string): void {
  ($(table) as HTMLTableElement).tBodies[0].replaceChildren();
}

async function device(): Promise<GpuContext> {
  if (!gpu) {
    gpu = await acquireDevice();
    results.adapter = gpu.summary;
    $("adapter").textContent = gpu.summary;
    publish();
  }
  return gpu;
}

async function guarded(what: string, work: () => Promise<void>): Promise<void> {
  results.state = "running";
  results.error = undefined;
  publish();
  try {
    await work();
    results.state = "done";
  } catch (e) {
    results.state = "error";
    results.error = `${what}: ${(e as Error).message}`;
    setStatus(results.error);
  }
  publish();
}

async function conformance(list: string): Promise<void> {
  const ops = selectOps(list);
  const ctx = await device();
  clearTable("conformance");
  const rows: ConformanceRow[] = [];
  results.conformance = rows;
  const t0 = performance.now();
  await runConformance(ctx, ops, {
    onRow(row) {
      rows.push(row);
      addRow("conformance", [
        row.op,
        row.precision,
        row.cases,
        row.passed,
        row.failed,
        sci(row.maxAbs),
        sci(row.rel),
        row.worst,
      ], row.failed === 0);
      setStatus(`Conformance: ${rows.length} op/precision rows done...`);
      publish();
    },
  });
  results.conformanceSeconds = (performance.now() - t0) / 1000;
  const failed = rows.reduce((a, r) => a + r.failed, 0);
  const cases = rows.reduce((a, r) => a + r.cases, 0);
  setStatus(
    `Conformance: ${rows.length} rows, ${cases} cases, ${failed} failed in ${
      results.conformanceSeconds.toFixed(1)
    } s`,
  );
}

async function model(runs?: number): Promise<void> {
  if (!modelSource) throw new Error("Choose a model first");
  const ctx = await device();
  setStatus(`Running ${modelSource.name} on the GPU and on the reference...`);
  const r = await runModel(ctx, modelSource.bytes ?? new URL(modelSource.url!, location.href), {
    runs,
    // The cpu backend's memory is shared WebAssembly memory: only in a cross-origin isolated page.
    cpu: globalThis.crossOriginIsolated === true,
  });
  results.model = { name: modelSource.name, ...r };
  clearTable("outputs");
  for (const o of r.outputs) {
    addRow("outputs", [
      o.name,
      `[${o.shape}]`,
      sci(o.maxAbs),
      sci(o.rel),
      sci(o.tolerance),
      o.passed ? "pass" : "FAIL",
    ], o.passed);
  }
  if (r.cpuRel !== undefined) {
    const ok = r.cpuRel <= r.outputs[0].tolerance;
    addRow("outputs", [
      "every output, cpu backend (1 thread)",
      "",
      "",
      sci(r.cpuRel),
      sci(r.outputs[0].tolerance),
      ok ? "pass" : "FAIL",
    ], ok);
  }
  clearTable("timings");
  for (const [step, ms] of Object.entries(r.timings)) addRow("timings", [step, ms.toFixed(1)]);
  $("timings-chart").innerHTML = barChart(
    Object.entries(r.timings).map(([step, ms]) => ({
      label: step,
      bars: [{ series: "ms", value: Math.max(ms, 0.01), label: `${ms.toFixed(1)} ms` }],
    })),
    {
      title: `${modelSource.name}: time per step`,
      unit: "ms",
      log: true,
      series: [{ id: "ms", label: results.adapter ?? "this adapter", color: PALETTE[0] }],
    },
  );
  setStatus(
    `${modelSource.name}: ${r.onGpu} of ${r.nodes} nodes on the GPU; outputs ${
      r.passed ? "match" : "DIFFER from"
    } the reference`,
  );
}

function chooseBytes(name: string, bytes: Uint8Array): void {
  modelSource = { name, bytes };
  $("model-name").textContent = `${name} (${bytes.length} bytes)`;
  ($("run-model") as HTMLButtonElement).disabled = false;
}

async function listServed(): Promise<void> {
  const select = $("served") as HTMLSelectElement;
  try {
    const names: string[] = await (await fetch("models/")).json();
    for (const n of names) select.add(new Option(n, `models/${n}`));
  } catch {
    // Served without a models folder: the picker stays empty.
  }
  select.onchange = () => {
    if (!select.value) return;
    modelSource = { name: select.selectedOptions[0].text, url: select.value };
    $("model-name").textContent = `${modelSource.name} (from the server)`;
    ($("run-model") as HTMLButtonElement).disabled = false;
  };
}

function showReport(report: Report): void {
  const frame = $("report") as HTMLIFrameElement;
  frame.srcdoc = renderHtml(report);
  frame.hidden = false;
}

async function listReports(): Promise<void> {
  const select = $("reports") as HTMLSelectElement;
  try {
    const names: string[] = await (await fetch("reports/")).json();
    for (const n of names) select.add(new Option(n, `reports/${n}`));
  } catch {
    // Served without committed reports: the picker stays empty.
  }
  select.onchange = async () => {
    if (select.value) showReport(await (await fetch(select.value)).json());
  };
  const file = $("report-file") as HTMLInputElement;
  file.onchange = async () => {
    const f = file.files?.[0];
    if (f) showReport(JSON.parse(await f.text()));
  };
}

function wire(): void {
  const file = $("file") as HTMLInputElement;
  file.onchange = async () => {
    const f = file.files?.[0];
    if (f) chooseBytes(f.name, new Uint8Array(await f.arrayBuffer()));
  };
  const drop = $("drop");
  drop.ondragover = (e) => {
    e.preventDefault();
    drop.classList.add("over");
  };
  drop.ondragleave = () => drop.classList.remove("over");
  drop.ondrop = async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const f = e.dataTransfer?.files[0];
    if (f) chooseBytes(f.name, new Uint8Array(await f.arrayBuffer()));
  };
  $("run-model").onclick = () => guarded("Model run", model);
  $("run-conformance").onclick = () =>
    guarded("Conformance", () => conformance(($("ops") as HTMLInputElement).value));
}

async function main(): Promise<void> {
  wire();
  publish();
  await Promise.all([listServed(), listReports()]);
  const params = new URLSearchParams(location.search);
  const ops = params.get("ops") || null;
  const url = params.get("model") || null;
  const report = params.get("report") || null;
  if (ops === null && url === null && report === null) return;
  await guarded("Unattended run", async () => {
    if (report !== null) {
      const response = await fetch(`reports/${encodeURIComponent(report)}`);
      if (!response.ok) throw new Error(`No committed report ${report}`);
      showReport(await response.json());
      ($("reports") as HTMLSelectElement).value = `reports/${report}`;
      results.report = report;
    }
    if (ops !== null) {
      ($("ops") as HTMLInputElement).value = ops;
      await conformance(ops);
    }
    if (url !== null) {
      modelSource = { name: url.split("/").pop() ?? url, url };
      const runs = params.get("runs");
      await model(runs === null ? undefined : Number(runs));
    }
  });
}

main();
