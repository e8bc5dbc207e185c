/**
 * Benchmarks of the fast CPU backend: conv/depthwise/fully-connected kernels (one node each) and
 * whole networks, on one thread and on all of them.
 *
 * ```sh
 * deno bench -A bench/cpu_bench.ts                 # Deno.bench table
 * deno run -A bench/cpu_bench.ts --report          # GFLOP/s table (median of 30 runs)
 * ```
 *
 * @module
 */
import type { Graph, Model, NodeOptions, Tensor } from "../core/ir.ts";
import { numElements } from "../core/ir.ts";
import { buildExecGraph, type ExecGraph } from "../core/exec_graph.ts";
import { CpuExecutor } from "../engine/backends/cpu/executor.ts";
import { kernelFor } from "../kernels/registry.ts";
import type { HostTensor } from "../core/kernel.ts";
import { readModelFile } from "../format/tflite/mod.ts";
import { mobilenetV2 } from "../models/mod.ts";

/** One benchmarked graph. */
interface Case {
  name: string;
  graph: ExecGraph;
  flops: number;
}

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed));
}

function oneNode(op: string, x: number[], w: number[], options: NodeOptions): ExecGraph {
  const bias = op === "DEPTHWISE_CONV_2D" ? w[3] : w[0];
  const tensors: Tensor[] = [
    { name: "x", dtype: "float32", shape: x },
    {
      name: "w",
      dtype: "float32",
      shape: w,
      data: new Uint8Array(values(numElements(w), 1).buffer),
    },
    { name: "b", dtype: "float32", shape: [bias], data: new Uint8Array(values(bias, 2).buffer) },
    { name: "y", dtype: "float32", shape: [] },
  ];
  const g: Graph = {
    name: op,
    tensors,
    nodes: [{ op, version: 1, inputs: [0, 1, 2], outputs: [3], options }],
    inputs: [0],
    outputs: [3],
  };
  return buildExecGraph(g, kernelFor);
}

function macs(g: ExecGraph): number {
  let n = 0;
  for (const node of g.nodes) {
    const out = numElements(g.tensors[node.outputs[0]].shape);
    const w = g.tensors[node.inputs[1]]?.shape ?? [];
    if (node.op === "CONV_2D") n += out * w[1] * w[2] * w[3];
    else if (node.op === "DEPTHWISE_CONV_2D") n += out * w[1] * w[2];
    else if (node.op === "FULLY_CONNECTED") n += out * w[1];
  }
  return n;
}

const same = { padding: "SAME", strideW: 1, strideH: 1, fusedActivationFunction: "RELU6" };
const kernels: [string, string, number[], number[], NodeOptions][] = [
  ["conv 1x1 56x56 64->128", "CONV_2D", [1, 56, 56, 64], [128, 1, 1, 64], same],
  ["conv 1x1 14x14 576->160", "CONV_2D", [1, 14, 14, 576], [160, 1, 1, 576], same],
  ["conv 3x3 s2 224x224 3->32", "CONV_2D", [1, 224, 224, 3], [32, 3, 3, 3], {
    ...same,
    strideW: 2,
    strideH: 2,
  }],
  ["conv 3x3 56x56 64->64", "CONV_2D", [1, 56, 56, 64], [64, 3, 3, 64], same],
  ["depthwise 3x3 112x112x96 s2", "DEPTHWISE_CONV_2D", [1, 112, 112, 96], [1, 3, 3, 96], {
    ...same,
    strideW: 2,
    strideH: 2,
  }],
  ["depthwise 3x3 28x28x192", "DEPTHWISE_CONV_2D", [1, 28, 28, 192], [1, 3, 3, 192], same],
  ["fully connected 1280->1001", "FULLY_CONNECTED", [1, 1280], [1001, 1280], {}],
];

const cases: Case[] = kernels.map(([name, op, x, w, o]) => {
  const graph = oneNode(op, x, w, o);
  return { name, graph, flops: 2 * macs(graph) };
});
function network(name: string, model: Model): Case {
  const graph = buildExecGraph(model.subgraphs[0], kernelFor);
  return { name, graph, flops: 2 * macs(graph) };
}
cases.push(network("MobileNet v2 1.0 224 (built)", mobilenetV2()));
try {
  cases.push(network(
    "mobilenet_v1_0.25_224.tflite",
    await readModelFile(
      new URL("../../shared/models/networks/mobilenet_v1_0.25_224.tflite", import.meta.url),
    ),
  ));
} catch (e) {
  console.warn(`Skipping mobilenet_v1_0.25_224.tflite: ${(e as Error).message}`);
}

try {
  const q = await readModelFile(
    new URL("../../shared/models/quantized/mobilenet_v2_1.0_224_quant.tflite", import.meta.url),
  );
  const graph = buildExecGraph(q.subgraphs[0], kernelFor);
  cases.push({ name: "mobilenet_v2_1.0_224_quant.tflite (uint8)", graph, flops: 2 * macs(graph) });
} catch (e) {
  console.warn(`Skipping mobilenet_v2_1.0_224_quant.tflite: ${(e as Error).message}`);
}

const all = navigator.hardwareConcurrency ?? 1;
const threadCounts = [...new Set([1, all])];
const executors: CpuExecutor[] = [];
addEventListener("unload", () => executors.forEach((e) => e.dispose()));

function inputsOf(g: ExecGraph): HostTensor[] {
  return g.inputs.map((t, i) => {
    const { dtype, shape } = g.tensors[t];
    const v = values(numElements(shape), 3 + i);
    const data = dtype === "uint8" ? Uint8Array.from(v, (x) => 128 + 100 * x) : v;
    return { dtype, shape, data };
  });
}

if (Deno.args.includes("--report")) {
  console.log("| case | threads | run ms (with I/O) | nodes ms | GFLOP/s (nodes) |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const c of cases) {
    for (const threads of threadCounts) {
      const ex = await CpuExecutor.create(c.graph, { threads });
      const x = inputsOf(c.graph);
      for (let i = 0; i < 5; i++) ex.runSync(x);
      const ts: number[] = [], ks: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        ex.runSync(x);
        ts.push(performance.now() - t0);
        ks.push(ex.profile(x).reduce((a, p) => a + p.ms, 0));
      }
      ex.dispose();
      const median = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1];
      const ms = median(ts), kms = median(ks);
      console.log(
        `| ${c.name} | ${threads} | ${ms.toFixed(3)} | ${kms.toFixed(3)} | ${
          (c.flops / kms / 1e6).toFixed(1)
        } |`,
      );
    }
  }
} else {
  for (const c of cases) {
    for (const threads of threadCounts) {
      const ex = await CpuExecutor.create(c.graph, { threads });
      executors.push(ex);
      const x = inputsOf(c.graph);
      Deno.bench({
        name: `${c.name}, ${threads} thread${threads > 1 ? "s" : ""}`,
        group: c.name,
        baseline: threads === 1,
        fn() {
          ex.runSync(x);
        },
      });
    }
  }
}
