import assert from "node:assert/strict";
import type { Graph, Model } from "../core/ir.ts";
import { deeplabV3 } from "./deeplab_v3.ts";
import { googlenet } from "./googlenet.ts";
import { mobilenetV1 } from "./mobilenet_v1.ts";
import { mobilenetV2 } from "./mobilenet_v2.ts";
import { posenet } from "./posenet.ts";
import { ssdMobileNet } from "./ssd_mobilenet.ts";
import { macCount, opHistogram, paramCount } from "./stats.ts";
import { sharedGraph } from "./_test_util.ts";

function main(model: Model): Graph {
  return model.subgraphs[0];
}

function near(actual: number, published: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - published) <= published * tolerance,
    `${what}: ${actual} is not within ${tolerance * 100}% of ${published}`,
  );
}

function outputShapes(g: Graph): string[] {
  return g.outputs.map((t) => g.tensors[t].shape.join("x"));
}

function dilations(g: Graph): number[] {
  return g.nodes.filter((n) => n.op === "DEPTHWISE_CONV_2D").map((n) =>
    Number(n.options.dilationHFactor)
  );
}

Deno.test("mobilenetV1() 0.25 equals mobilenet_v1_0.25_224.tflite in ops, parameters and MACs", () => {
  const ours = main(mobilenetV1({ width: 0.25 }));
  const real = sharedGraph("networks/mobilenet_v1_0.25_224.tflite");
  assert.deepStrictEqual(opHistogram(ours), opHistogram(real));
  assert.deepStrictEqual(opHistogram(ours), {
    CONV_2D: 15,
    DEPTHWISE_CONV_2D: 13,
    AVERAGE_POOL_2D: 1,
    SQUEEZE: 1,
    SOFTMAX: 1,
  });
  assert.equal(paramCount(ours), paramCount(real));
  assert.equal(macCount(ours), macCount(real));
  assert.deepStrictEqual(outputShapes(ours), outputShapes(real));
});

Deno.test("mobilenetV1() 1.0 has the published 4.2M parameters and 569M mult-adds", () => {
  // Howard et al. 2017, Table 8: 1.0 MobileNet-224, 569M mult-adds, 4.2M parameters.
  const g = main(mobilenetV1());
  near(paramCount(g), 4.2e6, 0.02, "parameters");
  near(macCount(g), 569e6, 0.01, "MACs");
  // Table 6 (width multipliers): 0.75 → 325M/2.6M, 0.5 → 149M/1.3M, 0.25 → 41M/0.5M.
  for (
    const [width, macs, params] of [[0.75, 325e6, 2.6e6], [0.5, 149e6, 1.3e6], [0.25, 41e6, 0.47e6]]
  ) {
    const gw = main(mobilenetV1({ width }));
    near(macCount(gw), macs, 0.02, `MACs at ${width}`);
    near(paramCount(gw), params, 0.05, `parameters at ${width}`);
  }
});

Deno.test("mobilenetV2() has the structure of mobilenet_v2_1.0_224_quant.tflite and the published cost", () => {
  const ours = main(mobilenetV2());
  const real = sharedGraph("quantized/mobilenet_v2_1.0_224_quant.tflite");
  assert.deepStrictEqual(opHistogram(ours), opHistogram(real));
  assert.equal(paramCount(ours), paramCount(real));
  assert.equal(macCount(ours), macCount(real));
  // Sandler et al. 2018, Table 4 / README: MobileNetV2 1.0 224, 300M MACs, 3.4M parameters
  // (3.47M in the TF-Slim checkpoint table); ours counts folded batch-norm biases too.
  near(paramCount(ours), 3.47e6, 0.01, "parameters");
  near(macCount(ours), 300e6, 0.01, "MACs");
});

Deno.test("ssdMobileNet() with MobileNet v1 0.75 equals detect.tflite without its post-processing op", () => {
  const ours = main(ssdMobileNet({ backbone: "mobilenet_v1", width: 0.75 }));
  const real = sharedGraph("quantized/detect.tflite");
  const { TFLite_Detection_PostProcess: post, ...realOps } = opHistogram(real);
  assert.equal(post, 1);
  assert.deepStrictEqual(opHistogram(ours), realOps);
  const anchors = 1917 * 4;
  assert.equal(paramCount(ours), paramCount(real) - anchors);
  assert.equal(macCount(ours), macCount(real));
});

Deno.test("ssdMobileNet() v2 300 outputs 1917 boxes and class scores from six feature maps", () => {
  const g = main(ssdMobileNet());
  assert.deepStrictEqual(outputShapes(g), ["1x1917x4", "1x1917x91"]);
  assert.deepStrictEqual(opHistogram(g), {
    CONV_2D: 55,
    DEPTHWISE_CONV_2D: 17,
    RESHAPE: 13,
    ADD: 10,
    CONCATENATION: 2,
    LOGISTIC: 1,
  });
  // Feature maps 19, 10, 5, 3, 2, 1: the box predictors read them in that order.
  const sizes = g.nodes.filter((n) => g.tensors[n.outputs[0]].name.includes("BoxEncodingPredictor"))
    .map((n) => g.tensors[n.inputs[0]].shape[1]);
  assert.deepStrictEqual(sizes, [19, 10, 5, 3, 2, 1]);
  // MobileNet v2 backbone 2.2M + extra layers 2.3M + predictors 1.5M: about 6.0M in all; 0.77G MACs
  // (the TF detection model zoo lists no figure for the non-Lite model; SSDLite is 4.3M / 0.8G).
  near(paramCount(g), 6.05e6, 0.02, "parameters");
  near(macCount(g), 773e6, 0.02, "MACs");
});

Deno.test("posenet() has a MobileNet v1 0.75 backbone at output stride 16 and four heads", () => {
  const g = main(posenet());
  assert.deepStrictEqual(outputShapes(g), ["1x17x17x17", "1x17x17x34", "1x17x17x32", "1x17x17x32"]);
  assert.deepStrictEqual(opHistogram(g), { CONV_2D: 18, DEPTHWISE_CONV_2D: 13, LOGISTIC: 1 });
  // Only the last depthwise conv runs past stride 16, so only it is dilated.
  assert.deepStrictEqual(dilations(g), [...Array(12).fill(1), 2]);
  assert.equal(g.tensors[g.outputs[0]].name, "heatmaps");
  // MobileNet v1 0.75 without the classifier (2.59M - 0.77M) plus 768 x 115 heads: about 1.9M.
  near(paramCount(g), 1.9e6, 0.02, "parameters");
  assert.deepStrictEqual(outputShapes(main(posenet({ outputStride: 8 })))[0], "1x33x33x17");
});

Deno.test("deeplabV3() equals deeplabv3_257_mv_gpu.tflite in ops, dilations, parameters and MACs", () => {
  const ours = main(deeplabV3());
  const real = sharedGraph("networks/deeplabv3_257_mv_gpu.tflite");
  assert.deepStrictEqual(opHistogram(ours), opHistogram(real));
  assert.deepStrictEqual(dilations(ours), dilations(real));
  assert.equal(paramCount(ours), paramCount(real));
  assert.equal(macCount(ours), macCount(real));
  assert.deepStrictEqual(outputShapes(ours), outputShapes(real));
  const os16 = main(deeplabV3({ outputStride: 16 }));
  assert.deepStrictEqual(dilations(os16), [...Array(13).fill(1), 1, 2, 2, 2]);
  assert.equal(
    os16.tensors[os16.nodes.find((n) => n.op === "AVERAGE_POOL_2D")!.inputs[0]].shape[1],
    17,
  );
});

Deno.test("googlenet() has nine inception modules and the published 6.6-7M parameters, 1.5G MACs", () => {
  const g = main(googlenet());
  assert.deepStrictEqual(opHistogram(g), {
    CONV_2D: 58,
    MAX_POOL_2D: 13,
    CONCATENATION: 9,
    AVERAGE_POOL_2D: 1,
    SQUEEZE: 1,
    SOFTMAX: 1,
  });
  // Szegedy et al. 2015, Table 1: 6.8M parameters (1000-way FC), "1.5 billion multiply-adds".
  // Ours: 1001 classes and biases, 7.0M; 1.58G MACs.
  near(paramCount(g), 6.8e6, 0.04, "parameters");
  near(macCount(g), 1.5e9, 0.06, "MACs");
  const concats = g.nodes.filter((n) => n.op === "CONCATENATION");
  assert.ok(concats.every((n) => n.inputs.length === 4));
  assert.deepStrictEqual(concats.map((n) => g.tensors[n.outputs[0]].shape[3]), [
    256,
    480,
    512,
    512,
    512,
    528,
    832,
    832,
    1024,
  ]);
});
