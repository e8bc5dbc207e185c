import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { assertHostCasesConform } from "../_shared/host_op_testing.ts";
import { ModelFormatError, OpError, UnsupportedError } from "../../core/errors.ts";
import type { OpInput } from "../../core/kernel.ts";
import { createSession, loadModel } from "../../engine/session.ts";
import { GraphBuilder, writeModel } from "../../format/tflite/mod.ts";
import { kernelFor } from "../registry.ts";
import { FLEX_KERNELS, FLEX_OPS, flexOptionsFor, flexTwin } from "./mod.ts";
import { encodeFlexOptions, encodeNodeDef } from "./node_def.ts";
import { softplus } from "./unary_ops.ts";

const OPS = new URL("../../../shared/models/ops/", import.meta.url);

Deno.test("every Flex op conforms to its twin's reference, on the GPU or on the CPU backend", async () => {
  for (const k of FLEX_KERNELS) {
    ok(k.cases().length > 0, `${k.name} has no cases`);
    if (k.gpu) await assertKernelConforms(k, { precisions: ["f32"] });
    else await assertHostCasesConform(k);
  }
});

Deno.test("Flex ops are registered as custom ops that run their twin's kernels", () => {
  strictEqual(kernelFor("FlexAddV2")?.custom, true);
  strictEqual(kernelFor("FlexAddV2")?.gpu, kernelFor("ADD")?.gpu);
  strictEqual(kernelFor("FlexSigmoid")?.reference, kernelFor("LOGISTIC")?.reference);
  strictEqual(flexTwin("FlexRealDiv"), "DIV");
  strictEqual(kernelFor("FlexStringToHashBucketFast"), undefined);
  strictEqual(FLEX_KERNELS.length, Object.keys(FLEX_OPS).length);
});

Deno.test("Softplus is log(1 + e^x) without overflow or lost small terms", () => {
  const xs = [-80, -30, -5, -1e-7, 0, 1e-7, 1, 5, 30, 100, 1000];
  const x = { dtype: "float32" as const, shape: [xs.length], data: new Float32Array(xs) };
  const [y] = softplus.reference({ inputs: [x], options: {}, outputs: [x] });
  xs.forEach((v, i) => {
    const fx = Math.fround(v);
    // Far from 0 the naive form is exact enough; near 0 log(1 + e^x) is well conditioned.
    const expected = fx > 20 ? fx : fx < -20 ? Math.exp(fx) : Math.log(1 + Math.exp(fx));
    const got = Number(y.data[i]);
    ok(Math.abs(got - expected) <= 1e-6 * Math.abs(expected), `softplus(${fx}) = ${got}`);
  });
});

async function runFile(
  file: string,
  inputs: Float32Array[] | Int32Array[],
  backend: "gpu" | "cpu",
) {
  const model = await loadModel(new URL(file, OPS));
  const session = await createSession(model, { backend });
  try {
    const got = await session.run(
      session.inputs.map((t, k) => ({ dtype: t.dtype, shape: t.shape, data: inputs[k] })),
    );
    return got.map((t) => [...t.data as Float32Array]);
  } finally {
    session.dispose();
  }
}

Deno.test("the converter's Flex test models run on the GPU and CPU backends with TensorFlow's results", async () => {
  for (const backend of ["gpu", "cpu"] as const) {
    // multi_add_flex: add_1 = (b + c) + a, add_3 = (b + c) + d.
    const adds = await runFile(
      "tflite_testdata__multi_add_flex.tflite",
      [1, 2, 4, 8].map((v) => new Float32Array([v])),
      backend,
    );
    deepStrictEqual(adds, [[7], [14]], backend);
    const doubled = await runFile(
      "tflite_testdata__double_flex.tflite",
      [new Int32Array([1, -2, 2 ** 30, 0])],
      backend,
    );
    deepStrictEqual(doubled, [[2, -4, -(2 ** 31), 0]], backend);
    const xs = Float32Array.from({ length: 24 }, (_, i) => (i - 12) * 4);
    const [soft] = await runFile("tflite_testdata__softplus_flex.tflite", [xs], backend);
    xs.forEach((v, i) => {
      const expected = v > 30 ? v : Math.log1p(Math.exp(v));
      ok(Math.abs(soft[i] - expected) <= 2e-6 * expected, `${backend} softplus(${v}) = ${soft[i]}`);
    });
  }
});

function flexModel(code: string, customOptions: Uint8Array, dtype: "float32" | "int32") {
  const b = new GraphBuilder();
  const x = b.input("x", dtype, [2, 3]);
  const [y] = b.op("CUSTOM", [x], [{ name: "y", dtype, shape: [2, 3] }], {
    customCode: code,
    customOptions,
  });
  b.output(y);
  return writeModel(b.build());
}

async function refusal(bytes: Uint8Array): Promise<Error> {
  let error: Error | undefined;
  await rejects(async () => {
    try {
      await createSession(await loadModel(bytes), { backend: "cpu" });
    } catch (e) {
      error = e as Error;
      throw e;
    }
  });
  return error!;
}

Deno.test("a Flex op whose T disagrees with its inputs, or names a dtype gpulite lacks, is refused", async () => {
  const asInt = await refusal(flexModel("FlexRelu", flexOptionsFor("Relu", "int32"), "float32"));
  ok(
    asInt instanceof OpError &&
      /FlexRelu: T is DT_INT32, gpulite runs it for float32/.test(asInt.message),
    asInt.message,
  );
  const double = encodeFlexOptions("Exp", encodeNodeDef({ op: "Exp", attrs: { T: { type: 2 } } }));
  const asDouble = await refusal(flexModel("FlexExp", double, "float32"));
  ok(/T is DT_DOUBLE/.test(asDouble.message), asDouble.message);
  const mixed = await refusal(flexModel("FlexNeg", flexOptionsFor("Neg", "int32"), "float32"));
  ok(/input 0 is float32, but T is int32/.test(mixed.message), mixed.message);
});

Deno.test("a Flex op whose options name another op, or are malformed, is a ModelFormatError", async () => {
  const other = await refusal(flexModel("FlexRelu", flexOptionsFor("Tanh", "float32"), "float32"));
  ok(
    other instanceof ModelFormatError &&
      /FlexRelu: the custom options name op Tanh/.test(other.message),
    other.message,
  );
  const garbage = await refusal(flexModel("FlexRelu", new Uint8Array([1, 2, 3, 4]), "float32"));
  ok(
    garbage instanceof ModelFormatError &&
      /^Node 0 \(FlexRelu\)|FlexRelu custom options/.test(garbage.message),
    garbage.message,
  );
  throws(
    () =>
      kernelFor("FlexRelu")!.parse({
        options: {},
        customOptions: undefined,
        inputs: [{ dtype: "float32", shape: [1] } as OpInput],
      }),
    /FlexRelu custom options are missing/,
  );
});

Deno.test("a Flex op outside the table is refused naming the TensorFlow op", async () => {
  const options = encodeFlexOptions(
    "Erfinv",
    encodeNodeDef({ op: "Erfinv", attrs: { T: { type: 1 } } }),
  );
  const e = await refusal(flexModel("FlexErfinv", options, "float32"));
  ok(e instanceof UnsupportedError && /FlexErfinv/.test(e.message), e.message);
});

Deno.test("BiasAdd runs as ADD in NHWC and is refused in NCHW", async () => {
  const b = new GraphBuilder();
  const x = b.input("x", "float32", [1, 2, 2, 3]);
  const bias = b.constant("bias", "float32", [3], new Float32Array([10, 20, 30]));
  const nodeDef = (format: string) =>
    encodeFlexOptions(
      "BiasAdd",
      encodeNodeDef({ op: "BiasAdd", attrs: { T: { type: 1 }, data_format: { s: format } } }),
    );
  const [y] = b.op("CUSTOM", [x, bias], [{ name: "y", dtype: "float32", shape: [1, 2, 2, 3] }], {
    customCode: "FlexBiasAdd",
    customOptions: nodeDef("NHWC"),
  });
  b.output(y);
  const session = await createSession(await loadModel(writeModel(b.build())), { backend: "cpu" });
  const [out] = await session.run([{
    dtype: "float32",
    shape: [1, 2, 2, 3],
    data: new Float32Array(12).fill(1),
  }]);
  session.dispose();
  deepStrictEqual([...out.data as Float32Array], [11, 21, 31, 11, 21, 31, 11, 21, 31, 11, 21, 31]);
  const nchw = new GraphBuilder();
  const xi = nchw.input("x", "float32", [1, 3, 2, 2]);
  const bi = nchw.constant("bias", "float32", [3], new Float32Array([1, 2, 3]));
  const [yo] = nchw.op("CUSTOM", [xi, bi], [{ name: "y", dtype: "float32", shape: [1, 3, 2, 2] }], {
    customCode: "FlexBiasAdd",
    customOptions: nodeDef("NCHW"),
  });
  nchw.output(yo);
  const refused = await refusal(writeModel(nchw.build()));
  ok(
    refused instanceof UnsupportedError && /FlexBiasAdd: data_format NCHW/.test(refused.message),
    refused.message,
  );
});

Deno.test("8-bit quantization leaves Flex nodes in float, their T being float32", async () => {
  const { quantizeModel, randomInputSets } = await import("../../engine/quantize/measure.ts");
  const model = await loadModel(new URL("tflite_testdata__multi_add_flex.tflite", OPS));
  const g = model.subgraphs[0];
  const calibration = randomInputSets(g.inputs.map((t) => g.tensors[t]), 3, 1);
  const { report } = await quantizeModel(model, { calibration, scheme: "int8" });
  deepStrictEqual(report.floatNodes.map((n) => n.op), ["FlexAddV2", "FlexAddV2", "FlexAddV2"]);
  ok(report.outputs.every((o) => o.relativeError === 0), JSON.stringify(report.outputs));
});
