import assert from "node:assert/strict";
import { main } from "./main.ts";
import { modelUsageRecords } from "./plan_records.ts";
import { type PlanReport, planReport } from "./plan_report.ts";
import { GraphBuilder } from "../format/tflite/builder.ts";
import { writeModel } from "../format/tflite/writer.ts";
import { readModel } from "../format/tflite/reader.ts";
import { STRATEGIES } from "../engine/memory/mod.ts";
import { kernelFor } from "../kernels/registry.ts";

const MOBILENET = new URL(
  "../../shared/models/networks/mobilenet_v1_0.25_224.tflite",
  import.meta.url,
).pathname;

function capture(): {
  out: string[];
  err: string[];
  io: { out(l: string): void; err(l: string): void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}

async function planJson(args: string[]): Promise<PlanReport> {
  const c = capture();
  assert.equal(await main(["plan", ...args, "--json"], { io: c.io }), 0, c.err.join("\n"));
  assert.equal(c.out.length, 1);
  return JSON.parse(c.out[0]);
}

/** A model whose middle op the engine lacks: x -> RELU -> CUSTOM Mine -> RELU -> y. */
function modelWithUnknownOp(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [1, 8, 8, 6]);
  const [a] = g.op("RELU", [x], [{ dtype: "float32", shape: [1, 8, 8, 6] }]);
  const [b] = g.op("CUSTOM", [a], [{ dtype: "float32", shape: [1, 8, 8, 6] }], {
    customCode: "NoSuchOpAnywhere",
  });
  const [y] = g.op("RELU", [b], [{ dtype: "float32", shape: [1, 8, 8, 6] }]);
  g.output(y);
  return writeModel(g.build());
}

Deno.test("plan --json reports every strategy on MobileNet v1 0.25 against the lower bounds", async () => {
  const report = await planJson([MOBILENET]);
  assert.equal(report.model, MOBILENET);
  assert.equal(report.source, "exec-graph");
  assert.ok(report.tensors > 20);
  assert.equal(report.cpuNodes, 0);
  // Every strategy once, GREEDY_BEST in both forms.
  assert.equal(report.strategies.length, STRATEGIES.length + 1);
  assert.deepEqual(
    [...new Set(report.strategies.map((s) => s.name))],
    STRATEGIES.map((s) => s.name),
  );
  const naive = report.strategies.find((s) => s.name === "NAIVE")!;
  assert.equal(naive.ratioToNaive, 1);
  assert.equal(naive.objects, report.tensors);
  for (const s of report.strategies) {
    assert.ok(s.bytes >= report.lowerBound[s.form], `${s.name} is below its lower bound`);
    assert.ok(s.bytes <= naive.bytes, `${s.name} is above naive`);
    assert.equal(s.ratioToLowerBound, s.bytes / report.lowerBound[s.form]);
    assert.ok(s.ms >= 0);
    if (s.form === "offsets") assert.equal(s.objects, 1);
  }
  assert.ok(report.lowerBound.offsets <= report.lowerBound.objects);
});

Deno.test("plan --precision f16 halves every size", async () => {
  const f32 = await planJson([MOBILENET]);
  const f16 = await planJson([MOBILENET, "--precision", "f16"]);
  assert.equal(f16.precision, "f16");
  assert.equal(f16.tensors, f32.tensors);
  assert.equal(f16.lowerBound.offsets * 2, f32.lowerBound.offsets);
  assert.equal(f16.strategies[0].bytes * 2, f32.strategies[0].bytes);
});

Deno.test("plan --alignment aligns the offsets plans", async () => {
  const report = await planJson([MOBILENET, "--alignment", "4096"]);
  assert.equal(report.alignment, 4096);
  for (const s of report.strategies.filter((s) => s.form === "offsets")) {
    assert.ok(s.bytes >= report.lowerBound.offsets);
  }
});

Deno.test("plan prints a table with the lower bounds", async () => {
  const c = capture();
  assert.equal(await main(["plan", MOBILENET], { io: c.io }), 0);
  const text = c.out.join("\n");
  assert.match(text, /intermediate tensors, PHWC4 f32, alignment 16/);
  assert.match(text, /lower bounds: objects \d+ B/);
  for (const s of STRATEGIES) assert.match(text, new RegExp(`^${s.name} `, "m"));
});

Deno.test("plan falls back to the file's graph for a model with an op the engine lacks", async () => {
  const path = await Deno.makeTempFile({ suffix: ".tflite" });
  try {
    await Deno.writeFile(path, modelWithUnknownOp());
    const report = await planJson([path]);
    assert.equal(report.source, "file-graph");
    assert.match(report.fallbackReason!, /NoSuchOpAnywhere/);
    // Two intermediates of 8x8 pixels x 2 slices x 16 bytes, each alive over two nodes.
    assert.equal(report.tensors, 2);
    assert.equal(report.lowerBound.offsets, 2 * 8 * 8 * 2 * 16);
    const text = capture();
    assert.equal(await main(["plan", path], { io: text.io }), 0);
    assert.match(text.out.join("\n"), /fallback: the file's graph as it stands/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("plan fails with one line and a non-zero exit on a bad file", async () => {
  const missing = capture();
  assert.equal(await main(["plan", "/no/such/model.tflite"], { io: missing.io }), 2);
  assert.equal(missing.err.length, 1);
  assert.match(missing.err[0], /^error: .*no such file/);
  const path = await Deno.makeTempFile({ suffix: ".tflite" });
  try {
    await Deno.writeTextFile(path, "not a model at all");
    const bad = capture();
    assert.equal(await main(["plan", path], { io: bad.io }), 1);
    assert.equal(bad.err.length, 1);
    assert.match(bad.err[0], /^error: /);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("plan rejects bad arguments with exit code 2", async () => {
  for (
    const args of [[], [MOBILENET, "--precision", "f64"], [MOBILENET, "--alignment", "0"]]
  ) {
    const c = capture();
    assert.equal(await main(["plan", ...args], { io: c.io }), 2, args.join(" "));
    assert.equal(c.err.length, 1);
  }
  const help = capture();
  assert.equal(await main(["plan", "--help"], { io: help.io }), 0);
  assert.match(help.out[0], /^Usage: gpulite plan MODEL/);
});

Deno.test("modelUsageRecords() puts nodes whose kernel lacks a GPU half on the CPU", () => {
  // x -> ABS -> a -> FLOOR -> b -> NEG -> y, with FLOOR's GPU half hidden: `a` is read back after
  // node 0, `b` is uploaded before node 2; each lives on the GPU in its own partition only.
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [1, 4, 4, 4]);
  const [a] = g.op("ABS", [x], [{ dtype: "float32", shape: [1, 4, 4, 4] }]);
  const [b] = g.op("FLOOR", [a], [{ dtype: "float32", shape: [1, 4, 4, 4] }]);
  const [y] = g.op("NEG", [b], [{ dtype: "float32", shape: [1, 4, 4, 4] }]);
  g.output(y);
  const model = readModel(writeModel(g.build()));
  const lookup = (op: string) => {
    const k = kernelFor(op);
    return k && op === "FLOOR" ? { ...k, gpu: undefined } : k;
  };
  const r = modelUsageRecords(model, { lookup });
  assert.equal(r.source, "exec-graph");
  assert.deepEqual([r.gpuNodes, r.cpuNodes], [2, 1]);
  assert.deepEqual(r.records, [
    { size: 256, firstOp: 0, lastOp: 0 },
    { size: 256, firstOp: 2, lastOp: 2 },
  ]);
  const all = modelUsageRecords(model);
  assert.deepEqual([all.gpuNodes, all.cpuNodes], [3, 0]);
  assert.deepEqual(all.records.map((x) => [x.firstOp, x.lastOp]), [[0, 1], [1, 2]]);
  const report = planReport(r, { model: "tiny" });
  assert.equal(report.lowerBound.offsets, 256);
});

Deno.test("plan --json keeps the fixed-order bounds and adds those of concatenation in place", async () => {
  const deeplab =
    new URL("../../shared/models/networks/deeplabv3_257_mv_gpu.tflite", import.meta.url)
      .pathname;
  const report = await planJson([deeplab]);
  const b = report.lowerBound, l = report.levers!;
  assert.equal(b.offsets, l.fixedOrderBound);
  assert.equal(b.concatInPlace, l.concatBound);
  assert.equal(b.anyOrder, l.anyOrderBound);
  assert.equal(b.anyOrderConcatInPlace, l.anyOrderConcatBound);
  // The ASPP concatenation runs in place; each bound sits at or below its plans and the bounds
  // without the lever.
  assert.equal(l.concat.concatNodes, 1);
  assert.ok(b.concatInPlace! <= l.concat.bytes && b.concatInPlace! <= b.offsets);
  assert.ok(b.anyOrderConcatInPlace! <= l.all.bytes && b.anyOrderConcatInPlace! <= b.anyOrder!);
});
