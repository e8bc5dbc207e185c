import { deepStrictEqual, ok, strictEqual, throws } from "node:assert";
import type { Model, Tensor } from "../../core/ir.ts";
import { readModel } from "../../format/tflite/reader.ts";
import { writeModel } from "../../format/tflite/writer.ts";
import { CpuExecutor } from "../backends/cpu/executor.ts";
import { buildNetwork } from "../../models/catalog.ts";
import {
  chooseQuantization,
  quantizedCpuGraph,
  quantizeGraphs,
  type QuantScheme,
} from "./calibrate.ts";
import { quantizeModel, randomInputSets } from "./measure.ts";

const MOBILENET_V1 = new URL(
  "../../../shared/models/networks/mobilenet_v1_0.25_224.tflite",
  import.meta.url,
).pathname;

function inputSpecs(model: Model) {
  const g = model.subgraphs[0];
  return g.inputs.map((t) => g.tensors[t]);
}

Deno.test("chooseQuantization() holds zero and the range, its zero point an integer", () => {
  for (const dtype of ["int8", "uint8"] as const) {
    for (const [lo, hi] of [[-1, 3], [0.5, 6], [-4, -1], [0, 0], [-0.3, 0.7]]) {
      const q = chooseQuantization(lo, hi, dtype);
      const [qmin, qmax] = dtype === "int8" ? [-128, 127] : [0, 255];
      const z = q.zeroPoint[0], s = q.scale[0];
      ok(Number.isInteger(z) && z >= qmin && z <= qmax, `${dtype} [${lo}, ${hi}]: zp ${z}`);
      ok(s > 0);
      // 0 is exact; both ends are representable within one step.
      ok((qmin - z) * s <= Math.min(0, lo) + s && (qmax - z) * s >= Math.max(0, hi) - s);
    }
  }
  deepStrictEqual(chooseQuantization(0, 6, "uint8").zeroPoint, [0]);
  deepStrictEqual(chooseQuantization(0, 6, "int8").zeroPoint, [-128]);
});

Deno.test("quantizeGraphs() lays weights and biases out as TFLite's int8 and uint8 schemes", () => {
  const model = buildNetwork("mobilenet_v1_tiny");
  const calibration = randomInputSets(inputSpecs(model), 1, 1);
  for (const scheme of ["int8", "uint8"] as const) {
    const { model: q } = quantizeGraphs(model, { calibration, scheme });
    const g = q.subgraphs[0];
    strictEqual(g.nodes[0].op, "QUANTIZE");
    strictEqual(g.tensors[g.inputs[0]].dtype, "float32");
    strictEqual(g.tensors[g.outputs[0]].dtype, "float32");
    strictEqual(
      g.tensors[g.outputs[0]].name,
      model.subgraphs[0].tensors[model.subgraphs[0].outputs[0]].name,
    );
    for (const node of g.nodes.filter((n) => n.op === "CONV_2D" || n.op === "DEPTHWISE_CONV_2D")) {
      const [x, w, b] = node.inputs.map((t) => g.tensors[t]);
      strictEqual(x.dtype, scheme);
      strictEqual(w.dtype, scheme);
      strictEqual(b.dtype, "int32");
      const channels = node.op === "CONV_2D" ? w.shape[0] : w.shape[3];
      const wq = w.quantization!;
      if (scheme === "int8") {
        strictEqual(wq.scale.length, channels);
        strictEqual(wq.quantizedDimension, node.op === "CONV_2D" ? 0 : 3);
        ok(wq.zeroPoint.every((z) => z === 0));
        ok(
          new Int8Array(w.data!.buffer, w.data!.byteOffset, w.data!.byteLength).every((v) =>
            v >= -127
          ),
        );
      } else strictEqual(wq.scale.length, 1);
      const bq = b.quantization!;
      strictEqual(bq.scale.length, wq.scale.length);
      bq.scale.forEach((s, c) => {
        const want = x.quantization!.scale[0] * wq.scale[c];
        ok(Math.abs(s - want) <= 1e-6 * want, `bias scale ${s} is not ${want}`);
      });
    }
    // RELU6 outputs have their zero at the bottom of the range and at most 6 at the top.
    const relu6 = g.nodes.find((n) => n.options.fusedActivationFunction === "RELU6")!;
    const yq = g.tensors[relu6.outputs[0]].quantization!;
    strictEqual(yq.zeroPoint[0], scheme === "int8" ? -128 : 0);
    ok(yq.scale[0] * 255 <= 6 + 1e-5);
  }
});

Deno.test("quantizeGraphs() is deterministic and survives writeModel and readModel", async () => {
  const model = buildNetwork("mobilenet_v2_tiny");
  const calibration = randomInputSets(inputSpecs(model), 2, 5);
  const a = writeModel(quantizeGraphs(model, { calibration }).model);
  const b = writeModel(quantizeGraphs(model, { calibration }).model);
  deepStrictEqual(a, b);
  const q = quantizeGraphs(model, { calibration }).model;
  const [x] = randomInputSets(inputSpecs(model), 1, 9);
  const outputs: Float32Array[] = [];
  for (const m of [q, readModel(a)]) {
    const cpu = await CpuExecutor.create(quantizedCpuGraph(m), { threads: 1 });
    try {
      outputs.push((await cpu.run(x))[0].data as Float32Array);
    } finally {
      cpu.dispose();
    }
  }
  deepStrictEqual(outputs[0], outputs[1]);
});

// Bound: each 8-bit layer adds roughly (step / sqrt(12)) / rms of its activations, a few percent
// on these random-weight nets; measured (2 held-out sets, seeds below): mobilenet_v1_tiny 0.005
// int8, 0.006 uint8 (its output is a softmax, near uniform); mobilenet_v2_tiny 0.056 int8, 0.067
// uint8 (logits). 0.1 leaves room and still fails on a wrong scale or zero point (errors near 1).
for (const name of ["mobilenet_v1_tiny", "mobilenet_v2_tiny"]) {
  for (const scheme of ["int8", "uint8"] as QuantScheme[]) {
    Deno.test(`quantizeModel() runs ${name} ${scheme} on the 8-bit fast path within 10% of float`, async () => {
      const model = buildNetwork(name);
      const calibration = randomInputSets(inputSpecs(model), 4, 1);
      const { report } = await quantizeModel(model, { calibration, scheme, threads: 2 });
      const { outputs, placement, floatNodes } = report;
      // Every node runs fast, the QUANTIZE at the input and the DEQUANTIZE at the output included.
      deepStrictEqual(placement.reference, []);
      strictEqual(placement.fast, placement.nodes);
      deepStrictEqual(floatNodes.map((f) => f.op), name === "mobilenet_v1_tiny" ? ["SOFTMAX"] : []);
      strictEqual(outputs.length, 1);
      const e = outputs[0];
      console.log(
        `${name} ${scheme}: relative ${e.relativeError.toFixed(4)}, max abs ${e.maxAbsError}`,
      );
      ok(e.relativeError < 0.1, `relative error ${e.relativeError}`);
      ok(e.relativeError > 0, "a quantized run should not equal the float one");
      strictEqual(e.top1Agreement, 1);
    });
  }
}

Deno.test("quantizeModel() keeps ops without 8-bit kernels in float and reports them", async () => {
  const f32 = (a: number[]) => new Uint8Array(Float32Array.from(a).buffer);
  let s = 1;
  const rnd = (n: number) =>
    Array.from({ length: n }, () => ((s = (s * 48271) % 2147483647) / 2147483647) - 0.5);
  const t = (name: string, shape: number[], data?: number[]): Tensor => ({
    name,
    dtype: "float32",
    shape,
    ...(data ? { data: f32(data) } : {}),
  });
  const conv = (x: number, w: number, b: number, y: number) => ({
    op: "CONV_2D",
    version: 1,
    inputs: [x, w, b],
    outputs: [y],
    options: { padding: "SAME", strideW: 1, strideH: 1, fusedActivationFunction: "RELU" },
    optionsType: "Conv2DOptions",
  });
  const model: Model = {
    version: 3,
    description: "",
    signatures: [],
    metadata: [],
    subgraphs: [{
      name: "",
      tensors: [
        t("x", [1, 8, 8, 4]),
        t("w1", [8, 3, 3, 4], rnd(288)),
        t("b1", [8], rnd(8)),
        t("h1", [1, 8, 8, 8]),
        t("p", [1, 4, 4, 8]),
        t("w2", [6, 1, 1, 8], rnd(48)),
        t("b2", [6], rnd(6)),
        t("y", [1, 4, 4, 6]),
      ],
      nodes: [
        conv(0, 1, 2, 3),
        {
          op: "MAX_POOL_2D",
          version: 1,
          inputs: [3],
          outputs: [4],
          options: { padding: "VALID", strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 },
          optionsType: "Pool2DOptions",
        },
        conv(4, 5, 6, 7),
      ],
      inputs: [0],
      outputs: [7],
    }],
  };
  const calibration = randomInputSets(inputSpecs(model), 3, 2);
  const { model: q, report } = await quantizeModel(model, { calibration });
  deepStrictEqual(report.floatNodes, [{ node: 1, op: "MAX_POOL_2D", reason: "no 8-bit kernel" }]);
  deepStrictEqual(
    q.subgraphs[0].nodes.map((n) => n.op),
    ["QUANTIZE", "CONV_2D", "DEQUANTIZE", "MAX_POOL_2D", "QUANTIZE", "CONV_2D", "DEQUANTIZE"],
  );
  strictEqual(report.conversions, 4);
  // The convolutions, the float MAX_POOL_2D and the conversions all run fast.
  strictEqual(report.placement.fast, 7);
  deepStrictEqual(report.placement.reference, []);
  ok(report.outputs[0].relativeError < 0.05, `relative error ${report.outputs[0].relativeError}`);
  strictEqual(report.outputs[0].top1Agreement, undefined);
});

Deno.test("quantizeGraphs() rejects calibration inputs that do not fit the graph", () => {
  const model = buildNetwork("mobilenet_v1_tiny");
  throws(() => quantizeGraphs(model, { calibration: [] }), /at least one input set/);
  const wrong = randomInputSets([{ dtype: "float32", shape: [1, 8, 8, 3] }], 1, 1);
  throws(
    () => quantizeGraphs(model, { calibration: wrong }),
    /Calibration set 0 input 0 is float32\[1,8,8,3\]/,
  );
});

Deno.test("quantizeModel() quantizes the real MobileNet v1 0.25 to int8 on the fast path", async () => {
  const { readModelFile } = await import("../../format/tflite/reader.ts");
  const model = await readModelFile(MOBILENET_V1);
  const calibration = randomInputSets(inputSpecs(model), 2, 1);
  const { report } = await quantizeModel(model, { calibration, evaluationRuns: 1, threads: 2 });
  deepStrictEqual(report.floatNodes.map((f) => f.op), ["SOFTMAX"]);
  strictEqual(report.placement.fast, report.placement.nodes);
  const e = report.outputs[0];
  console.log(
    `mobilenet_v1_0.25_224 int8: relative ${e.relativeError.toFixed(4)}, max abs ${
      e.maxAbsError.toPrecision(3)
    } (max |f| ${e.maxAbsReference.toPrecision(3)}), top-1 ${e.top1Agreement}`,
  );
  // Random-noise inputs drive a trained network to a flat softmax whose small logits sit a few
  // quantization steps apart: the error is far larger than on images (measured about 0.3).
  ok(e.relativeError < 0.6, `relative error ${e.relativeError}`);
});
