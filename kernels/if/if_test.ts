import { deepStrictEqual, rejects, strictEqual } from "node:assert";
import { GraphBuilder } from "../../format/tflite/builder.ts";
import { readModel } from "../../format/tflite/reader.ts";
import { writeModel } from "../../format/tflite/writer.ts";
import { createSession } from "../../engine/session.ts";
import { UnsupportedError } from "../../core/errors.ts";
import type { Model } from "../../core/ir.ts";

const f32 = (shape: number[]) => ({ dtype: "float32" as const, shape });

/** `c ? x + 1 : x * 3`, with the else branch returning the given shape. */
function branches(elseShape = [3]): Model {
  const main = new GraphBuilder();
  const c = main.input("c", "bool", [1]);
  const x = main.input("x", "float32", [3]);
  const [y] = main.op("IF", [c, x], [f32([3])], {
    options: { thenSubgraphIndex: 1, elseSubgraphIndex: 2 },
  });
  main.output(y);
  const then = new GraphBuilder({ name: "then" });
  const tx = then.input("x", "float32", [3]);
  then.output(
    then.op("ADD", [tx, then.constant("one", "float32", [1], new Float32Array([1]))], [
      f32([3]),
    ])[0],
  );
  const other = new GraphBuilder({ name: "else" });
  const ex = other.input("x", "float32", [3]);
  const [tripled] = other.op("MUL", [
    ex,
    other.constant("three", "float32", [1], new Float32Array([3])),
  ], [f32([3])]);
  other.output(
    elseShape.join() === "3" ? tripled : other.op("RESHAPE", [
      tripled,
      other.constant("s", "int32", [2], new Int32Array(elseShape)),
    ], [f32(elseShape)])[0],
  );
  const [m, t, e] = [main, then, other].map((b) => b.build());
  return { ...m, subgraphs: [m.subgraphs[0], t.subgraphs[0], e.subgraphs[0]] };
}

Deno.test("IF runs the branch its condition picks, on every backend", async () => {
  const model = readModel(writeModel(branches()));
  for (const backend of ["reference", "cpu", "gpu"] as const) {
    const s = await createSession(model, { backend });
    try {
      const x = new Float32Array([1, 2, -4]);
      const [yes] = await s.run([new Uint8Array([1]), x]);
      const [no] = await s.run([new Uint8Array([0]), x]);
      deepStrictEqual([...yes.data], [2, 3, -3], backend);
      deepStrictEqual([...no.data], [3, 6, -12], backend);
      strictEqual(
        s.placement.find((p) => p.op === "IF")?.backend,
        backend === "gpu" ? "cpu" : s.placement[0].backend,
      );
    } finally {
      s.dispose();
    }
  }
});

Deno.test("IF refuses branches that return different shapes", async () => {
  await rejects(
    () => createSession(branches([1, 3]), { backend: "reference" }),
    (e: Error) =>
      e instanceof UnsupportedError && /branches return different outputs/.test(e.message),
  );
});
