// Smoke test of `deno task report`: runs the CLI on two tiny networks (one built, one real file) with
// two timed runs into a temporary folder and checks that report.json, report.md and report.html exist
// and are well-formed. Ignored, saying why, while a kernel those networks need is not registered.

import { ok, strictEqual } from "node:assert";
import { supportOf } from "../kernels/registry.ts";
import { opName } from "../core/ir.ts";
import { benchNetworks } from "./networks.ts";
import { REPORT_SCHEMA } from "./report.ts";

const NETWORKS = ["mobilenet_v1_tiny", "mobilenet_v1_0.25_224.tflite"];

async function whyNot(): Promise<string | undefined> {
  for (const net of benchNetworks({ names: NETWORKS })) {
    let ops: string[];
    try {
      ops = (await net.load()).model.subgraphs[0].nodes.map(opName);
    } catch (e) {
      return `${net.id} cannot be loaded: ${(e as Error).message}`;
    }
    const missing = [...new Set(ops)].filter((op) => !supportOf(op).gpu);
    if (missing.length) return `${net.id} needs kernels not registered yet: ${missing.join(", ")}`;
  }
  return undefined;
}

const reason = await whyNot();
if (reason) console.log(`report_test: ignored: ${reason}`);

Deno.test({
  name: "deno task report writes well-formed report.json, report.md and report.html",
  ignore: reason !== undefined,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "gpulite_report_" });
    try {
      const child = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          new URL("./report.ts", import.meta.url).pathname,
          "--networks",
          NETWORKS.join(","),
          "--runs",
          "2",
          "--peers",
          "wasm",
          "--out",
          out,
          "--quiet",
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(child.stderr);
      strictEqual(child.code, 0, `report.ts failed:\n${stderr.slice(-2000)}`);

      const report = JSON.parse(await Deno.readTextFile(`${out}/report.json`));
      strictEqual(report.schema, REPORT_SCHEMA);
      for (const key of ["date", "gpulite", "deno", "cpuModel", "cpuThreads", "gpus", "options"]) {
        ok(key in report.header, `report.json header lacks ${key}`);
      }
      strictEqual(report.networks.length, NETWORKS.length);
      for (const net of report.networks) {
        for (const key of ["id", "status", "backends", "peers", "speedups"]) {
          ok(key in net, `network ${net.id} lacks ${key}`);
        }
        strictEqual(net.status, "ok", `${net.id}: ${net.error}`);
        const ran = net.backends.filter((b: { status: string }) => b.status === "ok");
        ok(ran.length > 0, `${net.id}: no backend ran: ${JSON.stringify(net.backends)}`);
        for (const b of ran) {
          ok(b.latency.n >= 1 && b.latency.median > 0, `${net.id} ${b.id} latency`);
          if (b.backend === "gpu") {
            ok(b.zeroCopy?.latency.n >= 1, `${net.id} ${b.id}: no zero-copy timing`);
          }
        }
        ok(net.memory?.strategies.length > 0, `${net.id}: no memory table`);
      }

      const md = await Deno.readTextFile(`${out}/report.md`);
      ok(md.startsWith("# gpulite benchmark report"), "report.md title");
      ok(md.includes("| network | size |"), "report.md lacks the summary table header");
      ok(md.includes("zero-copy outputs"), "report.md lacks the zero-copy column");
      for (const id of NETWORKS) ok(md.includes(`### ${id}`), `report.md lacks ${id}`);

      const html = await Deno.readTextFile(`${out}/report.html`);
      ok(
        html.startsWith("<!doctype html>") && html.trimEnd().endsWith("</html>"),
        "report.html shape",
      );
      ok(html.includes("<svg"), "report.html has no inline SVG chart");
      ok(!/<script|src="http/.test(html), "report.html must be self-contained");
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
