import { deepStrictEqual, strictEqual } from "node:assert";
import { createSession, loadModel, sessionInternals } from "../../engine/session.ts";
import { ReferenceExecutor } from "../../engine/backends/reference/executor.ts";

const OPS = new URL("../../../shared/models/ops/", import.meta.url);

Deno.test("CALL_ONCE initialises a variable once; the graph's assignments persist from run to run", async () => {
  // LiteRT's call_once_mul: init sets Variable = c; each run returns Variable * x, then sets Variable = x.
  const model = await loadModel(new URL("tflite_testdata__call_once_mul.tflite", OPS));
  const init = model.subgraphs[1];
  const c = new Float32Array(init.tensors[init.nodes[1].inputs[1]].data!.slice().buffer)[0];
  for (const backend of ["reference", "cpu", "gpu"] as const) {
    const s = await createSession(model, { backend });
    try {
      const [first] = await s.run([new Float32Array([3])]);
      const [second] = await s.run([new Float32Array([5])]);
      const [third] = await s.run([new Float32Array([-2])]);
      deepStrictEqual(
        [first.data[0], second.data[0], third.data[0]],
        [Math.fround(c * 3), 15, -10],
        backend,
      );
      // A new executor over the same graph starts from the initial value again.
      const [fresh] = new ReferenceExecutor(sessionInternals(s).graph).run([
        { dtype: "float32", shape: [], data: new Float32Array([3]) },
      ]);
      strictEqual(fresh.data[0], Math.fround(c * 3), backend);
    } finally {
      s.dispose();
    }
  }
});

Deno.test("sessions keep their own variables", async () => {
  const model = await loadModel(new URL("tflite_testdata__call_once_mul.tflite", OPS));
  const a = await createSession(model, { backend: "reference" });
  const b = await createSession(model, { backend: "reference" });
  await a.run([new Float32Array([7])]);
  const [fromA] = await a.run([new Float32Array([2])]);
  const [fromB] = await b.run([new Float32Array([2])]);
  strictEqual(fromA.data[0], 14);
  strictEqual(fromB.data[0] === 14, false, "b's variable still holds the initial value");
  a.dispose();
  b.dispose();
});
