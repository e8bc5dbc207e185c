/**
 * MobileNet v2 (Sandler et al. 2018, "MobileNetV2: Inverted Residuals and Linear Bottlenecks") as
 * TensorFlow Lite exports it: 36 `CONV_2D`, 17 `DEPTHWISE_CONV_2D`, 10 `ADD`, one `AVERAGE_POOL_2D`
 * and a `RESHAPE` to the logits `[1, 1001]` (the structure of `mobilenet_v2_1.0_224_quant.tflite`,
 * in float32).
 *
 * @module
 */

import type { Model } from "../core/ir.ts";
import { NetBuilder } from "./_builder.ts";
import { mobilenetV2Features } from "./_backbones.ts";

/** Options of {@linkcode mobilenetV2}. */
export interface MobileNetV2Options {
  /** Width multiplier (default 1). */
  width?: number;
  /** Input height and width (default 224). */
  resolution?: number;
  /** Classes, background included (default 1001). */
  classes?: number;
  /** Seed of the weights (default 1). */
  seed?: number;
}

/**
 * Builds MobileNet v2 with seeded weights: input `[1, r, r, 3]`, output logits `[1, classes]`.
 *
 * @example
 * ```ts
 * import { mobilenetV2 } from "./mobilenet_v2.ts";
 * const g = mobilenetV2({ width: 0.25, resolution: 64 }).subgraphs[0];
 * if (g.tensors[g.outputs[0]].shape.join() !== "1,1001") throw new Error("wrong");
 * ```
 *
 * @param options Width, resolution, classes, seed.
 * @returns The model.
 */
export function mobilenetV2(options: MobileNetV2Options = {}): Model {
  const width = options.width ?? 1;
  const resolution = options.resolution ?? 224;
  const classes = options.classes ?? 1001;
  const b = new NetBuilder({
    seed: options.seed,
    description: `gpulite MobileNet v2 ${width} ${resolution}`,
  });
  const x = b.input("input", [1, resolution, resolution, 3]);
  const { output } = mobilenetV2Features(b, x, { width });
  const logits = b.scope("MobilenetV2/Logits", () => {
    const [, h, w] = b.shape(output);
    const pooled = b.avgPool(output, { kernel: [h, w], name: "AvgPool" });
    const conv = b.conv(pooled, { filters: classes, name: "Conv2d_1c_1x1" });
    return b.reshape(conv, [1, classes]);
  });
  b.output(logits, "output");
  return b.model();
}
