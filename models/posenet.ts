/**
 * PoseNet (Papandreou et al. 2018, "PersonLab"; the TensorFlow.js PoseNet model): a MobileNet v1
 * feature extractor at output stride 16 (strides past 16 become dilation), 257x257 input, and four 1x1
 * conv heads on the 17x17 feature map: keypoint heatmaps (17, `LOGISTIC`), offsets (34), forward and
 * backward displacements (32 each).
 *
 * @module
 */

import type { Model } from "../core/ir.ts";
import { NetBuilder } from "./_builder.ts";
import { mobilenetV1Features } from "./_backbones.ts";

/** Options of {@linkcode posenet}. */
export interface PoseNetOptions {
  /** Width multiplier of the MobileNet v1 backbone (default 0.75). */
  width?: number;
  /** Output stride: 8, 16 or 32 (default 16). */
  outputStride?: number;
  /** Input height and width (default 257). */
  resolution?: number;
  /** Seed of the weights (default 1). */
  seed?: number;
}

/** Keypoints of the COCO person skeleton and its 16 edges (displacements run both ways). */
const KEYPOINTS = 17;
const EDGES = 16;

/**
 * Builds PoseNet with seeded weights: input `[1, r, r, 3]`, outputs heatmaps `[1, h, w, 17]`,
 * offsets `[1, h, w, 34]`, displacement forward and backward `[1, h, w, 32]`.
 *
 * @example
 * ```ts
 * import { posenet } from "./posenet.ts";
 * const g = posenet().subgraphs[0];
 * if (g.tensors[g.outputs[0]].shape.join() !== "1,17,17,17") throw new Error("wrong");
 * ```
 *
 * @param options Width, output stride, resolution, seed.
 * @returns The model.
 */
export function posenet(options: PoseNetOptions = {}): Model {
  const width = options.width ?? 0.75;
  const resolution = options.resolution ?? 257;
  const b = new NetBuilder({
    seed: options.seed,
    description: `gpulite PoseNet MobileNet v1 ${width} ${resolution}`,
  });
  const x = b.input("image", [1, resolution, resolution, 3]);
  const { output } = mobilenetV1Features(b, x, { width, outputStride: options.outputStride ?? 16 });
  const heatmaps = b.logistic(b.conv(output, { filters: KEYPOINTS, name: "heatmap_2" }));
  const offsets = b.conv(output, { filters: 2 * KEYPOINTS, name: "offset_2" });
  const forward = b.conv(output, { filters: 2 * EDGES, name: "displacement_fwd_2" });
  const backward = b.conv(output, { filters: 2 * EDGES, name: "displacement_bwd_2" });
  b.output(heatmaps, "heatmaps");
  b.output(offsets, "offsets");
  b.output(forward, "displacement_fwd");
  b.output(backward, "displacement_bwd");
  return b.model();
}
