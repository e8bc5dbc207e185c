/**
 * Renders the committed reports (the H100 run and the CI-sized lavapipe run) in headless Chromium
 * and saves one PNG per chart under `docs/screenshots/` as `<report>_<n>_<chart>.png`.
 *
 * Usage: `deno run -A web/screenshot_reports.ts [OUT_DIR]`
 *
 * @module
 */
import { Chromium, findChromium } from "./_chromium.ts";
import { COMMITTED_REPORTS, renderReportFile } from "./_report_pages.ts";

interface ChartBox {
  title: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const CHART_BOXES_JS = `[...document.querySelectorAll("svg")].map((svg) => {
  const r = svg.getBoundingClientRect();
  return { title: svg.querySelector("text")?.textContent ?? "chart",
    x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
})`;

function slug(title: string): string {
  return title.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).slice(0, 4).join("_");
}

/**
 * Saves the chart screenshots of every committed report.
 *
 * @example
 * ```ts ignore
 * const files = await screenshotReports("docs/screenshots");
 * ```
 *
 * @param outDir Folder for the PNGs (created if missing).
 * @returns The files written.
 */
export async function screenshotReports(outDir: string): Promise<string[]> {
  const chromium = findChromium();
  if (!chromium) throw new Error("Chromium not found (apt-get install chromium, or set CHROMIUM)");
  await Deno.mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const browser = await Chromium.launch(chromium);
  try {
    for (const { name, json } of COMMITTED_REPORTS) {
      const path = await renderReportFile(json);
      const page = await browser.open(`file://${path}`);
      await page.send("Emulation.setDeviceMetricsOverride", {
        width: 1280,
        height: 900,
        deviceScaleFactor: 1,
        mobile: false,
      });
      const boxes = await page.evaluate<ChartBox[]>(CHART_BOXES_JS);
      for (const [i, b] of boxes.entries()) {
        const { data } = await page.send("Page.captureScreenshot", {
          format: "png",
          captureBeyondViewport: true,
          clip: { x: b.x, y: b.y, width: b.width, height: b.height, scale: 1 },
        }) as { data: string };
        const file = `${outDir}/${name}_${i + 1}_${slug(b.title)}.png`;
        await Deno.writeFile(file, Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
        written.push(file);
      }
      await Deno.remove(path.replace(/\/report\.html$/, ""), { recursive: true });
    }
  } finally {
    await browser.close();
  }
  return written;
}

if (import.meta.main) {
  const out = Deno.args[0] ?? new URL("../docs/screenshots", import.meta.url).pathname;
  for (const f of await screenshotReports(out)) console.log(f);
}
