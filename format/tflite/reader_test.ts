import assert from "node:assert/strict";
import { ModelFormatError } from "../../core/errors.ts";
import type { Model, Node } from "../../core/ir.ts";
import { readModel, readModelFile } from "./reader.ts";
import { DANGLING_MODELS, modelFiles, MODELS_DIR } from "./_test_models.ts";

function load(rel: string): Model {
  return readModel(Deno.readFileSync(MODELS_DIR + rel), {
    allowDangling: DANGLING_MODELS.includes(rel),
  });
}

function firstNode(model: Model, op: string, pick: (n: Node) => boolean = () => true): Node {
  const node = model.subgraphs.flatMap((g) => g.nodes).find((n) => n.op === op && pick(n));
  assert.ok(node, `no ${op} node`);
  return node;
}

Deno.test("readModel() reads every shared model", () => {
  const files = modelFiles();
  assert.ok(files.length > 150);
  for (const rel of files) {
    const model = load(rel);
    assert.ok(model.subgraphs.length >= 1, rel);
  }
});

Deno.test("readModel() refuses dangling reads unless allowDangling is set", () => {
  for (const rel of DANGLING_MODELS) {
    const bytes = Deno.readFileSync(MODELS_DIR + rel);
    assert.throws(
      () => readModel(bytes),
      (e) => e instanceof ModelFormatError && /no node produces it/.test(e.message),
    );
    const warnings: string[] = [];
    readModel(bytes, { allowDangling: true, onWarning: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
  }
});

Deno.test("readModel() decodes facedetector_front tensors and options", () => {
  const m = load("networks/facedetector_front.tflite");
  const g = m.subgraphs[0];
  const input = g.tensors[g.inputs[0]];
  assert.equal(input.dtype, "float32");
  assert.deepEqual(input.shape, [1, 128, 128, 3]);
  assert.deepEqual(g.outputs.map((o) => g.tensors[o].shape), [[1, 896, 16], [1, 896, 1]]);
  const conv = firstNode(m, "CONV_2D");
  assert.equal(conv.optionsType, "Conv2DOptions");
  assert.deepEqual(Object.keys(conv.options), [
    "padding",
    "strideW",
    "strideH",
    "fusedActivationFunction",
    "dilationWFactor",
    "dilationHFactor",
    "quantizedBiasType",
  ]);
  assert.ok(["SAME", "VALID"].includes(conv.options.padding as string));
  const weights = g.tensors[conv.inputs[1]];
  assert.ok(weights.data !== undefined);
  assert.equal(weights.data.byteLength, weights.shape.reduce((a, b) => a * b, 1) * 4);
});

Deno.test("readModel() decodes dilations, resize flags and fp16 weights of real networks", () => {
  const deeplab = load("networks/deeplabv3_257_mv_gpu.tflite");
  const dilations = new Set(
    deeplab.subgraphs[0].nodes.filter((n) => n.op === "DEPTHWISE_CONV_2D").map((n) =>
      n.options.dilationWFactor
    ),
  );
  assert.ok(dilations.has(2) && dilations.has(4));
  const resize = firstNode(deeplab, "RESIZE_BILINEAR");
  assert.equal(resize.optionsType, "ResizeBilinearOptions");
  assert.equal(typeof resize.options.alignCorners, "boolean");
  const pose = load("networks/pose_landmark_lite.tflite");
  const deq = firstNode(pose, "DEQUANTIZE");
  assert.equal(pose.subgraphs[0].tensors[deq.inputs[0]].dtype, "float16");
});

Deno.test("readModel() decodes custom ops, quantization and signatures", () => {
  const hair = load("networks/hair_segmentation.tflite");
  const custom = firstNode(hair, "CUSTOM", (n) => n.customCode === "Convolution2DTransposeBias");
  assert.ok(custom.customOptions !== undefined);
  const quant = load("quantized/mobilenet_v2_1.0_224_quant.tflite");
  const g = quant.subgraphs[0];
  const q = g.tensors[g.inputs[0]].quantization;
  assert.ok(q && q.scale.length === 1 && q.zeroPoint.length === 1);
  const sig = load("ops/java_testdata__mul_add_signature_def.tflite");
  assert.ok(sig.signatures.length >= 1);
  assert.ok(sig.signatures[0].inputs.length === 2);
});

Deno.test("readModel() keeps -1 dimensions from shape signatures", () => {
  const m = load("ops/java_testdata__add_unknown_dimensions.tflite");
  const g = m.subgraphs[0];
  assert.deepEqual(g.tensors[g.inputs[0]].shape, [1, -1, 3, 3]);
});

Deno.test("readModel() reads strings, while loops, sparse tensors and empty subgraphs", () => {
  const strings = load("ops/java_testdata__string.tflite").subgraphs[0];
  assert.equal(strings.tensors[strings.inputs[0]].dtype, "string");
  const loop = load("ops/tflite_testdata__multi_subgraphs_while.tflite");
  const w = firstNode(loop, "WHILE");
  assert.equal(w.optionsType, "WhileOptions");
  assert.ok(loop.subgraphs.length >= 3);
  const sparse = load("ops/tflite_testdata__sparse_tensor.tflite");
  assert.ok(sparse.subgraphs[0].tensors.some((t) => t.sparsity !== undefined));
  const two = load("ops/tflite_testdata__2_subgraphs.tflite");
  assert.equal(two.subgraphs.length, 2);
  const composite = load("ops/litert_test__l2_norm_composite.tflite");
  const c = firstNode(composite, "STABLEHLO_COMPOSITE");
  assert.equal(c.optionsType, "StableHLOCompositeOptions");
  assert.equal(typeof c.options.name, "string");
});

Deno.test("readModelFile() names a missing file in a ModelFormatError", async () => {
  await assert.rejects(
    readModelFile("/nonexistent/model.tflite"),
    (e) =>
      e instanceof ModelFormatError &&
      /Cannot read model file \/nonexistent\/model.tflite: no such file/.test(e.message),
  );
});

Deno.test("readModel() refuses tensors over maxTensorBytes before allocating", () => {
  const bytes = Deno.readFileSync(MODELS_DIR + "networks/mobilenet_v1_0.25_224.tflite");
  assert.throws(
    () => readModel(bytes, { maxTensorBytes: 1000 }),
    (e) =>
      e instanceof ModelFormatError &&
      /over the limit of 1000 bytes \(maxTensorBytes\)/.test(e.message),
  );
  assert.throws(
    () => readModel(bytes, { maxTotalBytes: 10_000 }),
    (e) => e instanceof ModelFormatError && /maxTotalBytes/.test(e.message),
  );
});

Deno.test("readModel() marks an empty shape without has_rank as of open rank, not one with it", () => {
  // simple_squeeze.mlir takes tensor<*xf32>; simple_topk_op_runtime_k's k is a tensor<i32>.
  const squeeze = load("ops/litert_test__simple_squeeze.tflite").subgraphs[0];
  assert.equal(squeeze.tensors[squeeze.inputs[0]].unranked, true);
  const topk = load("ops/litert_test__simple_topk_op_runtime_k.tflite").subgraphs[0];
  assert.deepEqual(topk.tensors[topk.inputs[0]].shape, []);
  assert.equal(topk.tensors[topk.inputs[0]].unranked, undefined);
});

Deno.test("readModel() reads blockwise quantization details: scales tensor, zero points, block size", () => {
  const qwen = load("ops/litert_test__qwen_fc_blockwise_quantized.tflite").subgraphs[0];
  assert.deepEqual(qwen.tensors[1].quantization?.blockwise, {
    scales: 3,
    zeroPoints: -1,
    blockSize: 32,
  });
  const add = readModel(
    Deno.readFileSync(MODELS_DIR + "ops/litert_test__blockwise_quantized.tflite"),
    { allowDangling: true },
  ).subgraphs[0];
  assert.deepEqual(add.tensors[2].quantization?.blockwise, {
    scales: 0,
    zeroPoints: 1,
    blockSize: 32,
  });
});
