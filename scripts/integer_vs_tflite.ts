/**
 * The integer single-op models of `../shared/models/ops/` (16x8 BATCH_MATMUL, int8/int16 RSQRT,
 * int8 SVDF, integer LSTM) on gpulite's integer reference and on two TFLite peers with the same
 * seeded inputs: LiteRT.js Wasm (its quantized inputs and outputs wrapped in QUANTIZE/DEQUANTIZE,
 * since it exchanges no int16 tensors; it refuses variable tensors) and TFLite's classic
 * interpreter (`peers/tflite_interpreter.ts`). Prints, per file and peer, the largest difference
 * of each output in steps of its quantization (LSB).
 *
 * Some rows change the file the same way on every side, to make a comparison possible or
 * telling: an SVDF state of the size TFLite's Prepare requires, a symmetric LSTM hidden state
 * (the files' -128 makes TFLite's projection path clamp every positive hidden value), the
 * intermediate BATCH_MATMUL outputs as graph outputs.
 *
 * ```sh
 * deno run -A scripts/integer_vs_tflite.ts
 * ```
 *
 * @module
 */
import type { Graph, Model, Node } from "../core/ir.ts";
import type { HostTensor } from "../core/kernel.ts";
import { seededRandom } from "../core/random.ts";
import { buildExecGraph } from "../core/exec_graph.ts";
import { kernelFor } from "../kernels/registry.ts";
import { readModel, writeModel } from "../format/tflite/mod.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import { runLitert } from "../peers/litert.ts";
import { type InterpreterData, runTfliteInterpreter } from "../peers/tflite_interpreter.ts";

const OPS = new URL("../../shared/models/ops/", import.meta.url);
const QUANTIZED = ["int8", "uint8", "int16"];

/** One comparison: a file, how to fill its inputs (as quantized values or floats), edits. */
interface Row {
  file: string;
  label?: string;
  /** Input values from a uniform draw `u` in [0, 1): a number per element. */
  value: (u: number) => number;
  edit?: (g: Graph) => void;
  runs?: number;
}

const int16 = (range: number) => (u: number) => Math.round((u * 2 - 1) * 32767 * range);
const hiddenSymmetric = (g: Graph) => {
  for (const n of g.nodes) {
    const h = n.intermediates?.[4];
    if (h !== undefined) g.tensors[h].quantization!.zeroPoint = [0];
  }
};
const svdfState = (g: Graph) => {
  g.tensors[4].shape = [1, 42];
  const q = g.tensors[5].quantization!;
  g.tensors[5].quantization = { scale: [q.scale[0] / 16], zeroPoint: [0], quantizedDimension: 0 };
};
const lstmInput = (u: number) => u * 1.2 - 0.2;

const ROWS: Row[] = [
  { file: "litert_test__matmul_quant.tflite", value: int16(0.01) },
  {
    file: "litert_test__matmul_quant.tflite",
    label: "both BATCH_MATMUL outputs",
    value: int16(0.003),
    edit: (g) => (g.outputs = [4, 6]),
  },
  ...["q", "k", "v", "attn_vec"].map((n) => ({
    file: `litert_test__static_w8_a16_quantized_${n}_einsum.tflite`,
    value: int16(0.3),
  })),
  { file: "litert_test__single_rsqrt_default_a8w8_recipe_quantized.tflite", value: (u) => u },
  {
    file: "litert_test__single_rsqrt_default_a16w8_recipe_quantized.tflite",
    value: (u) => Math.floor(u * 32768),
  },
  { file: "quant_testdata__svdf_quantized.tflite", value: (u) => u },
  {
    file: "quant_testdata__svdf_quantized.tflite",
    label: "state [1, 42], output scale / 16 and zero point 0",
    value: (u) => u,
    edit: svdfState,
  },
  ...[
    "lstm_quantized",
    "lstm_quantized2",
    "unidirectional_sequence_lstm_quantized",
  ].flatMap((n) => [
    { file: `quant_testdata__${n}.tflite`, value: lstmInput, runs: 20 },
    {
      file: `quant_testdata__${n}.tflite`,
      label: "hidden zero point 0",
      value: lstmInput,
      edit: hiddenSymmetric,
      runs: 20,
    },
  ]),
];

/** Quantized graph inputs and outputs behind QUANTIZE/DEQUANTIZE, so that only floats cross. */
function floatIo(model: Model): Model {
  const g = model.subgraphs[0];
  model.signatures = [];
  const before: Node[] = [], after: Node[] = [];
  const wrap = (t: number, input: boolean) => {
    const s = g.tensors[t];
    if (!QUANTIZED.includes(s.dtype)) return t;
    const f = g.tensors.push({ name: `${s.name}_float`, dtype: "float32", shape: [...s.shape] }) -
      1;
    const node = { op: input ? "QUANTIZE" : "DEQUANTIZE", version: 2, options: {} };
    if (input) before.push({ ...node, inputs: [f], outputs: [t] });
    else after.push({ ...node, inputs: [t], outputs: [f] });
    return f;
  };
  g.inputs = g.inputs.map((t) => wrap(t, true));
  g.outputs = g.outputs.map((t) => wrap(t, false));
  g.nodes = [...before, ...g.nodes, ...after];
  return model;
}

function maxLsb(a: ArrayLike<number>, b: ArrayLike<number>, lsb: number): number {
  let m = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    m = Math.max(m, Math.abs(Number(a[i]) - Number(b[i])) / lsb);
  }
  return Math.round(m * 1000) / 1000;
}

function dequantized(t: HostTensor): number[] {
  const q = t.quantization;
  return Array.from(
    t.data as ArrayLike<number>,
    (v) => q ? (Number(v) - (q.zeroPoint[0] ?? 0)) * q.scale[0] : Number(v),
  );
}

async function compare(row: Row): Promise<string[]> {
  const model = readModel(await Deno.readFile(new URL(row.file, OPS)));
  const g = model.subgraphs[0];
  for (const t of g.inputs) g.tensors[t].shape = g.tensors[t].shape.map((d) => (d < 0 ? 1 : d));
  row.edit?.(g);
  // TFLite refuses a tensor of shape [-1] at load, read or not (lstm_quantized2 has one).
  for (const [i, t] of g.tensors.entries()) {
    if (!g.inputs.includes(i) && t.shape.some((d) => d < 0)) t.shape = [0];
  }
  const bytes = writeModel(model);
  let exec;
  try {
    exec = buildExecGraph(readModel(bytes).subgraphs[0], kernelFor);
  } catch (e) {
    return [`gpulite refuses it: ${(e as Error).message.split("\n")[0]}`];
  }
  for (const t of g.outputs) g.tensors[t].shape = [...exec.tensors[t].shape];
  const litertBytes = writeModel(floatIo(readModel(writeModel(model))));
  const r = seededRandom(7);
  const worst = { litert: 0, interpreter: 0 };
  const errors: Record<string, string> = {};
  for (let run = 0; run < (row.runs ?? 3); run++) {
    const inputs: HostTensor[] = g.inputs.map((t) => {
      const s = exec.tensors[t];
      const n = s.shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, () => row.value(r()));
      const data = s.dtype === "int16"
        ? Int16Array.from(values)
        : s.dtype === "int8"
        ? Int8Array.from(values, (u) => Math.floor(u * 256) - 128)
        : Float32Array.from(values);
      return { dtype: s.dtype, shape: s.shape, quantization: s.quantization, data };
    });
    const ours = new ReferenceExecutor(exec).run(inputs);
    const lsb = ours.map((o, i) =>
      o.quantization?.scale[0] ?? lsbBehindDequantize(g, g.outputs[i]) ?? 1
    );
    try {
      const lit = await runLitert(
        litertBytes,
        inputs.map((x) => ({ data: Float32Array.from(dequantized(x)), shape: x.shape })),
        { accelerator: "wasm", runs: 1, warmup: 0 },
      );
      ours.forEach((o, i) => {
        worst.litert = Math.max(worst.litert, maxLsb(dequantized(o), lit.outputs[i].data, lsb[i]));
      });
    } catch (e) {
      errors.litert = oneLine(e);
    }
    try {
      const theirs = await runTfliteInterpreter(
        bytes,
        inputs.map((x) => x.data as InterpreterData),
      );
      ours.forEach((o, i) => {
        const q = o.quantization ? 1 : lsb[i];
        worst.interpreter = Math.max(worst.interpreter, maxLsb(o.data as never, theirs[i].data, q));
      });
    } catch (e) {
      errors.interpreter = oneLine(e);
    }
  }
  return (["litert", "interpreter"] as const).map((p) =>
    `${p === "litert" ? "LiteRT.js" : "TFLite interpreter"}: ${
      errors[p] ?? `max ${worst[p]} LSB over ${row.runs ?? 3} runs`
    }`
  );
}

/** The LSB of a float output that a DEQUANTIZE makes of a quantized tensor. */
function lsbBehindDequantize(g: Graph, out: number): number | undefined {
  const producer = g.nodes.find((n) => n.outputs.includes(out));
  return producer?.op === "DEQUANTIZE"
    ? g.tensors[producer.inputs[0]].quantization?.scale[0]
    : undefined;
}

function oneLine(e: unknown): string {
  const lines = String((e as Error).message ?? e).split("\n").map((l) => l.trim()).filter(Boolean);
  return `refused (${lines.at(-1)})`;
}

if (import.meta.main) {
  for (const row of ROWS) {
    const results = await compare(row);
    console.log(`${row.file}${row.label ? ` (${row.label})` : ""}\n  ${results.join("\n  ")}`);
  }
}
