import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { buildExecGraph } from "../../core/exec_graph.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { seededRandom } from "../../core/random.ts";
import { GraphBuilder, readModel, writeModel } from "../../format/tflite/mod.ts";
import { kernelFor } from "../../kernels/registry.ts";
import { ReferenceExecutor } from "../backends/reference/executor.ts";
import { quantOpModels } from "../../scripts/_quant_models.ts";
import { dequantizeGraph } from "./dequantize.ts";

function exec(bytes: Uint8Array) {
  return buildExecGraph(readModel(bytes).subgraphs[0], kernelFor);
}

function opModel(name: string) {
  const m = quantOpModels().find((x) => x.name.startsWith(name));
  if (!m) throw new Error(`no model ${name}`);
  return exec(m.bytes);
}

function randomInputs(g: ReturnType<typeof exec>, seed: number): HostTensor[] {
  const r = seededRandom(seed);
  return g.inputs.map((t) => {
    const s = g.tensors[t];
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = s.dtype === "uint8"
      ? Uint8Array.from({ length: n }, () => Math.floor(r() * 256))
      : Float32Array.from({ length: n }, () => (r() * 2 - 1) * 3);
    return { dtype: s.dtype, shape: s.shape, quantization: s.quantization, data };
  });
}

function maxLsb(a: HostTensor, b: HostTensor): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    m = Math.max(m, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  }
  return m;
}

Deno.test("dequantizeGraph() leaves a graph without 8-bit nodes as it is", () => {
  const b = new GraphBuilder();
  const x = b.input("x", "float32", [1, 4]);
  const [y] = b.op("LOGISTIC", [x], [{ dtype: "float32", shape: [1, 4] }]);
  b.output(y);
  const g = exec(writeModel(b.build()));
  const r = dequantizeGraph(g);
  strictEqual(r.report.applied, 0);
  strictEqual(r.graph, g);
});

Deno.test("dequantizeGraph() gives float weights, a DEQUANTIZE after 8-bit inputs and a QUANTIZE before 8-bit outputs", () => {
  const g = opModel("CONV_2D uint8 3x3 s2");
  const { graph: f, report } = dequantizeGraph(g);
  strictEqual(report.applied, 1);
  deepStrictEqual(f.nodes.map((n) => n.op), ["DEQUANTIZE", "CONV_2D", "QUANTIZE"]);
  const conv = f.nodes[1];
  ok(!conv.quant);
  strictEqual(conv.epilogue[0].op, "FAKE_QUANT");
  const [x, w, b] = conv.inputs.map((t) => f.tensors[t]);
  strictEqual(x.dtype, "float32");
  strictEqual(w.value!.dtype, "float32");
  strictEqual(b.value!.dtype, "float32");
  const wq = g.tensors[g.nodes[0].inputs[1]];
  const w0 = Number(wq.value!.data[0]);
  strictEqual(
    w.value!.data[0],
    Math.fround(wq.quantization!.scale[0] * (w0 - wq.quantization!.zeroPoint[0])),
  );
  deepStrictEqual(f.inputs, g.inputs);
  deepStrictEqual(f.outputs, g.outputs);
  strictEqual(f.tensors[f.outputs[0]].dtype, "uint8");
});

Deno.test("dequantizeGraph() dequantizes per-channel weights channel by channel", () => {
  const g = opModel("DEPTHWISE_CONV_2D int8 per-channel");
  const { graph: f } = dequantizeGraph(g);
  const node = f.nodes.find((n) => n.op === "DEPTHWISE_CONV_2D")!;
  const w = f.tensors[node.inputs[1]].value!;
  const src = g.tensors[g.nodes.find((n) => n.op === "DEPTHWISE_CONV_2D")!.inputs[1]];
  const channels = src.shape[3];
  for (let i = 0; i < w.data.length; i++) {
    const scale = src.quantization!.scale[i % channels];
    strictEqual(w.data[i], Math.fround(scale * Number(src.value!.data[i])));
  }
  // The int8 model's own float edges: QUANTIZE keeps its 8-bit output, a DEQUANTIZE follows it.
  deepStrictEqual(f.nodes.map((n) => n.op), ["QUANTIZE", "DEQUANTIZE", "DEPTHWISE_CONV_2D"]);
  strictEqual(f.tensors[f.outputs[0]].dtype, "float32");
});

Deno.test("dequantizeGraph() hands CAST the 8-bit values it casts, through a QUANTIZE", () => {
  const b = new GraphBuilder();
  const q = { scale: [0.5], zeroPoint: [100], quantizedDimension: 0 };
  const x = b.input("x", "uint8", [1, 8], { quantization: q });
  const [s] = b.op("ADD", [x, x], [{ dtype: "uint8", shape: [1, 8], quantization: q }]);
  const [y] = b.op("CAST", [s], [{ dtype: "float32", shape: [1, 8] }]);
  b.output(y);
  const g = exec(writeModel(b.build()));
  const { graph: f } = dequantizeGraph(g);
  deepStrictEqual(f.nodes.map((n) => n.op), ["DEQUANTIZE", "ADD", "QUANTIZE", "CAST"]);
  const inputs = [{
    ...g.tensors[g.inputs[0]],
    data: Uint8Array.from([0, 50, 99, 100, 101, 150, 200, 255]),
  }];
  const [want] = new ReferenceExecutor(g).run(inputs);
  const [got] = new ReferenceExecutor(f).run(inputs);
  deepStrictEqual(Array.from(got.data as Float32Array), Array.from(want.data as Float32Array));
});

Deno.test("every one-op 8-bit model dequantized stays within 1 LSB of the integer reference", () => {
  for (const m of quantOpModels()) {
    const g = exec(m.bytes);
    const inputs = randomInputs(g, 5);
    const want = new ReferenceExecutor(g).run(inputs);
    const got = new ReferenceExecutor(dequantizeGraph(g).graph).run(inputs);
    want.forEach((y, i) => {
      const lsb = y.dtype === "float32" ? y.quantization?.scale[0] ?? lsbOfFloat(g, i) : 1;
      ok(maxLsb(y, got[i]) <= lsb * 1.0001, `${m.name} output ${i}: ${maxLsb(y, got[i])}`);
    });
  }
});

function lsbOfFloat(g: ReturnType<typeof exec>, i: number): number {
  const producer = g.nodes.find((n) => n.outputs.includes(g.outputs[i]))!;
  if (producer.op !== "DEQUANTIZE") return 1e-6;
  return g.tensors[producer.inputs[0]].quantization!.scale[0];
}

Deno.test("mobilenet_v2_1.0_224_quant dequantized agrees with the integer reference: same top-1, at most 6 LSB", () => {
  const bytes = Deno.readFileSync(
    new URL("../../../shared/models/quantized/mobilenet_v2_1.0_224_quant.tflite", import.meta.url),
  );
  const g = exec(bytes);
  const inputs = randomInputs(g, 11);
  const [want] = new ReferenceExecutor(g).run(inputs);
  const [got] = new ReferenceExecutor(dequantizeGraph(g).graph).run(inputs);
  strictEqual(got.dtype, "uint8");
  const top = (t: HostTensor) =>
    Array.from(t.data as Uint8Array).reduce((b, v, i, a) => (v > a[b] ? i : b), 0);
  strictEqual(top(got), top(want));
  const m = maxLsb(want, got);
  ok(m <= 6, `max difference ${m} LSB`);
});
