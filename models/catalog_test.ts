import assert from "node:assert/strict";
import { readModel } from "../format/tflite/reader.ts";
import { buildExecGraph } from "../core/exec_graph.ts";
import type { HostTensor } from "../core/kernel.ts";
import { kernelFor } from "../kernels/registry.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import { CpuExecutor } from "../engine/backends/cpu/executor.ts";
import { evaluate } from "./_eval.ts";
import { Random } from "./_random.ts";
import { buildNetwork, buildTflite, CATALOG, catalogEntry } from "./catalog.ts";
import { shapeIssues } from "./shapes.ts";
import { constantIssues, macCount, opHistogram } from "./stats.ts";

/** Built float networks (the 8-bit twins run integer kernels the float test evaluator lacks). */
const BUILT = CATALOG.filter((e) => e.kind === "built" && !e.quantized);
const TWINS = CATALOG.filter((e) => e.kind === "built" && e.quantized);
const TINY_OF: Record<string, string> = {
  mobilenet_v1_tiny: "mobilenet_v1_1.0_224",
  mobilenet_v2_tiny: "mobilenet_v2_1.0_224",
  ssd_mobilenet_v2_tiny: "ssd_mobilenet_v2_300",
  posenet_tiny: "posenet_mobilenet_v1_0.75_257",
  deeplabv3_tiny: "deeplabv3_mobilenet_v2_0.5_257",
  googlenet_tiny: "googlenet_224",
};

Deno.test("CATALOG names are unique and every tag follows the 100M MAC rule", () => {
  assert.equal(new Set(CATALOG.map((e) => e.name)).size, CATALOG.length);
  for (const entry of CATALOG) {
    const path = entry.kind === "built" ? undefined : entry.locate();
    if (entry.kind === "file" && path === undefined) continue;
    const g = entry.kind === "built"
      ? entry.build().subgraphs[0]
      : readModel(Deno.readFileSync(path!)).subgraphs[0];
    assert.equal(entry.size, macCount(g) < 100e6 ? "tiny" : "full", entry.name);
    assert.deepStrictEqual(g.inputs.map((t) => g.tensors[t].shape), entry.inputShapes, entry.name);
  }
});

for (const folder of ["networks", "quantized"]) {
  Deno.test(`CATALOG lists every network in shared/models/${folder} and finds them in place`, () => {
    const files = [...Deno.readDirSync(new URL(`../../shared/models/${folder}/`, import.meta.url))]
      .map((e) => e.name.replace(/\.tflite$/, "")).sort();
    const inFolder = CATALOG.filter((e) =>
      e.kind === "file" && e.source.startsWith(`shared/models/${folder}/`)
    );
    assert.deepStrictEqual(inFolder.map((e) => e.name).sort(), files);
    for (const entry of inFolder) assert.ok(entry.kind === "file" && entry.locate(), entry.name);
  });
}

Deno.test("MediaPipe pose entries locate the npm files or explain how to get them", () => {
  for (const name of ["pose_landmark_full", "pose_landmark_heavy"]) {
    const entry = catalogEntry(name);
    assert.equal(entry.kind, "file");
    if (entry.kind !== "file") continue;
    const path = entry.locate();
    if (path === undefined) assert.match(entry.hint, /deno cache npm:@mediapipe\/pose/);
    else assert.ok(path.endsWith(`/${name}.tflite`) && Deno.statSync(path).size > 1e6, path);
  }
});

Deno.test("every built network has consistent shapes and constants of the right length", () => {
  for (const entry of BUILT) {
    const g = buildNetwork(entry.name).subgraphs[0];
    assert.deepStrictEqual(shapeIssues(g), [], entry.name);
    assert.deepStrictEqual(constantIssues(g), [], entry.name);
  }
});

Deno.test("tiny variants keep the topology of their full networks", () => {
  for (const [tiny, full] of Object.entries(TINY_OF)) {
    assert.equal(catalogEntry(tiny).size, "tiny");
    assert.deepStrictEqual(
      opHistogram(buildNetwork(tiny).subgraphs[0]),
      opHistogram(buildNetwork(full).subgraphs[0]),
      tiny,
    );
  }
});

Deno.test("buildTflite() is deterministic: the same seed gives identical bytes, another seed does not", () => {
  for (const name of Object.keys(TINY_OF)) {
    const a = buildTflite(name, 5);
    assert.deepStrictEqual(buildTflite(name, 5), a, name);
    assert.notDeepStrictEqual(buildTflite(name, 6), a, name);
  }
});

Deno.test("buildTflite() files read back with readModel() with the same ops, shapes and weights", () => {
  for (const entry of BUILT.filter((e) => e.size === "tiny")) {
    const model = buildNetwork(entry.name);
    const back = readModel(buildTflite(entry.name));
    const [a, b] = [model.subgraphs[0], back.subgraphs[0]];
    assert.deepStrictEqual(opHistogram(b), opHistogram(a), entry.name);
    assert.deepStrictEqual(
      b.tensors.map((t) => t.shape),
      a.tensors.map((t) => t.shape),
      entry.name,
    );
    assert.deepStrictEqual(b.tensors.map((t) => t.data), a.tensors.map((t) => t.data), entry.name);
    b.nodes.forEach((n, i) => {
      for (const [key, value] of Object.entries(a.nodes[i].options)) {
        assert.deepStrictEqual(n.options[key], value, `${entry.name} node ${i} ${key}`);
      }
      assert.equal(n.optionsType, a.nodes[i].optionsType);
    });
  }
});

Deno.test("tiny networks run to finite, varied, unsaturated outputs with seeded weights", () => {
  for (const entry of BUILT.filter((e) => e.size === "tiny")) {
    const g = buildNetwork(entry.name).subgraphs[0];
    const random = new Random(11);
    const inputs = entry.inputShapes.map((s) =>
      Float32Array.from({ length: s.reduce((a, d) => a * d, 1) }, () => random.next() * 2 - 1)
    );
    const values = evaluate(g, inputs);
    for (const t of g.outputs) {
      const out = values.get(t)!;
      const what = `${entry.name} ${g.tensors[t].name}`;
      assert.ok(out.every(Number.isFinite), `${what} is not finite`);
      const min = Math.min(...out);
      const max = Math.max(...out);
      assert.ok(max - min > 1e-4, `${what} is constant (${min})`);
      const fraction = (p: (v: number) => boolean) => out.filter(p).length / out.length;
      assert.ok(fraction((v) => v === 0) < 0.5, `${what} is mostly zero`);
      // Not saturated: softmax has no class near 1; sigmoids are not all pinned to 0 or 1.
      assert.ok(fraction((v) => v > 0.999 || v < -1e3) < 0.5, `${what} is saturated`);
    }
    for (const node of g.nodes) {
      const out = values.get(node.outputs[0])!;
      assert.ok(
        out.some((v) => v !== 0),
        `${entry.name}: ${g.tensors[node.outputs[0]].name} is all zero`,
      );
    }
  }
});

Deno.test("catalogEntry() and buildNetwork() reject unknown names and model files", () => {
  assert.throws(() => catalogEntry("resnet"), /No network named "resnet"/);
  assert.throws(() => buildNetwork("deeplabv3_257_mv_gpu"), /is a model file/);
});

Deno.test("8-bit twins run bit for bit alike on the integer reference and the CPU backend", async () => {
  assert.ok(TWINS.length >= 2);
  for (const entry of TWINS) {
    const g = buildExecGraph(buildNetwork(entry.name).subgraphs[0], kernelFor);
    assert.ok(
      g.nodes.filter((n) => n.op === "CONV_2D").every((n) => g.tensors[n.outputs[0]].quantization),
    );
    const random = new Random(3);
    const x: HostTensor = {
      dtype: "float32",
      shape: entry.inputShapes[0],
      data: Float32Array.from(
        { length: entry.inputShapes[0].reduce((a, d) => a * d, 1) },
        () => random.next() * 2 - 1,
      ),
    };
    const [want] = new ReferenceExecutor(g).run([x]);
    const cpu = await CpuExecutor.create(g, { threads: 1 });
    try {
      const [got] = await cpu.run([x]);
      assert.deepStrictEqual(got.data, want.data, entry.name);
      assert.ok(
        new Set(want.data as Float32Array).size > 10,
        `${entry.name} gives nearly constant outputs`,
      );
    } finally {
      cpu.dispose();
    }
  }
});
