import { deepStrictEqual, strictEqual, throws } from "node:assert";
import { formatBytes, quantile, summarize } from "./stats.ts";
import { barChart, stackedChart } from "../bench/svg.ts";
import { memoryByStrategy, speedupsOf } from "../bench/summaries.ts";

Deno.test("quantile() interpolates between neighbours and rejects no samples", () => {
  strictEqual(quantile([10], 0.9), 10);
  strictEqual(quantile([0, 10], 0.1), 1);
  strictEqual(quantile([1, 2, 3, 4, 5], 0.5), 3);
  throws(() => quantile([], 0.5), RangeError);
});

Deno.test("summarize() gives median, p10, p90, min and max whatever the order", () => {
  const s = summarize([5, 1, 4, 2, 3]);
  deepStrictEqual(
    { n: s.n, median: s.median, min: s.min, max: s.max, mean: s.mean },
    { n: 5, median: 3, min: 1, max: 5, mean: 3 },
  );
  strictEqual(+s.p10.toFixed(6), 1.4);
  strictEqual(+s.p90.toFixed(6), 4.6);
});

Deno.test("formatBytes() uses binary units", () => {
  strictEqual(formatBytes(512), "512 B");
  strictEqual(formatBytes(3 * 1024 * 1024), "3.00 MiB");
});

Deno.test("memoryByStrategy() never reports a plan under its lower bound", () => {
  const records = Array.from({ length: 40 }, (_, i) => ({
    size: 64 * (1 + ((i * 7) % 5)),
    firstOp: i,
    lastOp: i + 1 + (i % 3),
  }));
  const m = memoryByStrategy(records, "test");
  strictEqual(m.tensors, 40);
  for (const s of m.strategies) {
    const bound = s.form === "offsets" ? m.lowerBounds.offsets : m.lowerBounds.objects;
    strictEqual(s.error, undefined);
    strictEqual(s.bytes! >= bound, true, `${s.name} (${s.form}) is under its lower bound`);
    strictEqual(s.bytes! <= m.naiveBytes + 16 * 40, true, `${s.name} (${s.form}) exceeds naive`);
  }
});

Deno.test("speedupsOf() pairs every GPU result with every CPU and peer result", () => {
  const stats = (m: number) => ({ n: 1, median: m, p10: m, p90: m, min: m, max: m, mean: m });
  const s = speedupsOf({
    backends: [
      { id: "gpu/deno", backend: "gpu", status: "ok", latency: stats(4) },
      { id: "gpu/dawn", backend: "gpu", status: "ok", latency: stats(1) },
      { id: "cpu/1t", backend: "cpu", status: "ok", latency: stats(8) },
      { id: "reference", backend: "reference", status: "failed" },
    ],
    peers: [{
      id: "litert/wasm",
      runtime: "x",
      accelerator: "wasm",
      status: "ok",
      latency: stats(2),
    }],
  });
  deepStrictEqual(s.map((x) => `${x.of}/${x.over}=${x.value}`), [
    "gpu/deno/cpu/1t=2",
    "gpu/deno/litert/wasm=0.5",
    "gpu/dawn/cpu/1t=8",
    "gpu/dawn/litert/wasm=2",
  ]);
});

Deno.test("charts are SVG with one rect per bar and escaped labels", () => {
  const svg = barChart([{ label: "a<b", bars: [{ series: "s", value: 3, lo: 2, hi: 4 }] }], {
    title: "t",
    unit: "ms",
    series: [{ id: "s", label: "s", color: "#000" }],
    log: true,
    lines: [{ at: 1, label: "1×" }],
  });
  strictEqual(svg.startsWith("<svg"), true);
  strictEqual(svg.includes("a&lt;b"), true);
  strictEqual((svg.match(/<rect /g) ?? []).length, 2); // legend swatch + bar
  const stacked = stackedChart([{ label: "n", parts: [{ key: "A", value: 1 }] }], "t");
  strictEqual(stacked.includes("<title>n A: 1.00 ms (100.0%)</title>"), true);
  strictEqual(barChart([], { title: "empty", unit: "ms", series: [] }).includes("no data"), true);
});
