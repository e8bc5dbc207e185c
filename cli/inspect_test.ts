import assert from "node:assert/strict";
import { main } from "./main.ts";
import { inspectModel, type ModelSummary } from "./inspect.ts";
import { readModel } from "../format/tflite/reader.ts";
import { GraphBuilder } from "../format/tflite/builder.ts";
import { writeModel } from "../format/tflite/writer.ts";

const MODELS = new URL("../../shared/models/", import.meta.url).pathname;

function capture(): {
  out: string[];
  err: string[];
  io: { out(l: string): void; err(l: string): void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}

/** Expected op histograms from the models README: `file -> {op: count}`. */
function readmeHistograms(): Map<string, Record<string, number>> {
  const table = new Map<string, Record<string, number>>();
  for (const line of Deno.readTextFileSync(MODELS + "README.md").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 8 || !cells[1].endsWith(".tflite")) continue;
    const ops: Record<string, number> = {};
    for (const item of cells[7].split(/\s+/).filter(Boolean)) {
      const [op, n] = item.split("×");
      ops[op] = Number(n);
    }
    table.set(cells[1], ops);
  }
  return table;
}

Deno.test("inspect --json succeeds on every shared model and matches the README op histograms", async () => {
  const expected = readmeHistograms();
  assert.ok(expected.size > 150);
  let checked = 0;
  for (const [rel, ops] of expected) {
    const c = capture();
    const code = await main(["inspect", MODELS + rel, "--json"], { io: c.io });
    assert.equal(code, 0, `${rel}: ${c.err.join(" ")}`);
    const summary: ModelSummary = JSON.parse(c.out.join("\n"));
    for (
      const key of [
        "inputs",
        "outputs",
        "ops",
        "customOps",
        "weightDtypes",
        "parameterBytes",
        "support",
      ]
    ) {
      assert.ok(key in summary, `${rel} lacks ${key}`);
    }
    assert.deepEqual(summary.ops, ops, rel);
    checked++;
  }
  assert.equal(checked, expected.size);
});

Deno.test("inspect reports facedetector_front inputs, outputs and histogram", async () => {
  const c = capture();
  await main(["inspect", MODELS + "networks/facedetector_front.tflite", "--json"], { io: c.io });
  const s: ModelSummary = JSON.parse(c.out[0]);
  assert.deepEqual(s.inputs.map((t) => [t.dtype, t.shape]), [["float32", [1, 128, 128, 3]]]);
  assert.deepEqual(s.outputs.map((t) => t.shape), [[1, 896, 16], [1, 896, 1]]);
  assert.equal(s.ops.CONV_2D, 21);
  assert.equal(s.ops.RELU, 17);
  assert.equal(s.ops.DEPTHWISE_CONV_2D, 16);
  assert.equal(s.ops.ADD, 16);
  assert.equal(s.ops.PAD, 11);
  assert.equal(s.weightDtypes.float32, 74);
  assert.equal(s.weightDtypes.int32, 11);
  assert.ok(s.parameterBytes > 300_000);
});

Deno.test("inspect prints text with custom ops for hair_segmentation", async () => {
  const c = capture();
  const code = await main(["inspect", MODELS + "networks/hair_segmentation.tflite"], { io: c.io });
  assert.equal(code, 0);
  const text = c.out.join("\n");
  assert.match(
    text,
    /custom ops: Convolution2DTransposeBias, MaxPoolingWithArgmax2D, MaxUnpooling2D/,
  );
  assert.match(text, /PRELU +100/);
});

Deno.test("inspect fails with one line for a missing path (usage, 2) or an invalid file (1)", async () => {
  const missing = capture();
  assert.equal(await main(["inspect", "/nonexistent.tflite"], { io: missing.io }), 2);
  assert.deepEqual(missing.err, ["error: MODEL /nonexistent.tflite: no such file"]);
  const path = await Deno.makeTempFile({ suffix: ".tflite" });
  await Deno.writeFile(path, new Uint8Array(64));
  const invalid = capture();
  assert.equal(await main(["inspect", path], { io: invalid.io }), 1);
  await Deno.remove(path);
  assert.equal(invalid.err.length, 1);
  assert.match(invalid.err[0], /^error: Not a TensorFlow Lite model: file identifier/);
});

Deno.test("every command answers --help", async () => {
  const c = capture();
  assert.equal(await main(["--help"], { io: c.io }), 0);
  assert.equal(await main(["inspect", "--help"], { io: c.io }), 0);
  assert.match(c.out.join("\n"), /Usage: gpulite inspect MODEL \[--json\]/);
  const bad = capture();
  assert.equal(await main(["frobnicate"], { io: bad.io }), 2);
  assert.deepEqual(bad.err, ['error: unknown command "frobnicate" (try gpulite --help)']);
});

Deno.test("inspectModel() uses the injected support lookup and says unknown otherwise", async () => {
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [2]);
  const [y] = g.op("RELU", [x], [{ dtype: "float32", shape: [2] }]);
  g.output(g.op("CUSTOM", [y], [{ dtype: "float32", shape: [2] }], { customCode: "Mine" })[0]);
  const model = readModel(writeModel(g.build()));
  const s = await inspectModel(model, {
    supportLookup: (op) => op === "RELU" ? { gpu: true, reference: true } : undefined,
  });
  assert.deepEqual(s.support, { RELU: { gpu: true, reference: true }, "custom:Mine": "unknown" });
  assert.deepEqual(s.customOps, ["Mine"]);
});

Deno.test("inspect shows an input of open rank as [*]", async () => {
  const c = capture();
  const file = MODELS + "ops/litert_test__simple_squeeze.tflite";
  await main(["inspect", file], { io: c.io });
  assert.ok(c.out.some((l) => l.includes("arg0  float32[*]")), c.out.join("\n"));
  const j = capture();
  await main(["inspect", file, "--json"], { io: j.io });
  const s: ModelSummary = JSON.parse(j.out[0]);
  assert.equal(s.inputs[0].unranked, true);
});
