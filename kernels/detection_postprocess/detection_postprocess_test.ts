import { deepStrictEqual, ok, strictEqual, throws } from "node:assert";
import type { HostTensor } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { detectionOptionsBytes, detectionPostprocess, parseDetectionOptions } from "./mod.ts";
import { decodeBoxes, nonMaxSuppression } from "./nms.ts";

const f32 = (shape: number[], v: number[]): HostTensor => ({
  dtype: "float32",
  shape,
  data: new Float32Array(v),
});

function vals(t: HostTensor): number[] {
  return Array.from(t.data as Float32Array);
}

function options(extra: Record<string, number | boolean> = {}) {
  return parseDetectionOptions(detectionOptionsBytes({
    max_detections: 3,
    max_classes_per_detection: 1,
    nms_score_threshold: 0.2,
    nms_iou_threshold: 0.5,
    num_classes: 2,
    y_scale: 10,
    x_scale: 10,
    h_scale: 5,
    w_scale: 5,
    ...extra,
  }));
}

// Four unit anchors: boxes 0 and 1 overlap (IoU 2/3), 2 and 3 stand apart.
const anchors = f32([4, 4], [0.5, 0.5, 1, 1, 0.5, 0.7, 1, 1, 3, 3, 1, 1, 6, 6, 1, 1]);
const encodings = f32([1, 4, 4], new Array(16).fill(0));
// Background column first, then classes 0 and 1.
const scores = f32([1, 4, 3], [0, 0.9, 0.1, 0, 0.8, 0.3, 0, 0.1, 0.7, 0, 0.05, 0.1]);

function run(extra: Record<string, number | boolean> = {}): HostTensor[] {
  const o = options(extra);
  const inputs = [encodings, scores, anchors];
  const outputs = detectionPostprocess.infer({ inputs, options: o });
  return detectionPostprocess.reference({ inputs, options: o, outputs });
}

Deno.test("parseDetectionOptions() reads TFLite's flexbuffer keys and defaults", () => {
  const o = options({ use_regular_nms: true });
  strictEqual(o.maxDetections, 3);
  strictEqual(o.detectionsPerClass, 100);
  strictEqual(o.useRegularNms, true);
  strictEqual(o.iouThreshold, 0.5);
  deepStrictEqual(o.scales, { y: 10, x: 10, h: 5, w: 5 });
  throws(() => parseDetectionOptions(new Uint8Array(0)), OpError);
  throws(() => parseDetectionOptions(detectionOptionsBytes({ num_classes: 2 })), /max_detections/);
});

Deno.test("decodeBoxes() applies centre offsets and log sizes relative to the anchor", () => {
  const b = decodeBoxes(
    new Float32Array([10, -5, 5 * Math.log(2), 0]),
    new Float32Array([1, 2, 0.5, 0.25]),
    { y: 10, x: 10, h: 5, w: 5 },
  );
  // y = 1 + 1 * 0.5 = 1.5, x = 2 - 0.5 * 0.25 = 1.875, h = 2 * 0.5 = 1, w = 0.25.
  deepStrictEqual(Array.from(b).map((v) => Math.round(v * 1e5) / 1e5), [1, 1.75, 2, 2]);
});

Deno.test("nonMaxSuppression() drops overlaps above the IoU threshold and low scores", () => {
  const boxes = decodeBoxes(new Float32Array(16), anchors.data as Float32Array, options().scales);
  const p = { scoreThreshold: 0.2, iouThreshold: 0.5, maxDetections: 10 };
  deepStrictEqual(nonMaxSuppression(boxes, [0.9, 0.8, 0.7, 0.1], p), [0, 2]);
  deepStrictEqual(nonMaxSuppression(boxes, [0.9, 0.8, 0.7, 0.1], { ...p, iouThreshold: 0.7 }), [
    0,
    1,
    2,
  ]);
  deepStrictEqual(nonMaxSuppression(boxes, [0.9, 0.8, 0.7, 0.1], { ...p, maxDetections: 1 }), [0]);
});

Deno.test("fast NMS keeps each box's best class and suppresses across classes", () => {
  const [boxes, classes, s, count] = run();
  strictEqual(count.data[0], 2);
  deepStrictEqual(vals(classes), [0, 1, 0]);
  deepStrictEqual(vals(s).map((v) => Math.round(v * 100) / 100), [0.9, 0.7, 0]);
  deepStrictEqual(vals(boxes).slice(0, 8), [0, 0, 1, 1, 2.5, 2.5, 3.5, 3.5]);
});

Deno.test("regular NMS suppresses per class, then keeps the best over all classes", () => {
  const [, classes, s, count] = run({ use_regular_nms: true });
  // Class 0: box 0 (0.9) suppresses box 1 (0.8). Class 1: box 2 (0.7), box 1 (0.3).
  strictEqual(count.data[0], 3);
  deepStrictEqual(vals(classes), [0, 1, 1]);
  deepStrictEqual(vals(s).map((v) => Math.round(v * 100) / 100), [0.9, 0.7, 0.3]);
});

Deno.test("8-bit inputs are dequantized before decoding", () => {
  const q = (scale: number, zp: number) => ({
    scale: [scale],
    zeroPoint: [zp],
    quantizedDimension: 0,
  });
  const u8 = (t: HostTensor, scale: number, zp: number): HostTensor => ({
    dtype: "uint8",
    shape: t.shape,
    quantization: q(scale, zp),
    data: Uint8Array.from(t.data as Float32Array, (v) => Math.round(v / scale) + zp),
  });
  const o = options();
  const inputs = [u8(encodings, 0.1, 128), u8(scores, 1 / 256, 0), u8(anchors, 0.05, 0)];
  const outs = detectionPostprocess.quant!.reference({ inputs, options: o, outputs: [] });
  const [floatBoxes, floatClasses] = run();
  deepStrictEqual(vals(outs[1]), vals(floatClasses));
  ok(vals(outs[0]).every((v, i) => Math.abs(v - vals(floatBoxes)[i]) < 1e-6));
});
