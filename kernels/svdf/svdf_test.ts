import { deepStrictEqual, ok, throws } from "node:assert";
import type { HostTensor } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { assertHostCasesConform } from "../_shared/host_op_testing.ts";
import { svdf, svdfStep } from "./mod.ts";

const f = (shape: number[], v: ArrayLike<number>): HostTensor => ({
  dtype: "float32",
  shape,
  data: Float32Array.from(v),
});

// TensorFlow Lite's SVDF black-box test data (batches 2, units 4, input 3, memory 10, rank 1):
// ten steps, the state carried from one to the next.
const INPUT = [
  0.12609188,
  -0.46347019,
  -0.89598465,
  0.35867718,
  0.36897406,
  0.73463392,
  0.14278367,
  -1.64410412,
  -0.75222826,
  -0.57290924,
  0.12729003,
  0.7567004,
  0.49837467,
  0.19278903,
  0.26584083,
  0.17660543,
  0.52949083,
  -0.77931279,
  -0.11186574,
  0.13164264,
  -0.05349274,
  -0.72674477,
  -0.5683046,
  0.55900657,
  -0.68892461,
  0.37783599,
  0.18263303,
  -0.63690937,
  0.44483393,
  -0.71817774,
  -0.81299269,
  -0.86831826,
  1.43940818,
  -0.95760226,
  1.82078898,
  0.71135032,
  -1.45006323,
  -0.82251364,
  -1.69082689,
  -1.65087092,
  -1.89238167,
  1.54172635,
  0.03966608,
  -0.24936394,
  -0.77526885,
  2.06740379,
  -1.51439476,
  1.43768692,
  0.11771342,
  -0.23761693,
  -0.65898693,
  0.31088525,
  -1.55601168,
  -0.87661445,
  -0.89477462,
  1.67204106,
  -0.53235275,
  -0.6230064,
  0.29819036,
  1.06939757,
];
const FEATURE = [
  -0.31930989,
  -0.36118156,
  0.0079667,
  0.37613347,
  0.22197971,
  0.12416199,
  0.27901134,
  0.27557442,
  0.3905206,
  -0.36137494,
  -0.06634006,
  -0.10640851,
];
const TIME = [
  -0.31930989,
  0.37613347,
  0.27901134,
  -0.36137494,
  -0.36118156,
  0.22197971,
  0.27557442,
  -0.06634006,
  0.0079667,
  0.12416199,
  0.3905206,
  -0.10640851,
  -0.0976817,
  0.15294972,
  0.39635518,
  -0.02702999,
  0.39296314,
  0.15785322,
  0.21931258,
  0.31053296,
  -0.36916667,
  0.38031587,
  -0.21580373,
  0.27072677,
  0.23622236,
  0.34936687,
  0.18174365,
  0.35907319,
  -0.17493086,
  0.324846,
  -0.10781813,
  0.27201805,
  0.14324132,
  -0.23681851,
  -0.27115166,
  -0.01580888,
  -0.14943552,
  0.15465137,
  0.09784451,
  -0.0337657,
];
const GOLDEN = [
  0.014899,
  -0.0517661,
  -0.143725,
  -0.00271883,
  -0.03004015,
  0.09565311,
  0.1587342,
  0.00784263,
  0.068281,
  -0.162217,
  -0.152268,
  0.00323521,
  0.01582633,
  0.03858774,
  -0.03001583,
  -0.02671271,
  -0.0317821,
  -0.0333089,
  0.0609602,
  0.0333759,
  -0.01432795,
  0.05524484,
  0.1101355,
  -0.02382665,
  -0.00623099,
  -0.077701,
  -0.391193,
  -0.0136691,
  -0.02333033,
  0.02293761,
  0.12338032,
  0.04326871,
  0.201551,
  -0.164607,
  -0.179462,
  -0.0592739,
  0.01064911,
  -0.17503069,
  0.07821996,
  -0.00224009,
  0.0886511,
  -0.0875401,
  -0.269283,
  0.0281379,
  -0.02282338,
  0.09741908,
  0.32973239,
  0.12281385,
  -0.201174,
  -0.586145,
  -0.628624,
  -0.0330412,
  0.24780814,
  -0.39304617,
  -0.22473189,
  0.02589256,
  -0.0839096,
  -0.299329,
  0.108746,
  0.109808,
  0.10084175,
  -0.06416984,
  0.28936723,
  0.0026358,
  0.419114,
  -0.237824,
  -0.422627,
  0.175115,
  -0.2314795,
  -0.18584411,
  -0.4228974,
  -0.12928449,
  0.36726,
  -0.522303,
  -0.456502,
  -0.175475,
  0.17012937,
  -0.34447709,
  0.38505614,
  -0.28158101,
];

Deno.test("SVDF reproduces TensorFlow Lite's golden outputs over ten steps (rank 1)", () => {
  let state: Float64Array = new Float64Array(2 * 4 * 10);
  for (let t = 0; t < 10; t++) {
    const inputs = [
      f([2, 3], INPUT.slice(t * 6, t * 6 + 6)),
      f([4, 3], FEATURE),
      f([4, 10], TIME),
      undefined,
      f([2, 40], state),
    ];
    const step = svdfStep(inputs, { rank: 1, activation: "NONE" });
    step.output.forEach((v, i) => {
      const g = GOLDEN[t * 8 + i];
      ok(Math.abs(v - g) < 1e-5, `step ${t} output ${i}: ${v} != ${g}`);
    });
    state = step.state;
  }
});

Deno.test("SVDF refuses a state of the wrong size, as LiteRT's calibration test file has", () => {
  const inputs = [
    { dtype: "float32" as const, shape: [1, 4] },
    { dtype: "float32" as const, shape: [6, 4] },
    { dtype: "float32" as const, shape: [6, 7] },
    { dtype: "float32" as const, shape: [6] },
    { dtype: "float32" as const, shape: [1, 9] },
  ];
  throws(
    () => svdf.parse({ options: { rank: 1 }, inputs }),
    (e: unknown) => e instanceof OpError && /state/.test(e.message),
  );
});

Deno.test("SVDF cases run through the .tflite loader and match the reference", async () => {
  await assertHostCasesConform(svdf);
});

Deno.test("integer SVDF gives TFLite's outputs on LiteRT's quantized SVDF with a consistent state", async () => {
  // The file's state is [1, 9] where TFLite's Prepare needs [1, memory x filters] = [1, 42]: made
  // so, with a finer, zero-centred output scale so that results do not saturate. Expected values
  // are TensorFlow Lite's interpreter's (Wasm build of @tensorflow/tfjs-tflite 0.0.1-alpha.10).
  const { readModel } = await import("../../format/tflite/mod.ts");
  const { buildExecGraph } = await import("../../core/exec_graph.ts");
  const { kernelFor } = await import("../registry.ts");
  const { ReferenceExecutor } = await import("../../engine/backends/reference/executor.ts");
  const file = new URL(
    "../../../shared/models/ops/quant_testdata__svdf_quantized.tflite",
    import.meta.url,
  );
  const g = readModel(Deno.readFileSync(file)).subgraphs[0];
  g.tensors[4].shape = [1, 42];
  const q = g.tensors[5].quantization!;
  g.tensors[5].quantization = { scale: [q.scale[0] / 16], zeroPoint: [0], quantizedDimension: 0 };
  const e = buildExecGraph(g, kernelFor);
  const cases: [number[], number[]][] = [
    [[-128, 0, 127, 50], [19, 34, 19, 34, 19, 34]],
    [[10, -20, 30, -40], [16, 28, 16, 28, 16, 28]],
    [[127, 127, -128, -1], [21, 39, 21, 39, 21, 39]],
  ];
  for (const [x, want] of cases) {
    const input = { dtype: "int8" as const, shape: [1, 4], data: Int8Array.from(x) };
    const [y] = new ReferenceExecutor(e).run([input]);
    deepStrictEqual([...y.data], want, `[${x}]`);
  }
});
