/**
 * GoogLeNet (Inception v1; Szegedy et al. 2015, "Going Deeper with Convolutions"), the branchy network
 * of µLayer's branch distribution: a stem, nine inception modules (parallel 1x1, 1x1→3x3, 1x1→5x5
 * and 3x3 max pool→1x1 branches joined by `CONCATENATION`), average pool, 1x1 conv logits, `SQUEEZE`,
 * `SOFTMAX`. Branch widths are the paper's Table 1; the auxiliary classifiers (training only) and
 * local response normalisation are left out, as in TF-Slim's `inception_v1` (which, unlike this
 * model, uses 3x3 in the "5x5" branch).
 *
 * @module
 */

import type { Model } from "../core/ir.ts";
import { NetBuilder } from "./_builder.ts";

/** Options of {@linkcode googlenet}. */
export interface GoogLeNetOptions {
  /** Width multiplier of every conv (channels `max(floor(c * width), 8)`, default 1). */
  width?: number;
  /** Input height and width (default 224). */
  resolution?: number;
  /** Classes, background included (default 1001). */
  classes?: number;
  /** Seed of the weights (default 1). */
  seed?: number;
}

/** Inception modules (paper Table 1): name, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj. */
const MODULES: readonly [string, number, number, number, number, number, number][] = [
  ["Mixed_3b", 64, 96, 128, 16, 32, 32],
  ["Mixed_3c", 128, 128, 192, 32, 96, 64],
  ["Mixed_4b", 192, 96, 208, 16, 48, 64],
  ["Mixed_4c", 160, 112, 224, 24, 64, 64],
  ["Mixed_4d", 128, 128, 256, 24, 64, 64],
  ["Mixed_4e", 112, 144, 288, 32, 64, 64],
  ["Mixed_4f", 256, 160, 320, 32, 128, 128],
  ["Mixed_5b", 256, 160, 320, 32, 128, 128],
  ["Mixed_5c", 384, 192, 384, 48, 128, 128],
];

/** Max pools between stages, by the module they precede: window and stride (TF-Slim). */
const POOL_BEFORE: Readonly<Record<string, [string, number]>> = {
  Mixed_4b: ["MaxPool_4a_3x3", 3],
  Mixed_5b: ["MaxPool_5a_2x2", 2],
};

/**
 * Builds GoogLeNet with seeded weights: input `[1, r, r, 3]`, output softmax `[1, classes]`.
 *
 * @example
 * ```ts
 * import { googlenet } from "./googlenet.ts";
 * import { opHistogram } from "./stats.ts";
 * const g = googlenet({ width: 0.25, resolution: 64 }).subgraphs[0];
 * if (opHistogram(g).CONCATENATION !== 9) throw new Error("wrong");
 * ```
 *
 * @param options Width, resolution, classes, seed.
 * @returns The model.
 */
export function googlenet(options: GoogLeNetOptions = {}): Model {
  const width = options.width ?? 1;
  const resolution = options.resolution ?? 224;
  const depth = (c: number) => Math.max(Math.floor(c * width), 8);
  const b = new NetBuilder({
    seed: options.seed,
    description: `gpulite GoogLeNet ${width} ${resolution}`,
  });
  const x = b.input("input", [1, resolution, resolution, 3]);
  const logits = b.scope("InceptionV1", () => {
    let y = b.conv(x, {
      filters: depth(64),
      kernel: 7,
      stride: 2,
      act: "RELU",
      name: "Conv2d_1a_7x7",
    });
    y = b.maxPool(y, { kernel: 3, stride: 2, padding: "SAME", name: "MaxPool_2a_3x3" });
    y = b.conv(y, { filters: depth(64), act: "RELU", name: "Conv2d_2b_1x1" });
    y = b.conv(y, { filters: depth(192), kernel: 3, act: "RELU", name: "Conv2d_2c_3x3" });
    y = b.maxPool(y, { kernel: 3, stride: 2, padding: "SAME", name: "MaxPool_3a_3x3" });
    for (const [name, c1, r3, c3, r5, c5, pool] of MODULES) {
      const before = POOL_BEFORE[name];
      if (before !== undefined) {
        y = b.maxPool(y, { kernel: before[1], stride: 2, padding: "SAME", name: before[0] });
      }
      const input = y;
      y = b.scope(name, () => {
        const relu = "RELU" as const;
        const b0 = b.conv(input, { filters: depth(c1), act: relu, name: "Branch_0/Conv2d_0a_1x1" });
        let b1 = b.conv(input, { filters: depth(r3), act: relu, name: "Branch_1/Conv2d_0a_1x1" });
        b1 = b.conv(b1, {
          filters: depth(c3),
          kernel: 3,
          act: relu,
          name: "Branch_1/Conv2d_0b_3x3",
        });
        let b2 = b.conv(input, { filters: depth(r5), act: relu, name: "Branch_2/Conv2d_0a_1x1" });
        b2 = b.conv(b2, {
          filters: depth(c5),
          kernel: 5,
          act: relu,
          name: "Branch_2/Conv2d_0b_5x5",
        });
        let b3 = b.maxPool(input, {
          kernel: 3,
          stride: 1,
          padding: "SAME",
          name: "Branch_3/MaxPool_0a_3x3",
        });
        b3 = b.conv(b3, { filters: depth(pool), act: relu, name: "Branch_3/Conv2d_0b_1x1" });
        return b.concat([b0, b1, b2, b3], 3);
      });
    }
    return b.scope("Logits", () => {
      const [, h, w] = b.shape(y);
      const pooled = b.avgPool(y, { kernel: [h, w], name: "AvgPool_0a_7x7" });
      const conv = b.conv(pooled, { filters: options.classes ?? 1001, name: "Conv2d_0c_1x1" });
      return b.squeeze(conv, [1, 2]);
    });
  });
  b.output(b.softmax(logits), "InceptionV1/Logits/Predictions");
  return b.model();
}
