/**
 * SSD with a MobileNet feature extractor (Liu et al. 2016 "SSD: Single Shot MultiBox Detector";
 * Huang et al. 2017 for the MobileNet feature extractors of the TensorFlow Object Detection API) at
 * 300x300: six feature maps, a 1x1 box conv and a 1x1 class conv on each, `RESHAPE` and
 * `CONCATENATION` into raw box encodings `[1, 1917, 4]` and `LOGISTIC` class scores `[1, 1917, 91]`.
 * The post-processing custom op (`TFLite_Detection_PostProcess`) and its anchors are left out.
 *
 * @module
 */

import type { Model } from "../core/ir.ts";
import { NetBuilder } from "./_builder.ts";
import { mobilenetV1Features, mobilenetV2Features, slimDepth } from "./_backbones.ts";

/** Options of {@linkcode ssdMobileNet}. */
export interface SsdMobileNetOptions {
  /** Feature extractor (default `mobilenet_v2`). */
  backbone?: "mobilenet_v2" | "mobilenet_v1";
  /** Width multiplier of the backbone and the extra layers (default 1). */
  width?: number;
  /** Input height and width (default 300). */
  resolution?: number;
  /** Classes, background included (default 91, COCO). */
  classes?: number;
  /** Seed of the weights (default 1). */
  seed?: number;
}

/** Depths of the four extra feature maps at width 1 (TF Object Detection API `layer_depth`). */
const EXTRA_DEPTHS = [512, 256, 256, 128];

/**
 * Builds SSD MobileNet (v2 by default) with seeded weights: input `[1, r, r, 3]`, outputs box
 * encodings `[1, anchors, 4]` and class scores `[1, anchors, classes]` after `LOGISTIC`. Anchors: 3 per
 * cell on the first feature map, 6 on the others (1917 at 300x300).
 *
 * @example
 * ```ts
 * import { ssdMobileNet } from "./ssd_mobilenet.ts";
 * const g = ssdMobileNet({ width: 0.25, resolution: 64 }).subgraphs[0];
 * if (g.tensors[g.outputs[1]].shape[2] !== 91) throw new Error("wrong");
 * ```
 *
 * @param options Backbone, width, resolution, classes, seed.
 * @returns The model.
 */
export function ssdMobileNet(options: SsdMobileNetOptions = {}): Model {
  const backbone = options.backbone ?? "mobilenet_v2";
  const width = options.width ?? 1;
  const resolution = options.resolution ?? 300;
  const classes = options.classes ?? 91;
  const b = new NetBuilder({
    seed: options.seed,
    description: `gpulite SSD ${backbone} ${width} ${resolution}`,
  });
  const x = b.input("normalized_input_image_tensor", [1, resolution, resolution, 3]);
  // Feature maps: MobileNet v2 `layer_15/expansion_output` and `layer_19`; MobileNet v1
  // `Conv2d_11_pointwise` and `Conv2d_13_pointwise`; then the extra layers.
  const maps: number[] = [];
  if (backbone === "mobilenet_v2") {
    const f = mobilenetV2Features(b, x, { width });
    maps.push(f.expansions[13], f.output);
  } else {
    const f = mobilenetV1Features(b, x, { width, minDepth: 16 });
    maps.push(f.pointwise[11], f.pointwise[13]);
  }
  const top = backbone === "mobilenet_v2" ? "layer_19" : "Conv2d_13_pointwise";
  EXTRA_DEPTHS.forEach((d, i) => {
    const depth = slimDepth(d, width, 16);
    const half = slimDepth(d / 2, width, 16);
    const k = i + 2;
    let y = maps[maps.length - 1];
    y = b.conv(y, { filters: half, act: "RELU6", name: `${top}_1_Conv2d_${k}_1x1_${half}` });
    y = b.conv(y, {
      filters: depth,
      kernel: 3,
      stride: 2,
      act: "RELU6",
      name: `${top}_2_Conv2d_${k}_3x3_s2_${depth}`,
    });
    maps.push(y);
  });
  const boxes: number[] = [];
  const scores: number[] = [];
  maps.forEach((map, i) => {
    const anchors = i === 0 ? 3 : 6;
    const [, h, w] = b.shape(map);
    b.scope(`BoxPredictor_${i}`, () => {
      const box = b.conv(map, { filters: anchors * 4, name: "BoxEncodingPredictor" });
      boxes.push(b.reshape(box, [1, h * w * anchors, 1, 4]));
      const cls = b.conv(map, { filters: anchors * classes, name: "ClassPredictor" });
      scores.push(b.reshape(cls, [1, h * w * anchors, classes]));
    });
  });
  const total = scores.reduce((n, s) => n + b.shape(s)[1], 0);
  const boxEncodings = b.reshape(b.concat(boxes, 1), [1, total, 4]);
  const classScores = b.logistic(b.concat(scores, 1));
  b.output(boxEncodings, "raw_outputs/box_encodings");
  b.output(classScores, "raw_outputs/class_predictions");
  return b.model();
}
