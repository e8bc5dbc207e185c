import { ok, strictEqual } from "node:assert";
import { createSession, loadModel, sessionInternals } from "../../engine/session.ts";
import type { CompositeOptions } from "./mod.ts";

const OPS = new URL("../../../shared/models/ops/", import.meta.url);

Deno.test("STABLEHLO_COMPOSITE runs odml.l2_norm's decomposition: x / ||x|| over the last axis", async () => {
  const session = await createSession(
    await loadModel(new URL("litert_test__l2_norm_composite.tflite", OPS)),
    {
      backend: "reference",
    },
  );
  try {
    const [info] = session.inputs;
    const n = info.shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1) * 3);
    const [y] = await session.run([{ dtype: "float32", shape: info.shape, data: x }]);
    const c = info.shape.at(-1)!;
    for (let r = 0; r < n / c; r++) {
      let ss = 0;
      for (let k = 0; k < c; k++) ss += x[r * c + k] ** 2;
      for (let k = 0; k < c; k++) {
        const want = x[r * c + k] / Math.sqrt(ss);
        ok(Math.abs(Number(y.data[r * c + k]) - want) < 1e-5, `row ${r} lane ${k}`);
      }
    }
  } finally {
    session.dispose();
  }
});

Deno.test("STABLEHLO_COMPOSITE binds its decomposition subgraph and keeps the composite's name", async () => {
  const model = await loadModel(new URL("litert_test__group_norm_2_groups_op.tflite", OPS));
  const session = await createSession(model, { backend: "reference" });
  try {
    const node = sessionInternals(session).graph.nodes.find((n) => n.op === "STABLEHLO_COMPOSITE")!;
    const o = node.options as CompositeOptions;
    strictEqual(o.name, "odml.group_norm");
    ok(o.decompositionIndex >= 1 && o.decomposition.nodes.length > 0);
  } finally {
    session.dispose();
  }
});
