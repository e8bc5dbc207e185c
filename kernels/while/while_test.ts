import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert";
import { GraphBuilder } from "../../format/tflite/builder.ts";
import { readModel, readModelFile } from "../../format/tflite/reader.ts";
import { writeModel } from "../../format/tflite/writer.ts";
import { createSession } from "../../engine/session.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { UnsupportedError } from "../../core/errors.ts";
import type { Graph, Model } from "../../core/ir.ts";
import { kernelFor } from "../registry.ts";

const OPS = new URL("../../../shared/models/ops/", import.meta.url);

/** A model of several subgraphs: the first builder's graph is the main one. */
function withSubgraphs(...builders: GraphBuilder[]): Model {
  const [main, ...rest] = builders.map((b) => b.build());
  return { ...main, subgraphs: [main.subgraphs[0], ...rest.map((m) => m.subgraphs[0])] };
}

const f32 = (shape: number[]) => ({ dtype: "float32" as const, shape });

/** `while (n != 0) { x = x * 2; n = n - 1 }`, with `x` of the given shape in the body's output. */
function doublingLoop(bodyShape = [2]): Model {
  const main = new GraphBuilder();
  const x = main.input("x", "float32", [2]);
  const n = main.input("n", "float32", [1]);
  const outs = main.op("WHILE", [x, n], [f32([2]), f32([1])], {
    options: { condSubgraphIndex: 1, bodySubgraphIndex: 2 },
  });
  main.output(...outs);
  const cond = new GraphBuilder({ name: "cond" });
  cond.input("x", "float32", [2]);
  const cn = cond.input("n", "float32", [1]);
  cond.output(cond.op("CAST", [cn], [{ dtype: "bool", shape: [1] }])[0]);
  const body = new GraphBuilder({ name: "body" });
  const bx = body.input("x", "float32", [2]);
  const bn = body.input("n", "float32", [1]);
  const [x2] = body.op("MUL", [bx, body.constant("two", "float32", [1], new Float32Array([2]))], [
    f32([2]),
  ]);
  const grown = bodyShape.join() === "2" ? x2 : body.op("RESHAPE", [
    x2,
    body.constant("s", "int32", [2], new Int32Array(bodyShape)),
  ], [f32(bodyShape)])[0];
  const [n1] = body.op("SUB", [bn, body.constant("one", "float32", [1], new Float32Array([1]))], [
    f32([1]),
  ]);
  body.output(grown, n1);
  return withSubgraphs(main, cond, body);
}

Deno.test("WHILE runs its body until its cond is false, on every backend (the GPU falls back with the reason)", async () => {
  const model = readModel(writeModel(doublingLoop()));
  strictEqual(model.subgraphs.length, 3, "the subgraphs survive writing and reading");
  for (const backend of ["reference", "cpu", "gpu"] as const) {
    const s = await createSession(model, { backend });
    try {
      const [x, n] = await s.run([new Float32Array([1.5, -3]), new Float32Array([3])]);
      deepStrictEqual([...x.data], [12, -24], backend);
      deepStrictEqual([...n.data], [0], backend);
      const [y] = await s.run([new Float32Array([1, 1]), new Float32Array([0])]);
      deepStrictEqual([...y.data], [1, 1], `${backend}: a false cond runs no iteration`);
      const where = s.placement.find((p) => p.op === "WHILE");
      if (backend === "gpu") {
        strictEqual(where?.backend, "cpu");
        ok(/WHILE has no GPU kernel/.test(where?.reason ?? ""), where?.reason);
      }
    } finally {
      s.dispose();
    }
  }
});

Deno.test("WHILE refuses loop variables whose shape the body changes, and a node bound outside a model", async () => {
  await rejects(
    () => createSession(doublingLoop([1, 2]), { backend: "reference" }),
    (e: Error) => e instanceof UnsupportedError && /loop variable 0 changes/.test(e.message),
  );
  const main: Graph = doublingLoop().subgraphs[0];
  throws(
    () => buildExecGraph(main, kernelFor),
    (e: Error) => e instanceof UnsupportedError && /runs other subgraphs/.test(e.message),
  );
});

Deno.test("LiteRT's WHILE models compute what their subgraphs say", async () => {
  const m = await readModelFile(new URL("tflite_testdata__multi_subgraphs_while.tflite", OPS));
  const c = (g: number, t: number) =>
    Number(new Int32Array(m.subgraphs[g].tensors[t].data!.slice().buffer)[0]);
  const cf = (g: number, t: number) =>
    new Float32Array(m.subgraphs[g].tensors[t].data!.slice().buffer)[0];
  // (i, j, x) = (c, c, input); while j < limit: j += step; x *= scale; i += step.
  const [init, limit, step, scale] = [c(0, 1), c(1, 3), c(2, 3), cf(2, 4)];
  let [j, x] = [init, Math.fround(1.25)];
  while (j < limit) [j, x] = [j + step, Math.fround(x * scale)];
  const s = await createSession(m, { backend: "reference" });
  const [gotX, gotI] = await s.run([new Float32Array([1.25])]);
  strictEqual(gotX.data[0], x);
  strictEqual(gotI.data[0], j);
  const nested = await createSession(
    await readModelFile(new URL("tflite_testdata__nested_while.tflite", OPS)),
    { backend: "cpu" },
  );
  // Outer loop while x*x == x; inner loop doubles x while x*x == x: 1 becomes 2, 3 stays.
  deepStrictEqual([...(await nested.run([new Float32Array([1])]))[0].data], [2]);
  deepStrictEqual([...(await nested.run([new Float32Array([3])]))[0].data], [3]);
  nested.dispose();
  s.dispose();
});

Deno.test("a WHILE whose body runs the same loop again is refused, not a stack overflow", async () => {
  const model = doublingLoop();
  const body = new GraphBuilder({ name: "body" });
  const bx = body.input("x", "float32", [2]);
  const bn = body.input("n", "float32", [1]);
  const outs = body.op("WHILE", [bx, bn], [f32([2]), f32([1])], {
    options: { condSubgraphIndex: 1, bodySubgraphIndex: 2 },
  });
  body.output(...outs);
  model.subgraphs[2] = body.build().subgraphs[0];
  await rejects(
    () => createSession(model, { backend: "reference" }),
    (e: Error) => /Subgraph 2 "body" calls itself/.test(e.message),
  );
});
