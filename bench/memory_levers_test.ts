// The report's memory levers: each choice planned and run as its own GPU session (lavapipe here),
// with outputs bit-identical to the default plan's and concatenation in place below the bound.

import { ok, strictEqual } from "node:assert";
import { buildNetwork } from "../models/catalog.ts";
import { testDevice } from "../conformance/testing.ts";
import { createSession, sessionInternals } from "../engine/session.ts";
import { LEVER_CHOICES, measureLevers } from "./memory_levers.ts";
import { makeInput } from "./networks.ts";

Deno.test({
  name: "measureLevers() runs every memory choice of deeplabv3_tiny with identical outputs",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const model = buildNetwork("deeplabv3_tiny");
    const gpu = await testDevice();
    const session = await createSession(model, { backend: "gpu", device: gpu });
    try {
      const feed = session.inputs.map((i) => ({
        dtype: "float32" as const,
        shape: i.shape,
        data: makeInput("float32", i.shape),
      }));
      const want = await session.run(feed);
      const l = await measureLevers({
        model,
        graph: sessionInternals(session).graph,
        gpu,
        feed,
        want,
        timing: { runs: 2 },
      });
      strictEqual(l.rows.length, LEVER_CHOICES.length);
      for (const r of l.rows) {
        strictEqual(r.error, undefined, `${r.label}: ${r.error}`);
        ok(r.identical, `${r.label}: outputs differ from the default plan's`);
        ok(r.latency && r.latency.n >= 2 && r.latency.median > 0, `${r.label}: no latency`);
      }
      const concat = l.rows.find((r) => r.key === "concat")!;
      strictEqual(concat.concatNodes, 1);
      ok(concat.bytes < l.fixedOrderBound && concat.bytes >= l.concatBound);
    } finally {
      session.dispose();
    }
  },
});
