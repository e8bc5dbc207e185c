import assert from "node:assert/strict";
import { startServer } from "./serve.ts";

const MODELS = new URL("../../shared/models/networks/", import.meta.url);

Deno.test("the page server lists and serves models and committed reports, and nothing outside", async () => {
  const server = await startServer({ modelsDir: MODELS });
  const get = (path: string) => fetch(`${server.url}${path}`);
  try {
    const page = await get("");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script type="module" src="app\.js">/);
    const models: string[] = await (await get("models/")).json();
    assert.ok(models.includes("mobilenet_v1_0.25_224.tflite"), `models: ${models}`);
    const model = await get("models/mobilenet_v1_0.25_224.tflite");
    assert.equal(new TextDecoder().decode((await model.bytes()).slice(4, 8)), "TFL3");
    const reports: string[] = await (await get("reports/")).json();
    assert.ok(reports.includes("h100"), `reports: ${reports}`);
    assert.equal((await (await get("reports/h100")).json()).header !== undefined, true);
    for (const path of ["reports/.x", "reports/..%2fh100", "models/..%2fdeno.json", "deno.json"]) {
      const r = await get(path);
      await r.body?.cancel();
      assert.equal(r.status, 404, path);
    }
  } finally {
    await server.close();
  }
});

Deno.test("the browser bundle builds without Deno or Node imports", async () => {
  const server = await startServer({ modelsDir: MODELS });
  try {
    const r = await fetch(`${server.url}app.js`);
    const js = await r.text();
    assert.equal(r.status, 200, js);
    assert.doesNotMatch(js, /^import .* from "node:/m);
    assert.doesNotMatch(js, /\bDeno\.(readFile|Command|serve)\b/);
  } finally {
    await server.close();
  }
});
