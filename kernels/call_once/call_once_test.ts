import { deepStrictEqual, rejects, strictEqual } from "node:assert";
import { GraphBuilder } from "../../format/tflite/builder.ts";
import { createSession, sessionInternals } from "../../engine/session.ts";
import { OpError, UnsupportedError } from "../../core/errors.ts";
import type { Model } from "../../core/ir.ts";

/** A main graph that calls subgraph `init` once, then doubles its input; `initOp` fills the init graph. */
function model(init: number, initOp?: string): Model {
  const main = new GraphBuilder();
  main.op("CALL_ONCE", [], [], { options: { initSubgraphIndex: init } });
  const x = main.input("x", "float32", [2]);
  const [y] = main.op("ADD", [x, x], [{ dtype: "float32", shape: [2] }]);
  main.output(y);
  const sub = new GraphBuilder({ name: "init" });
  if (initOp) {
    const c = sub.constant("c", "float32", [1], new Float32Array([1]));
    sub.op("CUSTOM", [c], [{ dtype: "float32", shape: [1] }], { customCode: initOp });
  }
  const [m, i] = [main.build(), sub.build()];
  return { ...m, subgraphs: [m.subgraphs[0], i.subgraphs[0]] };
}

Deno.test("CALL_ONCE with an empty init subgraph binds, and the graph runs on every backend", async () => {
  for (const backend of ["reference", "cpu", "gpu"] as const) {
    const s = await createSession(model(1), { backend });
    try {
      const [y] = await s.run([new Float32Array([1, -2])]);
      deepStrictEqual([...y.data], [2, -4], backend);
      strictEqual(sessionInternals(s).graph.nodes[0].op, "CALL_ONCE");
    } finally {
      s.dispose();
    }
  }
});

Deno.test("CALL_ONCE names a missing subgraph and what its init subgraph lacks", async () => {
  await rejects(
    () => createSession(model(5), { backend: "reference" }),
    (e: Error) => e instanceof OpError && /initSubgraphIndex is 5, not a subgraph/.test(e.message),
  );
  await rejects(
    () => createSession(model(1, "NoSuchOp"), { backend: "reference" }),
    (e: Error) =>
      e instanceof UnsupportedError &&
      /in subgraph 1 "init": Node 0 \(NoSuchOp\): op NoSuchOp is not implemented/.test(e.message),
  );
});
