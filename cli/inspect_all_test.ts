/** `inspect` describes every model file of `../shared/models`, whatever it holds. */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { main } from "./main.ts";
import type { ModelSummary } from "./inspect.ts";

const MODELS = new URL("../../shared/models/", import.meta.url);

function modelFiles(dir: URL, out: URL[] = []): URL[] {
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) modelFiles(new URL(`${e.name}/`, dir), out);
    else if (e.name.endsWith(".tflite")) out.push(new URL(e.name, dir));
  }
  return out;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

Deno.test("inspect exits 0 on every model file under shared/models, as text and as JSON", async () => {
  const files = modelFiles(MODELS);
  ok(files.length >= 160, `only ${files.length} model files found`);
  for (const file of files) {
    for (const json of [false, true]) {
      const c = capture();
      const code = await main(["inspect", file.pathname, ...(json ? ["--json"] : [])], {
        io: c.io,
      });
      equal(code, 0, `${file.pathname}: ${c.err.join(" ")}`);
      if (json) {
        const s: ModelSummary = JSON.parse(c.out.join("\n"));
        equal(s.graphs.length, s.subgraphs, file.pathname);
      }
    }
  }
});

Deno.test("inspect lists signatures with their named tensors and every subgraph", async () => {
  const c = capture();
  const file = new URL("ops/tflite_testdata__multi_subgraphs_while.tflite", MODELS).pathname;
  equal(await main(["inspect", file, "--json"], { io: c.io }), 0);
  const s: ModelSummary = JSON.parse(c.out.join("\n"));
  deepStrictEqual(s.graphs.map((g) => [g.name, g.nodes]), [
    ["main", 1],
    ["while_cond", 1],
    ["while_body", 3],
  ]);
  deepStrictEqual(s.signatureDefs[0].inputs.map((t) => [t.signatureName, t.name]), [
    ["inp", "serving_default_inp:0"],
  ]);
  const text = capture();
  await main(["inspect", file], { io: text.io });
  ok(text.out.join("\n").includes("inputs: inp = serving_default_inp:0  float32[*]"));
  ok(text.out.join("\n").includes("2 while_body: 3 nodes"));
});
