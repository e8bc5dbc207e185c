/**
 * MobileNet v1 (Howard et al. 2017, "MobileNets: Efficient Convolutional Neural Networks for Mobile
 * Vision Applications") as TensorFlow Lite exports it: 15 `CONV_2D`, 13 `DEPTHWISE_CONV_2D`, one
 * `AVERAGE_POOL_2D`, `SQUEEZE`, `SOFTMAX` over 1001 classes.
 *
 * @module
 */

import type { Model } from "../core/ir.ts";
import { NetBuilder } from "./_builder.ts";
import { mobilenetV1Features } from "./_backbones.ts";

/** Options of {@linkcode mobilenetV1}. */
export interface MobileNetV1Options {
  /** Width multiplier: 1, 0.75, 0.5 or 0.25 in the published models (default 1). */
  width?: number;
  /** Input height and width (default 224). */
  resolution?: number;
  /** Classes, background included (default 1001). */
  classes?: number;
  /** Seed of the weights (default 1). */
  seed?: number;
}

/**
 * Builds MobileNet v1 with seeded weights: input `[1, r, r, 3]`, output softmax `[1, classes]`.
 *
 * @example
 * ```ts
 * import { mobilenetV1 } from "./mobilenet_v1.ts";
 * const g = mobilenetV1({ width: 0.25, resolution: 64 }).subgraphs[0];
 * if (g.tensors[g.outputs[0]].shape.join() !== "1,1001") throw new Error("wrong");
 * ```
 *
 * @param options Width, resolution, classes, seed.
 * @returns The model.
 */
export function mobilenetV1(options: MobileNetV1Options = {}): Model {
  const width = options.width ?? 1;
  const resolution = options.resolution ?? 224;
  const b = new NetBuilder({
    seed: options.seed,
    description: `gpulite MobileNet v1 ${width} ${resolution}`,
  });
  const x = b.input("input", [1, resolution, resolution, 3]);
  const { output } = mobilenetV1Features(b, x, { width });
  const logits = b.scope("MobilenetV1/Logits", () => {
    const [, h, w] = b.shape(output);
    const pooled = b.avgPool(output, { kernel: [h, w], name: "AvgPool_1a" });
    const conv = b.conv(pooled, { filters: options.classes ?? 1001, name: "Conv2d_1c_1x1" });
    return b.squeeze(conv, [1, 2]);
  });
  b.output(b.softmax(logits), "MobilenetV1/Predictions");
  return b.model();
}
