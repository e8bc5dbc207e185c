/**
 * Box decoding and non-maximum suppression of SSD-style detectors, as TFLite's
 * `TFLite_Detection_PostProcess` defines them: centre-size encodings relative to anchors, IoU on
 * corner boxes, greedy suppression in decreasing score order.
 *
 * @module
 */

/** Scales that divide the four box encodings (`y`, `x`, `h`, `w`). */
export interface BoxScales {
  /** Divides the y-centre offset. */
  y: number;
  /** Divides the x-centre offset. */
  x: number;
  /** Divides the log-height. */
  h: number;
  /** Divides the log-width. */
  w: number;
}

/**
 * Decodes centre-size box encodings against `[ycenter, xcenter, h, w]` anchors into corner boxes
 * `[ymin, xmin, ymax, xmax]`, in float32.
 *
 * @example
 * ```ts
 * import { decodeBoxes } from "./nms.ts";
 * const b = decodeBoxes(new Float32Array(4), new Float32Array([0.5, 0.5, 0.2, 0.4]), { y: 10, x: 10, h: 5, w: 5 });
 * if (Math.abs(b[0] - 0.4) > 1e-6 || Math.abs(b[3] - 0.7) > 1e-6) throw new Error("wrong");
 * ```
 *
 * @param enc `[n, 4]` encodings (`y`, `x`, `h`, `w`).
 * @param anchors `[n, 4]` anchors.
 * @param s The scales.
 * @returns `[n, 4]` corner boxes.
 */
export function decodeBoxes(
  enc: Float32Array,
  anchors: Float32Array,
  s: BoxScales,
): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(enc.length);
  for (let i = 0; i < enc.length; i += 4) {
    const [ay, ax, ah, aw] = anchors.subarray(i, i + 4);
    const yc = f(f(f(enc[i] / s.y) * ah) + ay);
    const xc = f(f(f(enc[i + 1] / s.x) * aw) + ax);
    const hh = f(f(0.5 * f(Math.exp(f(enc[i + 2] / s.h)))) * ah);
    const hw = f(f(0.5 * f(Math.exp(f(enc[i + 3] / s.w)))) * aw);
    out[i] = yc - hh;
    out[i + 1] = xc - hw;
    out[i + 2] = yc + hh;
    out[i + 3] = xc + hw;
  }
  return out;
}

/**
 * Intersection over union of boxes `i` and `j` (0 when either has no area).
 *
 * @example
 * ```ts
 * import { iou } from "./nms.ts";
 * const b = new Float32Array([0, 0, 1, 1, 0, 0.5, 1, 1.5]);
 * if (Math.abs(iou(b, 0, 1) - 1 / 3) > 1e-9) throw new Error("wrong");
 * ```
 *
 * @param boxes `[n, 4]` corner boxes.
 * @param i First box.
 * @param j Second box.
 * @returns The IoU.
 */
export function iou(boxes: Float32Array, i: number, j: number): number {
  const a = boxes.subarray(4 * i, 4 * i + 4), b = boxes.subarray(4 * j, 4 * j + 4);
  const areaA = (Math.max(a[0], a[2]) - Math.min(a[0], a[2])) *
    (Math.max(a[1], a[3]) - Math.min(a[1], a[3]));
  const areaB = (Math.max(b[0], b[2]) - Math.min(b[0], b[2])) *
    (Math.max(b[1], b[3]) - Math.min(b[1], b[3]));
  if (areaA <= 0 || areaB <= 0) return 0;
  const ymin = Math.max(Math.min(a[0], a[2]), Math.min(b[0], b[2]));
  const xmin = Math.max(Math.min(a[1], a[3]), Math.min(b[1], b[3]));
  const ymax = Math.min(Math.max(a[0], a[2]), Math.max(b[0], b[2]));
  const xmax = Math.min(Math.max(a[1], a[3]), Math.max(b[1], b[3]));
  const inter = Math.max(ymax - ymin, 0) * Math.max(xmax - xmin, 0);
  return inter / (areaA + areaB - inter);
}

/** Thresholds of one suppression. */
export interface NmsParams {
  /** Boxes scoring below this are dropped first. */
  scoreThreshold: number;
  /** A box overlapping a kept one by more than this is suppressed. */
  iouThreshold: number;
  /** At most this many boxes are kept. */
  maxDetections: number;
}

/**
 * Greedy single-class suppression: boxes at or above the score threshold, in decreasing score order
 * (ties by index), each kept unless an earlier kept box overlaps it by more than the IoU threshold.
 *
 * @example
 * ```ts
 * import { nonMaxSuppression } from "./nms.ts";
 * const boxes = new Float32Array([0, 0, 1, 1, 0, 0.1, 1, 1.1, 2, 2, 3, 3]);
 * const kept = nonMaxSuppression(boxes, [0.9, 0.8, 0.7], { scoreThreshold: 0.5, iouThreshold: 0.5, maxDetections: 5 });
 * if (kept.join() !== "0,2") throw new Error("wrong");
 * ```
 *
 * @param boxes `[n, 4]` corner boxes.
 * @param scores One score per box.
 * @param p Thresholds and the cap.
 * @returns Indices of the kept boxes, best first.
 */
export function nonMaxSuppression(
  boxes: Float32Array,
  scores: ArrayLike<number>,
  p: NmsParams,
): number[] {
  const order: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] >= p.scoreThreshold) order.push(i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  const active = order.map(() => true);
  const kept: number[] = [];
  const cap = Math.min(order.length, p.maxDetections);
  for (let i = 0; i < order.length && kept.length < cap; i++) {
    if (!active[i]) continue;
    kept.push(order[i]);
    for (let j = i + 1; j < order.length; j++) {
      if (active[j] && iou(boxes, order[i], order[j]) > p.iouThreshold) active[j] = false;
    }
  }
  return kept;
}
