/**
 * One-op 8-bit `.tflite` models for checking the integer references against an independent
 * runtime: uint8 per-tensor and int8 per-channel weights, edge zero points (0, 255, -128, 127),
 * small output scales so that outputs saturate, fused activations, broadcasting.
 *
 * @module
 */
import { GraphBuilder, writeModel } from "../format/tflite/mod.ts";
import {
  binaryModel,
  bytes8,
  concatModel,
  convModel,
  detectionModel,
  input8,
  moveModel,
  output8,
  poolModel,
  q,
  type QuantModel,
  unaryModel,
} from "./_quant_builders.ts";

export type { QuantModel } from "./_quant_builders.ts";

/**
 * The one-op 8-bit models.
 *
 * @example
 * ```ts ignore
 * for (const m of quantOpModels()) await Deno.writeFile(`${m.name}.tflite`, m.bytes);
 * ```
 *
 * @returns One model per case.
 */
export function quantOpModels(): QuantModel[] {
  const perChannel = (n: number, dim: number) =>
    q(Array.from({ length: n }, (_, i) => 0.004 + 0.003 * i), 0, dim);
  const models: QuantModel[] = [
    convModel({
      name: "CONV_2D uint8 3x3 s2 SAME RELU6, input zp 0",
      op: "CONV_2D",
      dtype: "uint8",
      x: [1, 9, 9, 5],
      w: [7, 3, 3, 5],
      out: [1, 5, 5, 7],
      xq: q(0.02, 0),
      wq: q(0.01, 128),
      yq: q(0.02, 10),
      options: { padding: "SAME", strideW: 2, strideH: 2, fusedActivationFunction: "RELU6" },
    }),
    convModel({
      name: "CONV_2D uint8 3x3 VALID dilation 2, input zp 255",
      op: "CONV_2D",
      dtype: "uint8",
      x: [1, 8, 8, 4],
      w: [6, 3, 3, 4],
      out: [1, 4, 4, 6],
      xq: q(0.03, 255),
      wq: q(0.007, 100),
      yq: q(0.1, 128),
      options: { padding: "VALID", strideW: 1, strideH: 1, dilationWFactor: 2, dilationHFactor: 2 },
    }),
    convModel({
      name: "CONV_2D int8 per-channel 3x3 SAME, input zp -128",
      op: "CONV_2D",
      dtype: "int8",
      x: [1, 7, 7, 6],
      w: [8, 3, 3, 6],
      out: [1, 7, 7, 8],
      xq: q(0.02, -128),
      wq: perChannel(8, 0),
      yq: q(0.05, 127),
      options: { padding: "SAME", strideW: 1, strideH: 1 },
    }),
    convModel({
      name: "DEPTHWISE_CONV_2D uint8 3x3 s2 SAME multiplier 2 RELU",
      op: "DEPTHWISE_CONV_2D",
      dtype: "uint8",
      x: [1, 9, 9, 4],
      w: [1, 3, 3, 8],
      out: [1, 5, 5, 8],
      xq: q(0.02, 131),
      wq: q(0.02, 120),
      yq: q(0.01, 0),
      options: {
        padding: "SAME",
        strideW: 2,
        strideH: 2,
        depthMultiplier: 2,
        fusedActivationFunction: "RELU",
      },
    }),
    convModel({
      name: "DEPTHWISE_CONV_2D int8 per-channel 3x3 SAME",
      op: "DEPTHWISE_CONV_2D",
      dtype: "int8",
      x: [1, 8, 8, 6],
      w: [1, 3, 3, 6],
      out: [1, 8, 8, 6],
      xq: q(0.03, 5),
      wq: perChannel(6, 3),
      yq: q(0.03, -20),
      options: { padding: "SAME", strideW: 1, strideH: 1, depthMultiplier: 1 },
    }),
    convModel({
      name: "FULLY_CONNECTED uint8",
      op: "FULLY_CONNECTED",
      dtype: "uint8",
      x: [2, 40],
      w: [10, 40],
      out: [2, 10],
      xq: q(0.05, 77),
      wq: q(0.01, 140),
      yq: q(0.2, 120),
      options: {},
    }),
    convModel({
      name: "FULLY_CONNECTED int8 RELU",
      op: "FULLY_CONNECTED",
      dtype: "int8",
      x: [3, 32],
      w: [9, 32],
      out: [3, 9],
      xq: q(0.04, -3),
      wq: q(0.006, 0),
      yq: q(0.05, -128),
      options: { fusedActivationFunction: "RELU" },
    }),
  ];
  for (const dtype of ["uint8", "int8"] as const) {
    const lo = dtype === "uint8" ? 0 : -128;
    models.push(
      binaryModel(`ADD ${dtype} broadcast RELU6`, "ADD", {
        dtype,
        a: [1, 4, 5, 6],
        b: [1, 1, 1, 6],
        qs: [q(0.05, lo + 128), q(0.02, lo + 3), q(0.04, lo + 10)],
        act: "RELU6",
      }),
      binaryModel(`SUB ${dtype}`, "SUB", {
        dtype,
        a: [1, 4, 5, 6],
        b: [1, 4, 5, 6],
        qs: [q(0.03, lo + 255), q(0.07, lo), q(0.05, lo + 128)],
        act: "NONE",
      }),
      binaryModel(`MUL ${dtype} broadcast`, "MUL", {
        dtype,
        a: [1, 4, 5, 6],
        b: [6],
        qs: [q(0.05, lo + 128), q(0.02, lo + 100), q(0.03, lo + 128)],
        act: "NONE",
      }),
      poolModel(
        `AVERAGE_POOL_2D ${dtype} 3x3 s2 SAME`,
        "AVERAGE_POOL_2D",
        dtype,
        q(0.05, lo + 40),
        "SAME",
      ),
      poolModel(
        `MAX_POOL_2D ${dtype} 3x3 s2 VALID`,
        "MAX_POOL_2D",
        dtype,
        q(0.05, lo + 40),
        "VALID",
      ),
      concatModel(`CONCATENATION ${dtype}${dtype === "uint8" ? " with rescaling" : ""}`, dtype),
      unaryModel(`LOGISTIC ${dtype}`, "LOGISTIC", {
        dtype,
        shape: [1, 300],
        xq: q(0.06, lo + 128),
        yq: q(1 / 256, lo),
      }),
      unaryModel(`TANH ${dtype}`, "TANH", {
        dtype,
        shape: [1, 300],
        xq: q(0.03, lo + 128),
        yq: q(1 / 128, lo + 128),
      }),
      unaryModel(`SOFTMAX ${dtype}`, "SOFTMAX", {
        dtype,
        shape: [4, 50],
        xq: q(0.1, lo + 128),
        yq: q(1 / 256, lo),
      }, { beta: 1 }),
      unaryModel(`DEQUANTIZE ${dtype}`, "DEQUANTIZE", {
        dtype,
        shape: [2, 100],
        xq: q(0.37, lo + 17),
        yq: q(1, 0),
        outDtype: "float32",
      }),
      unaryModel(
        `QUANTIZE ${dtype} to ${dtype === "uint8" ? "int8" : "uint8"} (requantize)`,
        "QUANTIZE",
        {
          dtype,
          shape: [2, 100],
          xq: q(0.05, lo + 128),
          yq: q(0.03, dtype === "uint8" ? 10 : 128),
          outDtype: dtype === "uint8" ? "int8" : "uint8",
        },
      ),
    );
  }
  for (const dtype of ["uint8", "int8"] as const) {
    const lo = dtype === "uint8" ? 0 : -128;
    models.push(
      unaryModel(`LEAKY_RELU ${dtype} alpha 0.2`, "LEAKY_RELU", {
        dtype,
        shape: [1, 300],
        xq: q(0.05, lo + 128),
        yq: q(0.03, lo + 50),
      }, { alpha: 0.2 }),
      unaryModel(`HARD_SWISH ${dtype}`, "HARD_SWISH", {
        dtype,
        shape: [1, 300],
        xq: q(0.05, lo + 128),
        yq: q(0.03, lo + 20),
      }),
      moveModel(`PAD ${dtype}`, "PAD", {
        dtype,
        shape: [1, 4, 5, 6],
        out: [1, 6, 8, 6],
        consts: [["int32", [4, 2], new Int32Array([0, 0, 1, 1, 2, 1, 0, 0])]],
      }),
      moveModel(`TRANSPOSE ${dtype}`, "TRANSPOSE", {
        dtype,
        shape: [1, 4, 5, 6],
        out: [1, 6, 4, 5],
        consts: [["int32", [4], new Int32Array([0, 3, 1, 2])]],
      }),
      moveModel(`STRIDED_SLICE ${dtype}`, "STRIDED_SLICE", {
        dtype,
        shape: [1, 4, 5, 6],
        out: [1, 2, 3, 6],
        consts: [
          ["int32", [4], new Int32Array([0, 1, 0, 0])],
          ["int32", [4], new Int32Array([1, 3, 5, 6])],
          ["int32", [4], new Int32Array([1, 1, 2, 1])],
        ],
      }),
      (() => {
        const g = new GraphBuilder({ description: `MEAN ${dtype}` });
        const x = input8(g, {
          name: "x",
          dtype,
          shape: [1, 7, 9, 6],
          quantization: q(0.05, lo + 200),
        });
        const axes = g.constant("axes", "int32", [2], new Int32Array([1, 2]));
        const [y] = g.op("MEAN", [x, axes], [{
          dtype,
          shape: [1, 1, 1, 6],
          name: "y",
          quantization: q(0.02, lo + 100),
        }], { options: { keepDims: true } as never });
        output8(g, y, { dtype, shape: [1, 1, 1, 6] });
        return { name: `MEAN ${dtype} over H, W`, bytes: writeModel(g.build()) };
      })(),
      moveModel(`RESIZE_BILINEAR ${dtype}`, "RESIZE_BILINEAR", {
        dtype,
        shape: [1, 4, 5, 6],
        out: [1, 7, 9, 6],
        consts: [["int32", [2], new Int32Array([7, 9])]],
      }),
      moveModel(`RESIZE_BILINEAR ${dtype} half-pixel centres`, "RESIZE_BILINEAR", {
        dtype,
        shape: [1, 4, 5, 6],
        out: [1, 8, 10, 6],
        consts: [["int32", [2], new Int32Array([8, 10])]],
      }, { halfPixelCenters: true }),
      moveModel(`RESIZE_BILINEAR ${dtype} aligned corners`, "RESIZE_BILINEAR", {
        dtype,
        shape: [1, 4, 5, 6],
        out: [1, 7, 8, 6],
        consts: [["int32", [2], new Int32Array([7, 8])]],
      }, { alignCorners: true }),
      moveModel(`RESIZE_NEAREST_NEIGHBOR ${dtype}`, "RESIZE_NEAREST_NEIGHBOR", {
        dtype,
        shape: [1, 4, 5, 6],
        out: [1, 7, 9, 6],
        consts: [["int32", [2], new Int32Array([7, 9])]],
      }),
      (() => {
        const g = new GraphBuilder({ description: `PRELU ${dtype}` });
        const x = input8(g, {
          name: "x",
          dtype,
          shape: [1, 4, 5, 6],
          quantization: q(0.05, lo + 140),
        });
        const alpha = g.constant("alpha", dtype, [1, 1, 6], bytes8(dtype, 6, 3), {
          quantization: q(0.004, lo + 128),
        });
        const [y] = g.op("PRELU", [x, alpha], [{
          dtype,
          shape: [1, 4, 5, 6],
          name: "y",
          quantization: q(0.04, lo + 120),
        }]);
        output8(g, y, { dtype, shape: [1, 4, 5, 6] });
        return { name: `PRELU ${dtype} per-channel alpha`, bytes: writeModel(g.build()) };
      })(),
      (() => {
        const g = new GraphBuilder({ description: `ARG_MAX ${dtype}` });
        const x = input8(g, { name: "x", dtype, shape: [3, 40], quantization: q(0.1, lo + 9) });
        const axis = g.constant("axis", "int32", [1], new Int32Array([1]));
        const [y] = g.op("ARG_MAX", [x, axis], [{ dtype: "int32", shape: [3], name: "y" }], {
          options: { outputType: "int32" } as never,
        });
        g.output(y);
        return { name: `ARG_MAX ${dtype}`, bytes: writeModel(g.build()) };
      })(),
      ...(["RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1"] as const).map((op) =>
        unaryModel(`${op} ${dtype} rescaling`, op, {
          dtype,
          shape: [1, 300],
          xq: q(0.05, lo + 128),
          yq: q(0.02, lo + 60),
        })
      ),
      // TFLite's BATCH_MATMUL has no uint8 kernel: int8 only.
      ...(dtype === "uint8" ? [] : [(() => {
        const g = new GraphBuilder({ description: `BATCH_MATMUL ${dtype}` });
        const x = input8(g, {
          name: "x",
          dtype,
          shape: [2, 3, 20],
          quantization: q(0.05, lo + 100),
        });
        const y = input8(g, {
          name: "w",
          dtype,
          shape: [2, 20, 7],
          quantization: q(0.04, lo + 130),
        });
        const [z] = g.op("BATCH_MATMUL", [x, y], [{
          dtype,
          shape: [2, 3, 7],
          name: "y",
          quantization: q(0.15, lo + 128),
        }]);
        output8(g, z, { dtype, shape: [2, 3, 7] });
        return { name: `BATCH_MATMUL ${dtype}`, bytes: writeModel(g.build()) };
      })()]),
      ...(["MAXIMUM", "MINIMUM"] as const).map((op) =>
        binaryModel(`${op} ${dtype} broadcast`, op, {
          dtype,
          a: [1, 4, 5, 6],
          b: [1, 1, 5, 1],
          qs: [q(0.05, lo + 90), q(0.05, lo + 90), q(0.05, lo + 90)],
          act: "NONE",
        })
      ),
      ...(["REDUCE_MAX", "REDUCE_MIN"] as const).map((op) =>
        moveModel(`${op} ${dtype} over H, W`, op, {
          dtype,
          shape: [1, 4, 5, 6],
          out: [1, 1, 1, 6],
          consts: [["int32", [2], new Int32Array([1, 2])]],
        }, { keepDims: true })
      ),
      moveModel(`GATHER ${dtype} axis 1`, "GATHER", {
        dtype,
        shape: [2, 5, 6],
        out: [2, 3, 6],
        consts: [["int32", [3], new Int32Array([4, 0, 2])]],
      }, { axis: 1 }),
    );
  }
  models.push(detectionModel());
  return models;
}
