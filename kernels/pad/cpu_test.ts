import { deepStrictEqual, ok } from "node:assert";
import type { Graph, Tensor } from "../../core/ir.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { seededRandom } from "../../core/random.ts";
import { CpuExecutor } from "../../engine/backends/cpu/executor.ts";
import { ReferenceExecutor } from "../../engine/backends/reference/executor.ts";
import { applyPasses } from "../../engine/passes/mod.ts";
import { kernelFor } from "../registry.ts";

const r = seededRandom(5);
const f32 = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer);

/**
 * x [1,5,4,6] -> PAD (H 1/0, W 0/2, C 3/5) -> ADD(y, RELU6) -> PRELU(per channel): BlazeFace's
 * channel-padded shortcut, with spatial padding too; ADD and PRELU become PAD's epilogue.
 */
function shortcut(): { graph: Graph; inputs: HostTensor[] } {
  const out = [1, 6, 6, 14];
  const n = 6 * 6 * 14;
  const paddings = new Int32Array([0, 0, 1, 0, 0, 2, 3, 5]);
  const tensors: Tensor[] = [
    { name: "x", dtype: "float32", shape: [1, 5, 4, 6] },
    { name: "paddings", dtype: "int32", shape: [4, 2], data: bytes(paddings) },
    { name: "padded", dtype: "float32", shape: out },
    { name: "y", dtype: "float32", shape: out },
    { name: "sum", dtype: "float32", shape: out },
    { name: "slopes", dtype: "float32", shape: [1, 1, 14], data: bytes(f32(14)) },
    { name: "out", dtype: "float32", shape: out },
  ];
  const graph: Graph = {
    name: "shortcut",
    tensors,
    nodes: [
      { op: "PAD", version: 1, inputs: [0, 1], outputs: [2], options: {} },
      {
        op: "ADD",
        version: 1,
        inputs: [3, 2],
        outputs: [4],
        options: { fusedActivationFunction: "RELU6" },
      },
      { op: "PRELU", version: 1, inputs: [4, 5], outputs: [6], options: {} },
    ],
    inputs: [0, 3],
    outputs: [6],
  };
  const x = Float32Array.from(f32(120), (v) => v * 8);
  return {
    graph,
    inputs: [
      { dtype: "float32", shape: [1, 5, 4, 6], data: x },
      { dtype: "float32", shape: out, data: Float32Array.from(f32(n), (v) => v * 8) },
    ],
  };
}

Deno.test("cpu PAD applies its fused residual ADD and PRELU in the pixel copies, as the reference computes them", async () => {
  const { graph, inputs } = shortcut();
  const fused = applyPasses(buildExecGraph(graph, kernelFor)).graph;
  deepStrictEqual(fused.nodes.map((n) => `${n.op}:${n.epilogue.map((s) => s.op)}`), [
    "PAD:ADD,PRELU",
  ]);
  const [want] = new ReferenceExecutor(fused).run(inputs);
  for (const threads of [1, 2]) {
    const cpu = await CpuExecutor.create(fused, { threads });
    try {
      ok(cpu.placement.every((p) => p.backend === "cpu-fast"));
      const [got] = await cpu.run(inputs);
      const w = want.data as Float32Array, g = got.data as Float32Array;
      const bad = [...w.keys()].filter((i) =>
        !(Math.abs(g[i] - w[i]) <= 1e-6 * (1 + Math.abs(w[i])))
      );
      deepStrictEqual(
        bad.slice(0, 5).map((i) => `${i}: ${g[i]} vs ${w[i]}`),
        [],
        `${threads} threads`,
      );
    } finally {
      cpu.dispose();
    }
  }
});
