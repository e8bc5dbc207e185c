import { deepStrictEqual, ok } from "node:assert";
import { readModel } from "../../format/tflite/mod.ts";
import type { Graph } from "../../core/ir.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { kernelFor } from "../registry.ts";
import { ReferenceExecutor } from "../../engine/backends/reference/executor.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { runLstm } from "./lstm.ts";
import type { LstmOptions } from "./lstm.ts";

const OPS = new URL("../../../shared/models/ops/", import.meta.url);

function load(file: string): Graph {
  return readModel(Deno.readFileSync(new URL(file, OPS))).subgraphs[0];
}

/**
 * The file with its hidden intermediate made symmetric (zero point 0). As shipped, the files'
 * hidden zero point -128 makes TFLite's projection path (which adds -zero_point) clamp every
 * positive hidden value, so their outputs hardly depend on the input.
 */
function symmetricHidden(file: string): Graph {
  const g = load(file);
  for (const n of g.nodes) {
    const h = n.intermediates?.[4];
    if (h !== undefined) g.tensors[h].quantization!.zeroPoint = [0];
  }
  return g;
}

function run(g: Graph, x: number[]): number[] {
  const e = buildExecGraph(g, kernelFor);
  const shape = e.tensors[g.inputs[0]].shape;
  const input: HostTensor = { dtype: "float32", shape, data: new Float32Array(x) };
  return [...new ReferenceExecutor(e).run([input])[0].data as Float32Array];
}

// Outputs of TensorFlow Lite's interpreter (the Wasm build of @tensorflow/tfjs-tflite
// 0.0.1-alpha.10) on the same files, hidden zero point set to 0 the same way.
const TFLITE: [string, number[], number[]][] = [
  ["quant_testdata__lstm_quantized.tflite", [0.1, 0.2], [0.4096335470676422, 0.38024279475212097]],
  ["quant_testdata__lstm_quantized.tflite", [0.25, -0.05], [
    0.4188181459903717,
    0.28288593888282776,
  ]],
  ["quant_testdata__lstm_quantized2.tflite", [0, 0], [0.4518826901912689, 0.4041227400302887]],
  ["quant_testdata__lstm_quantized2.tflite", [0.03, 0], [0.4592303931713104, 0.40044888854026794]],
  ["quant_testdata__unidirectional_sequence_lstm_quantized.tflite", [0.1, 0.2, 0.3, 0.4], [
    0.43290460109710693,
    0.4260331094264984,
    0.49245762825012207,
    0.31608906388282776,
  ]],
  ["quant_testdata__unidirectional_sequence_lstm_quantized.tflite", [0.6, -0.1, 0.05, 0.9], [
    0.4672621190547943,
    0.26569807529449463,
    0.4718431234359741,
    0.4145806133747101,
  ]],
];

Deno.test("integer LSTM and UNIDIRECTIONAL_SEQUENCE_LSTM give TFLite's outputs bit for bit", () => {
  for (const [file, x, want] of TFLITE) {
    deepStrictEqual(run(symmetricHidden(file), x), want, `${file} at [${x}]`);
  }
});

Deno.test("integer LSTM without projection stays within one hidden step of the float LSTM of its dequantized tensors", () => {
  // lstm_quantized2: peephole, no layer norm, no projection. Its output is the hidden state in the
  // hidden intermediate's scale and zero point (the output tensor declares another scale).
  const g = load("quant_testdata__lstm_quantized2.tflite");
  const e = buildExecGraph(g, kernelFor);
  const node = e.nodes.find((n) => n.op === "LSTM")!;
  const hidden = e.tensors[g.nodes[1].intermediates![4]].quantization!;
  const deq = (t: HostTensor | undefined): HostTensor | undefined => {
    const q = t?.quantization;
    if (!t || !q) return t;
    const data = Float32Array.from(
      t.data as ArrayLike<number>,
      (v) => (Number(v) - q.zeroPoint[0]) * q.scale[0],
    );
    return { dtype: "float32", shape: t.shape, data };
  };
  for (const x of [[0.01, 0.02], [0.1, 0.05], [0.2, 0.3]]) {
    const values = new ReferenceExecutor(e).run([
      { dtype: "float32", shape: [1, 2], data: new Float32Array(x) },
    ], { keep: true }).allValues!;
    const ins = node.inputs.map((t) => t < 0 ? undefined : values.get(t) ?? e.tensors[t].value);
    const float = runLstm(ins.map(deq), node.options as LstmOptions, {
      batch: 1,
      steps: 1,
      row: (b) => b,
    });
    const q = values.get(node.outputs[0])!.data;
    float.forEach((v, k) => {
      const want = Math.min(127, Math.round(v / hidden.scale[0]) + hidden.zeroPoint[0]);
      ok(Math.abs(Number(q[k]) - want) <= 1, `[${x}] cell ${k}: ${q[k]} vs ${want}`);
    });
  }
});
