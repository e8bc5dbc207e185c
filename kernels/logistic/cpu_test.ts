import { strictEqual } from "node:assert/strict";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { kernelFor } from "../registry.ts";
import { CpuExecutor } from "../../engine/backends/cpu/executor.ts";

Deno.test("LOGISTIC's SIMD kernel is within 3e-7 of 1 / (1 + exp(-x)) from -120 to 120, infinities and NaN included", async () => {
  const xs = [
    ...Array.from({ length: 4801 }, (_, i) => -120 + i * 0.05),
    Infinity,
    -Infinity,
    NaN,
    -0,
    1e-30,
  ];
  const n = xs.length;
  const graph = buildExecGraph({
    name: "logistic",
    tensors: [
      { name: "x", dtype: "float32", shape: [n] },
      { name: "y", dtype: "float32", shape: [n] },
    ],
    nodes: [{ op: "LOGISTIC", version: 1, inputs: [0], outputs: [1], options: {} }],
    inputs: [0],
    outputs: [1],
  }, kernelFor);
  const x = Float32Array.from(xs);
  const cpu = await CpuExecutor.create(graph, { threads: 2 });
  try {
    strictEqual(cpu.placement[0].backend, "cpu-fast");
    const [y] = await cpu.run([{ dtype: "float32", shape: [n], data: x }]);
    for (let i = 0; i < n; i++) {
      const want = 1 / (1 + Math.exp(-x[i]));
      const got = Number(y.data[i]);
      if (Number.isNaN(want)) strictEqual(Number.isNaN(got), true, `x = ${x[i]}`);
      else if (!(Math.abs(got - want) <= 3e-7)) throw new Error(`x = ${x[i]}: ${got} vs ${want}`);
    }
  } finally {
    cpu.dispose();
  }
});
