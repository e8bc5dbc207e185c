/**
 * The HTML report rendered in headless Chromium: every legend entry of every chart is inside its
 * chart and overlaps no other entry. Runs under `deno task test:browser` (which sets
 * `GPULITE_BROWSER=1`); skipped elsewhere and when Chromium is absent.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Chromium, findChromium } from "./_chromium.ts";
import {
  COMMITTED_REPORTS,
  LEGEND_COUNTS_JS,
  LEGEND_PROBLEMS_JS,
  type LegendProblem,
  renderReportFile,
} from "./_report_pages.ts";

const chromium = findChromium();
const enabled = Deno.env.get("GPULITE_BROWSER") === "1";
if (enabled && !chromium) {
  console.warn(
    "report_render_test: skipped, Chromium not found (apt-get install chromium, or set CHROMIUM)",
  );
}

for (const { name, json } of COMMITTED_REPORTS) {
  Deno.test({
    name: `the ${name} report's charts show every legend entry unclipped and apart in Chromium`,
    ignore: !enabled || !chromium,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const path = await renderReportFile(json);
      const browser = await Chromium.launch(chromium!);
      try {
        const page = await browser.open(`file://${path}`);
        await page.send("Emulation.setDeviceMetricsOverride", {
          width: 1280,
          height: 900,
          deviceScaleFactor: 1,
          mobile: false,
        });
        const counts = await page.evaluate<number[]>(LEGEND_COUNTS_JS);
        assert.ok(counts.length > 0, `the ${name} report has no charts`);
        assert.ok(counts.every((n) => n > 0), `a chart without legend entries: ${counts}`);
        const problems = await page.evaluate<LegendProblem[]>(LEGEND_PROBLEMS_JS);
        const lines = problems.map((p) => `${p.kind}: ${p.text} (in "${p.chart}")`);
        assert.deepEqual(lines, [], `unreadable legend entries:\n${lines.join("\n")}`);
      } finally {
        await browser.close();
        await Deno.remove(path.replace(/\/report\.html$/, ""), { recursive: true });
      }
    },
  });
}
