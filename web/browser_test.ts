/**
 * The browser page in headless Chromium with WebGPU (SwiftShader on machines without a GPU): every
 * op's conformance cases pass on the GPU, a real network's outputs match the reference on the GPU
 * and on the one-thread `cpu` backend, and a committed benchmark report shows its charts.
 * Runs under `deno task test:browser` (which sets `GPULITE_BROWSER=1`); skipped elsewhere and,
 * with a message, when Chromium is absent. `GPULITE_BROWSER_OPS=A,B` narrows the ops.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Chromium, findChromium, WEBGPU_FLAGS } from "./_chromium.ts";
import { startServer } from "./serve.ts";
import type { PageResults } from "./app.ts";

const MODEL = "mobilenet_v1_0.25_224.tflite";
/** A committed benchmark report (`docs/results/NAME/report.json`) the page shows. */
const REPORT = "lavapipe_tiny";
const MODELS_DIR = new URL("../../shared/models/networks/", import.meta.url);
/** The whole page run (about 70 s in SwiftShader on 2 cores: 45 s of conformance, 25 s of model). */
const TIMEOUT_MS = 240_000;

/**
 * Ops whose f32 cases exceed the suite's tolerance on SwiftShader only, with why and the relative
 * error that still counts as that known cause (anything worse fails).
 */
const SWIFTSHADER_KNOWN: Readonly<Record<string, { why: string; rel: number }>> = {
  SIN: {
    why: "SwiftShader's sin is accurate to about 1.4e-4 relative (tolerance 1e-4)",
    rel: 1e-3,
  },
  COS: {
    why: "SwiftShader's cos is accurate to about 1.6e-4 relative (tolerance 1e-4)",
    rel: 1e-3,
  },
};

const chromium = findChromium();
const enabled = Deno.env.get("GPULITE_BROWSER") === "1";
let modelPresent = false;
try {
  modelPresent = Deno.statSync(new URL(MODEL, MODELS_DIR)).isFile;
} catch {
  // Checked in the test.
}
if (enabled && !chromium) {
  console.warn(
    "browser_test: skipped, Chromium not found (apt-get install chromium, or set CHROMIUM)",
  );
}

Deno.test({
  name: "the page passes conformance and matches the reference on a real network in Chromium",
  ignore: !enabled || !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    assert.ok(modelPresent, `${MODEL} is missing from ${MODELS_DIR.pathname}`);
    const server = await startServer({ modelsDir: MODELS_DIR });
    let browser: Chromium | undefined;
    try {
      // The bundle first: a bundler error fails here at once instead of as a page that never ends.
      const bundle = await fetch(`${server.url}app.js`);
      const text = await bundle.text();
      assert.equal(bundle.status, 200, text);
      browser = await Chromium.launch(chromium!, { flags: WEBGPU_FLAGS });
      const ops = Deno.env.get("GPULITE_BROWSER_OPS") ?? "all";
      const page = await browser.open(
        `${server.url}?ops=${
          encodeURIComponent(ops)
        }&model=models/${MODEL}&runs=0&report=${REPORT}`,
      );
      const r = await page.waitFor<PageResults>(
        "['done', 'error'].includes(globalThis.gpulite?.state) && globalThis.gpulite",
        { timeoutMs: TIMEOUT_MS, intervalMs: 1000 },
      );
      assert.equal(r.state, "done", `the page ended in error: ${r.error}`);
      assert.ok(r.adapter, "the page names no adapter");

      const rows = r.conformance ?? [];
      assert.ok(rows.length > 0, "no conformance rows");
      const bad = rows.filter((row) => {
        if (row.cases === 0) return true;
        const known = SWIFTSHADER_KNOWN[row.op];
        const swiftshader = /swiftshader|google/i.test(r.adapter!);
        if (known && swiftshader && row.precision === "f32") return row.rel > known.rel;
        return row.failed > 0;
      });
      assert.deepEqual(
        bad.map((row) =>
          `${row.op} ${row.precision}: ${row.failed}/${row.cases} failed, ${row.worst}`
        ),
        [],
      );

      const m = r.model;
      assert.ok(m, "no model result");
      assert.ok(m.outputs.length > 0, "the model has no outputs");
      for (const o of m.outputs) {
        assert.ok(o.passed, `output ${o.name}: relative error ${o.rel} > ${o.tolerance}`);
      }
      assert.equal(m.onGpu, m.nodes, `${m.nodes - m.onGpu} nodes fell back to the CPU`);
      assert.ok(
        m.cpuRel !== undefined,
        "the cpu backend did not run (is the page cross-origin isolated?)",
      );
      assert.ok(m.cpuRel <= m.outputs[0].tolerance, `cpu backend: relative error ${m.cpuRel}`);
      assert.ok(
        await page.evaluate<boolean>("!!document.querySelector('#timings-chart svg')"),
        "the page draws no timings chart",
      );

      assert.equal(r.report, REPORT);
      const charts = await page.waitFor<number>(
        "document.getElementById('report').contentDocument?.querySelectorAll('svg').length",
        { timeoutMs: 10_000 },
      );
      assert.ok(charts >= 3, `the report shows ${charts} charts`);
      console.log(
        `browser_test: ${charts} report charts; ${rows.length} conformance rows in ${
          r.conformanceSeconds?.toFixed(1)
        } s; ` +
          `${MODEL} max rel error ${Math.max(...m.outputs.map((o) => o.rel)).toExponential(2)} ` +
          `on ${r.adapter}`,
      );
    } finally {
      await browser?.close();
      await server.close();
    }
  },
});
