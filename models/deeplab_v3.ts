/**
 * DeepLab v3 (Chen et al. 2017, "Rethinking Atrous Convolution for Semantic Image Segmentation") with
 * a MobileNet v2 backbone, as in `deeplabv3_257_mv_gpu.tflite`: width 0.5, output stride 8 (later
 * strides become dilated depthwise convs), no final 1280 conv, and the mobile ASPP: an image pooling
 * branch (`AVERAGE_POOL_2D` over the whole map, 1x1 conv, `RESIZE_BILINEAR` back) beside a 1x1 conv,
 * `CONCATENATION`, a 1x1 projection, 1x1 logits, and `RESIZE_BILINEAR` to the input size. Like the
 * exported file, the logits first pass through a same-size resize (a no-op the graph keeps).
 *
 * @module
 */

import type { Model } from "../core/ir.ts";
import { NetBuilder } from "./_builder.ts";
import { mobilenetV2Features } from "./_backbones.ts";

/** Options of {@linkcode deeplabV3}. */
export interface DeepLabV3Options {
  /** Width multiplier of MobileNet v2 (default 0.5); channels round to multiples of 8 only at 1. */
  width?: number;
  /** Output stride of the backbone: 8 or 16 (default 8). */
  outputStride?: number;
  /** Input height and width (default 257). */
  resolution?: number;
  /** Classes (default 21, PASCAL VOC). */
  classes?: number;
  /** Seed of the weights (default 1). */
  seed?: number;
}

/**
 * Builds DeepLab v3 MobileNet v2 with seeded weights: input `[1, r, r, 3]`, output logits
 * `[1, r, r, classes]`.
 *
 * @example
 * ```ts
 * import { deeplabV3 } from "./deeplab_v3.ts";
 * const g = deeplabV3({ resolution: 65, width: 0.25 }).subgraphs[0];
 * if (g.tensors[g.outputs[0]].shape.join() !== "1,65,65,21") throw new Error("wrong");
 * ```
 *
 * @param options Width, output stride, resolution, classes, seed.
 * @returns The model.
 */
export function deeplabV3(options: DeepLabV3Options = {}): Model {
  const width = options.width ?? 0.5;
  const resolution = options.resolution ?? 257;
  const b = new NetBuilder({
    seed: options.seed,
    description: `gpulite DeepLab v3 MobileNet v2 ${width} ${resolution}`,
  });
  const x = b.input("sub_7", [1, resolution, resolution, 3]);
  // DeepLab keeps MobileNet v2 channels exact (divisible by 1) unless the width is 1.
  const { output } = mobilenetV2Features(b, x, {
    width,
    divisibleBy: width === 1 ? 8 : 1,
    outputStride: options.outputStride ?? 8,
    finalConv: false,
  });
  const [, h, w] = b.shape(output);
  const pooled = b.avgPool(output, { kernel: [h, w], name: "AvgPool2D" });
  const image = b.resizeBilinear(
    b.conv(pooled, { filters: 256, act: "RELU", name: "image_pooling" }),
    [h, w],
  );
  const aspp0 = b.conv(output, { filters: 256, act: "RELU", name: "aspp0" });
  const concat = b.concat([image, aspp0], 3);
  const projected = b.conv(concat, { filters: 256, act: "RELU", name: "concat_projection" });
  const logits = b.conv(projected, { filters: options.classes ?? 21, name: "logits/semantic" });
  const same = b.resizeBilinear(logits, [h, w]);
  b.output(b.resizeBilinear(same, [resolution, resolution]), "ResizeBilinear_3");
  return b.model();
}
