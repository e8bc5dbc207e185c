/**
 * TFLite_Detection_PostProcess (custom op): the end of SSD detectors. Box encodings `[1, n, 4]`,
 * class scores `[1, n, classes + background]` and anchors `[n, 4]` (float32, or 8-bit, dequantized
 * on read) become the best boxes `[1, k, 4]`, their classes `[1, k]` (0-based, background
 * excluded) and scores `[1, k]`, and the count `[1]`, with `k = max_detections *
 * max_classes_per_detection`. Options come from the node's flexbuffer map; suppression is one pass
 * over the best class of each box (fast) or one pass per class (`use_regular_nms`). CPU only.
 *
 * @module
 */
import { builder, toObject } from "flatbuffers/js/flexbuffers.js";
import type { HostTensor, KernelDef, OpInput, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, readNumber } from "../_shared/tensor.ts";
import { channelQuant } from "../_shared/quant_math.ts";
import { type BoxScales, decodeBoxes, type NmsParams, nonMaxSuppression } from "./nms.ts";

const OP = "TFLite_Detection_PostProcess";

/** Parsed options of TFLite_Detection_PostProcess. */
export interface DetectionOptions {
  /** Boxes kept in the output. */
  maxDetections: number;
  /** Classes reported per box (fast suppression). */
  maxClassesPerDetection: number;
  /** Boxes kept per class (regular suppression). */
  detectionsPerClass: number;
  /** One suppression per class instead of one over each box's best class. */
  useRegularNms: boolean;
  /** Scores below this are dropped. */
  scoreThreshold: number;
  /** Overlap above which a box is suppressed. */
  iouThreshold: number;
  /** Classes, background excluded. */
  numClasses: number;
  /** Scales of the encodings. */
  scales: BoxScales;
}

function numberOf(o: Record<string, unknown>, key: string, fallback?: number): number {
  const raw = o[key] ?? fallback;
  const v = typeof raw === "bigint" ? Number(raw) : raw;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new OpError(`${OP}: option ${key} is missing or not a number`);
  }
  return v;
}

/**
 * Decodes the flexbuffer custom options.
 *
 * @example
 * ```ts
 * import { detectionOptionsBytes, parseDetectionOptions } from "./mod.ts";
 * const bytes = detectionOptionsBytes({ max_detections: 3, num_classes: 2, nms_score_threshold: 0.1, nms_iou_threshold: 0.5, y_scale: 10, x_scale: 10, h_scale: 5, w_scale: 5 });
 * if (parseDetectionOptions(bytes).maxDetections !== 3) throw new Error("wrong");
 * ```
 *
 * @param bytes The raw custom options.
 * @returns The options.
 */
export function parseDetectionOptions(bytes: Uint8Array | undefined): DetectionOptions {
  if (!bytes || bytes.length === 0) throw new OpError(`${OP}: the custom options are missing`);
  let o: Record<string, unknown>;
  try {
    o = toObject(bytes.slice().buffer) as Record<string, unknown>;
  } catch (e) {
    throw new OpError(`${OP}: the custom options are not a flexbuffer map`, { cause: e });
  }
  const opts: DetectionOptions = {
    maxDetections: numberOf(o, "max_detections"),
    maxClassesPerDetection: numberOf(o, "max_classes_per_detection", 1),
    detectionsPerClass: numberOf(o, "detections_per_class", 100),
    useRegularNms: Boolean(o.use_regular_nms ?? false),
    scoreThreshold: numberOf(o, "nms_score_threshold"),
    iouThreshold: numberOf(o, "nms_iou_threshold"),
    numClasses: numberOf(o, "num_classes"),
    scales: {
      y: numberOf(o, "y_scale"),
      x: numberOf(o, "x_scale"),
      h: numberOf(o, "h_scale"),
      w: numberOf(o, "w_scale"),
    },
  };
  for (const k of ["maxDetections", "maxClassesPerDetection", "numClasses"] as const) {
    if (!Number.isInteger(opts[k]) || opts[k] < 1) {
      throw new OpError(`${OP}: ${k} must be a positive integer, got ${opts[k]}`);
    }
  }
  return opts;
}

/**
 * Encodes options as a flexbuffer map (for one-op models and tests): booleans, integers, and floats
 * (stored out of line, which every flexbuffer reader accepts). Keys ending in `_threshold` or
 * `_scale` are floats.
 *
 * @example
 * ```ts
 * import { detectionOptionsBytes, parseDetectionOptions } from "./mod.ts";
 * const bytes = detectionOptionsBytes({ max_detections: 2, num_classes: 1, nms_score_threshold: 0.5, nms_iou_threshold: 0.5, y_scale: 1, x_scale: 1, h_scale: 1, w_scale: 1 });
 * if (parseDetectionOptions(bytes).iouThreshold !== 0.5) throw new Error("wrong");
 * ```
 *
 * @param o The options by their TFLite names.
 * @returns The bytes.
 */
export function detectionOptionsBytes(o: Record<string, number | boolean>): Uint8Array {
  const b = builder();
  b.startMap();
  for (const [key, v] of Object.entries(o)) {
    b.addKey(key);
    if (typeof v === "boolean") b.add(v);
    else if (/_(threshold|scale)$/.test(key)) b.addFloat(v, true);
    else b.addInt(v);
  }
  b.end();
  return b.finish();
}

/** Float32 values of a float or quantized tensor (`float(scale * (q - zero_point))`). */
function floats(t: HostTensor): Float32Array {
  const out = new Float32Array(t.data.length);
  const q = t.dtype === "float32" ? undefined : t.quantization;
  for (let i = 0; i < out.length; i++) {
    const v = readNumber(t, i);
    if (!q) out[i] = v;
    else {
      const { scale, zeroPoint } = channelQuant(q, 0);
      out[i] = scale * (v - zeroPoint);
    }
  }
  return out;
}

function checkInputs(inputs: (OpInput | undefined)[], o: DetectionOptions): void {
  if (inputs.length !== 3 || inputs.some((t) => !t)) {
    throw new OpError(`${OP} needs 3 inputs (boxes, scores, anchors), got ${inputs.length}`);
  }
  const [b, s, a] = inputs as OpInput[];
  const n = b.shape[1];
  if (b.shape.length !== 3 || b.shape[0] !== 1 || b.shape[2] < 4) {
    throw new OpError(`${OP}: box encodings must be [1, n, >=4], got [${b.shape}]`);
  }
  if (s.shape.length !== 3 || s.shape[1] !== n || s.shape[2] < o.numClasses) {
    throw new OpError(`${OP}: scores must be [1, ${n}, >=${o.numClasses}], got [${s.shape}]`);
  }
  if (a.shape.length !== 2 || a.shape[0] !== n || a.shape[1] !== 4) {
    throw new OpError(`${OP}: anchors must be [${n}, 4], got [${a.shape}]`);
  }
  for (const t of [b, s, a]) {
    if (t.dtype !== "float32" && !t.quantization) {
      throw new OpError(`${OP}: ${t.dtype} inputs need quantization parameters`);
    }
  }
}

interface Detection {
  box: number;
  cls: number;
  score: number;
}

function fastNms(
  boxes: Float32Array,
  scores: Float32Array,
  o: DetectionOptions & { stride: number; offset: number; n: number },
): Detection[] {
  const per = Math.min(o.maxClassesPerDetection, o.numClasses);
  const best = new Float32Array(o.n);
  const classes: number[][] = [];
  for (let i = 0; i < o.n; i++) {
    const base = i * o.stride + o.offset;
    const order = Array.from({ length: o.numClasses }, (_, c) => c)
      .sort((a, b) => scores[base + b] - scores[base + a] || a - b)
      .slice(0, per);
    classes.push(order);
    best[i] = scores[base + order[0]];
  }
  const kept = nonMaxSuppression(boxes, best, nmsParams(o, o.maxDetections));
  return kept.flatMap((box) =>
    classes[box].map((cls) => ({ box, cls, score: scores[box * o.stride + o.offset + cls] }))
  );
}

function regularNms(
  boxes: Float32Array,
  scores: Float32Array,
  o: DetectionOptions & { stride: number; offset: number; n: number },
): Detection[] {
  let top: Detection[] = [];
  const cls = new Float32Array(o.n);
  for (let c = 0; c < o.numClasses; c++) {
    for (let i = 0; i < o.n; i++) cls[i] = scores[i * o.stride + o.offset + c];
    const kept = nonMaxSuppression(boxes, cls, nmsParams(o, o.detectionsPerClass));
    top = top.concat(kept.map((box) => ({ box, cls: c, score: cls[box] })))
      .sort((a, b) => b.score - a.score)
      .slice(0, o.maxDetections);
  }
  return top;
}

function nmsParams(o: DetectionOptions, maxDetections: number): NmsParams {
  return { scoreThreshold: o.scoreThreshold, iouThreshold: o.iouThreshold, maxDetections };
}

function reference(
  { inputs, options: o }: { inputs: (HostTensor | undefined)[]; options: DetectionOptions },
): HostTensor[] {
  const [b, s, a] = inputs as HostTensor[];
  const n = b.shape[1];
  const enc = floats(b), scores = floats(s), anchors = floats(a);
  const enc4 = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) enc4.set(enc.subarray(i * b.shape[2], i * b.shape[2] + 4), i * 4);
  const boxes = decodeBoxes(enc4, anchors, o.scales);
  const stride = s.shape[2];
  const geo = { ...o, stride, offset: stride - o.numClasses, n };
  const found = o.useRegularNms ? regularNms(boxes, scores, geo) : fastNms(boxes, scores, geo);
  const k = o.maxDetections * o.maxClassesPerDetection;
  const outBoxes = allocTensor("float32", [1, k, 4]);
  const outClasses = allocTensor("float32", [1, k]);
  const outScores = allocTensor("float32", [1, k]);
  const count = allocTensor("float32", [1]);
  found.slice(0, k).forEach((d, i) => {
    (outBoxes.data as Float32Array).set(boxes.subarray(d.box * 4, d.box * 4 + 4), i * 4);
    outClasses.data[i] = d.cls;
    outScores.data[i] = d.score;
  });
  count.data[0] = Math.min(found.length, k);
  return [outBoxes, outClasses, outScores, count];
}

function infer(
  { inputs, options: o }: { inputs: (OpInput | undefined)[]; options: DetectionOptions },
): TensorSpec[] {
  checkInputs(inputs, o);
  const k = o.maxDetections * o.maxClassesPerDetection;
  return [
    { dtype: "float32", shape: [1, k, 4] },
    { dtype: "float32", shape: [1, k] },
    { dtype: "float32", shape: [1, k] },
    { dtype: "float32", shape: [1] },
  ];
}

/** The TFLite_Detection_PostProcess kernel (reference only; 8-bit inputs are dequantized). */
export const detectionPostprocess: KernelDef<DetectionOptions> = {
  name: OP,
  custom: true,
  parse({ customOptions }) {
    return parseDetectionOptions(customOptions);
  },
  infer,
  reference,
  quant: { infer, reference },
  f16: false,
  cases() {
    // No GPU kernel: the conformance harness compares GPU runs; the op is unit-tested instead.
    return [];
  },
};
