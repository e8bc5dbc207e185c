/**
 * Builders of one-op 8-bit `.tflite` models (see `_quant_models.ts`): int8 graph edges are float32
 * behind QUANTIZE/DEQUANTIZE, since LiteRT.js takes no int8 tensors in or out.
 *
 * @module
 */
import type { DType, Quantization } from "../core/ir.ts";
import { seededRandom } from "../core/random.ts";
import { GraphBuilder, writeModel } from "../format/tflite/mod.ts";
import { detectionOptionsBytes } from "../kernels/detection_postprocess/mod.ts";

/** A one-op model and its name. */
export interface QuantModel {
  /** Short description. */
  name: string;
  /** The `.tflite` bytes. */
  bytes: Uint8Array;
}

/** An 8-bit dtype. */
export type Eight = "uint8" | "int8";

/** Per-tensor (or per-channel) quantization parameters. */
export function q(scale: number | number[], zeroPoint: number | number[], dim = 0): Quantization {
  const s = Array.isArray(scale) ? scale : [scale];
  const z = Array.isArray(zeroPoint) ? zeroPoint : s.map(() => zeroPoint);
  return { scale: s, zeroPoint: z, quantizedDimension: dim };
}

/**
 * An 8-bit graph input: uint8 as is; int8 behind a QUANTIZE from float32, since LiteRT.js takes no
 * int8 tensors in or out (int8 models ship that way too).
 */
export function input8(
  g: GraphBuilder,
  spec: { name: string; dtype: Eight; shape: number[]; quantization: Quantization },
): number {
  if (spec.dtype === "uint8") {
    return g.input(spec.name, "uint8", spec.shape, { quantization: spec.quantization });
  }
  const f = g.input(spec.name, "float32", spec.shape);
  return g.op("QUANTIZE", [f], [{
    dtype: "int8",
    shape: spec.shape,
    name: `${spec.name}_q`,
    quantization: spec.quantization,
  }])[0];
}

/** Marks an 8-bit tensor as a graph output: int8 behind a DEQUANTIZE to float32. */
export function output8(g: GraphBuilder, t: number, spec: { dtype: DType; shape: number[] }): void {
  if (spec.dtype !== "int8") return g.output(t);
  g.output(g.op("DEQUANTIZE", [t], [{ dtype: "float32", shape: spec.shape, name: "y_float" }])[0]);
}

/** Seeded 8-bit values over the whole range. */
export function bytes8(dtype: Eight, n: number, seed: number): Uint8Array | Int8Array {
  const r = seededRandom(seed);
  const a = dtype === "uint8" ? new Uint8Array(n) : new Int8Array(n);
  const lo = dtype === "uint8" ? 0 : -128;
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor(r() * 256);
  return a;
}

function ints(n: number, range: number, seed: number): Int32Array {
  const r = seededRandom(seed);
  return Int32Array.from({ length: n }, () => Math.floor((r() * 2 - 1) * range));
}

function prod(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** One convolution-like case. */
export interface ConvCase {
  name: string;
  op: "CONV_2D" | "DEPTHWISE_CONV_2D" | "FULLY_CONNECTED";
  dtype: Eight;
  x: number[];
  w: number[];
  out: number[];
  xq: Quantization;
  wq: Quantization;
  yq: Quantization;
  options: Record<string, unknown>;
}

/** A one-op CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED model with seeded weights and bias. */
export function convModel(c: ConvCase): QuantModel {
  const g = new GraphBuilder({ description: c.name });
  const x = input8(g, { name: "x", dtype: c.dtype, shape: c.x, quantization: c.xq });
  const w = g.constant("w", c.dtype, c.w, bytes8(c.dtype, prod(c.w), 7), {
    quantization: c.wq,
  });
  const o = c.op === "FULLY_CONNECTED" ? c.w[0] : c.op === "CONV_2D" ? c.w[0] : c.w[3];
  const bq = q(
    c.wq.scale.map((s) => s * c.xq.scale[0]),
    c.wq.scale.map(() => 0),
  );
  const b = g.constant("b", "int32", [o], ints(o, 3000, 11), { quantization: bq });
  const [y] = g.op(c.op, [x, w, b], [{
    dtype: c.dtype,
    shape: c.out,
    name: "y",
    quantization: c.yq,
  }], {
    options: c.options as never,
  });
  output8(g, y, { dtype: c.dtype, shape: c.out });
  return { name: c.name, bytes: writeModel(g.build()) };
}

/** A one-input op's model. */
export function unaryModel(
  name: string,
  op: string,
  spec: { dtype: Eight; shape: number[]; xq: Quantization; yq: Quantization; outDtype?: DType },
  options: Record<string, unknown> = {},
): QuantModel {
  const g = new GraphBuilder({ description: name });
  const x = input8(g, { name: "x", dtype: spec.dtype, shape: spec.shape, quantization: spec.xq });
  const outDtype = spec.outDtype ?? spec.dtype;
  const [y] = g.op(op, [x], [{
    dtype: outDtype,
    shape: spec.shape,
    name: "y",
    quantization: outDtype === "float32" ? undefined : spec.yq,
  }], { options: options as never });
  output8(g, y, { dtype: outDtype, shape: spec.shape });
  return { name, bytes: writeModel(g.build()) };
}

/** A two-input op's model. */
export function binaryModel(
  name: string,
  op: string,
  spec: { dtype: Eight; a: number[]; b: number[]; qs: Quantization[]; act: string },
): QuantModel {
  const g = new GraphBuilder({ description: name });
  const a = input8(g, { name: "a", dtype: spec.dtype, shape: spec.a, quantization: spec.qs[0] });
  const b = input8(g, { name: "b", dtype: spec.dtype, shape: spec.b, quantization: spec.qs[1] });
  const shape = spec.a.length >= spec.b.length ? spec.a : spec.b;
  const [y] = g.op(
    op,
    [a, b],
    [{ dtype: spec.dtype, shape, name: "y", quantization: spec.qs[2] }],
    {
      options: { fusedActivationFunction: spec.act } as never,
    },
  );
  output8(g, y, { dtype: spec.dtype, shape });
  return { name, bytes: writeModel(g.build()) };
}

/** A 3x3 stride-2 pool's model. */
export function poolModel(
  name: string,
  op: string,
  dtype: Eight,
  xq: Quantization,
  pad: string,
): QuantModel {
  const g = new GraphBuilder({ description: name });
  const x = input8(g, { name: "x", dtype, shape: [1, 7, 9, 6], quantization: xq });
  const out = pad === "SAME" ? [1, 4, 5, 6] : [1, 3, 4, 6];
  const [y] = g.op(op, [x], [{ dtype, shape: out, name: "y", quantization: xq }], {
    options: {
      padding: pad,
      strideW: 2,
      strideH: 2,
      filterWidth: 3,
      filterHeight: 3,
      fusedActivationFunction: "RELU6",
    } as never,
  });
  output8(g, y, { dtype, shape: out });
  return { name, bytes: writeModel(g.build()) };
}

/** A CONCATENATION of two inputs along channels. */
export function concatModel(name: string, dtype: Eight): QuantModel {
  const g = new GraphBuilder({ description: name });
  const lo = dtype === "uint8" ? 0 : -128;
  // XNNPack concatenates int8 only at equal scales; uint8 rescales.
  const qa = dtype === "uint8" ? q(0.05, lo + 3) : q(0.07, lo + 100);
  const qb = dtype === "uint8" ? q(0.11, lo + 200) : q(0.07, lo + 100);
  const a = input8(g, { name: "a", dtype, shape: [1, 4, 4, 3], quantization: qa });
  const b = input8(g, { name: "b", dtype, shape: [1, 4, 4, 5], quantization: qb });
  const [y] = g.op("CONCATENATION", [a, b], [{
    dtype,
    shape: [1, 4, 4, 8],
    name: "y",
    quantization: q(0.07, lo + 100),
  }], { options: { axis: 3 } as never });
  output8(g, y, { dtype, shape: [1, 4, 4, 8] });
  return { name, bytes: writeModel(g.build()) };
}

/** A one-input op with constant operands (PAD, TRANSPOSE, slices, resizes); output keeps the input's parameters. */
export function moveModel(
  name: string,
  op: string,
  spec: { dtype: Eight; shape: number[]; out: number[]; consts: [DType, number[], Int32Array][] },
  options: Record<string, unknown> = {},
): QuantModel {
  const g = new GraphBuilder({ description: name });
  const xq = q(0.05, spec.dtype === "uint8" ? 77 : -3);
  const x = input8(g, { name: "x", dtype: spec.dtype, shape: spec.shape, quantization: xq });
  const consts = spec.consts.map(([dtype, shape, data], i) =>
    g.constant(`c${i}`, dtype, shape, data)
  );
  const [y] = g.op(op, [x, ...consts], [{
    dtype: spec.dtype,
    shape: spec.out,
    name: "y",
    quantization: xq,
  }], {
    options: options as never,
  });
  output8(g, y, { dtype: spec.dtype, shape: spec.out });
  return { name, bytes: writeModel(g.build()) };
}

/** A TFLite_Detection_PostProcess model with uint8 inputs and anchors. */
export function detectionModel(): QuantModel {
  const g = new GraphBuilder({ description: "TFLite_Detection_PostProcess uint8, 2 classes" });
  const n = 64;
  const boxes = g.input("boxes", "uint8", [1, n, 4], { quantization: q(0.05, 128) });
  const scores = g.input("scores", "uint8", [1, n, 3], { quantization: q(1 / 256, 0) });
  const r = seededRandom(5);
  const anchors = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    anchors[4 * i] = Math.floor(r() * 256);
    anchors[4 * i + 1] = Math.floor(r() * 256);
    anchors[4 * i + 2] = 20 + Math.floor(r() * 60);
    anchors[4 * i + 3] = 20 + Math.floor(r() * 60);
  }
  const a = g.constant("anchors", "uint8", [n, 4], anchors, { quantization: q(1 / 255, 0) });
  const outs = g.op("CUSTOM", [boxes, scores, a], [
    { dtype: "float32", shape: [1, 5, 4], name: "det_boxes" },
    { dtype: "float32", shape: [1, 5], name: "det_classes" },
    { dtype: "float32", shape: [1, 5], name: "det_scores" },
    { dtype: "float32", shape: [1], name: "num" },
  ], {
    customCode: "TFLite_Detection_PostProcess",
    customOptions: detectionOptionsBytes({
      max_detections: 5,
      max_classes_per_detection: 1,
      nms_score_threshold: 0.3,
      nms_iou_threshold: 0.5,
      num_classes: 2,
      y_scale: 10,
      x_scale: 10,
      h_scale: 5,
      w_scale: 5,
    }),
  });
  g.output(...outs);
  return { name: "TFLite_Detection_PostProcess uint8 (fast NMS)", bytes: writeModel(g.build()) };
}
