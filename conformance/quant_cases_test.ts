import { deepStrictEqual as assertEquals, ok as assert } from "node:assert";
import { KERNELS } from "../kernels/registry.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import { materializeInputs, runCase } from "./harness.ts";
import { loaderGraph } from "./loader_graph.ts";
import { QUANT_PRECISIONS, quantCases } from "./quant_cases.ts";
import { QUANT_GPU_LSB } from "./tolerances.ts";
import { testDevice } from "./testing.ts";

const withCases = KERNELS.filter((k) => quantCases(k.name, "int8").length > 0);

Deno.test("quantCases() covers the ops of the real 8-bit networks in both dtypes", () => {
  const ops = withCases.map((k) => k.name);
  for (const op of ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "SOFTMAX", "MEAN"]) {
    assert(ops.includes(op), `${op} has no 8-bit cases`);
    assert(quantCases(op, "uint8").length > 0, `${op} has no uint8 cases`);
  }
});

Deno.test("int8 weights are per channel and uint8 weights per tensor", () => {
  for (const op of ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"]) {
    for (const c of quantCases(op, "int8")) {
      const w = c.inputs[1]!;
      assertEquals(w.quantization!.scale.length, w.shape[w.quantization!.quantizedDimension]);
      assert(w.quantization!.zeroPoint.every((z) => z === 0), "int8 weights are symmetric");
    }
    for (const c of quantCases(op, "uint8")) {
      assertEquals(c.inputs[1]!.quantization!.scale.length, 1);
    }
  }
});

Deno.test("the 8-bit cases use the edge zero points of both dtypes", () => {
  const zeroPoints = (dtype: "uint8" | "int8") =>
    new Set(
      withCases.flatMap((k) => quantCases(k.name, dtype))
        .flatMap((c) => c.inputs.filter((i) => i?.dtype === dtype))
        .map((i) => i!.quantization?.zeroPoint[0]),
    );
  for (const z of [0, 255]) assert(zeroPoints("uint8").has(z), `uint8 zero point ${z}`);
  for (const z of [-128, 127]) assert(zeroPoints("int8").has(z), `int8 zero point ${z}`);
});

Deno.test("weighted and binary 8-bit cases saturate at both ends of the output range", () => {
  for (const dtype of QUANT_PRECISIONS) {
    const [lo, hi] = dtype === "uint8" ? [0, 255] : [-128, 127];
    for (const op of ["CONV_2D", "MUL"]) {
      const k = KERNELS.find((x) => x.name === op)!;
      const hits = quantCases(op, dtype).flatMap((c) => {
        const values = materializeInputs(c, 1);
        const g = loaderGraph(k, c, values);
        const feed = g.inputs.map((t) => values[g.nodes[0].inputs.indexOf(t)]!);
        return [...new ReferenceExecutor(g).run(feed)[0].data as Int8Array];
      });
      assert(hits.includes(lo) && hits.includes(hi), `${op} ${dtype} reaches ${lo} and ${hi}`);
    }
  }
});

Deno.test("the cpu backend equals the integer reference on every 8-bit case", async () => {
  const bad: string[] = [];
  const fast = new Set<string>();
  for (const k of withCases) {
    for (const precision of QUANT_PRECISIONS) {
      for (const c of quantCases(k.name, precision)) {
        const r = await runCase(undefined, k, c, {
          precision,
          seed: 1,
          backend: "cpu",
          buildGraph: loaderGraph,
        });
        if (!r.passed || r.maxAbs !== 0) bad.push(`${k.name} ${c.name}: ${r.error ?? r.maxAbs}`);
        if (r.onGpu) fast.add(`${k.name} ${precision}`);
      }
    }
  }
  assertEquals(bad, []);
  // The 8-bit WebAssembly kernels themselves are among what is checked, in both dtypes.
  for (const op of ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "AVERAGE_POOL_2D"]) {
    for (const p of QUANT_PRECISIONS) {
      assert(fast.has(`${op} ${p}`), `${op} ${p} ran no fast kernel`);
    }
  }
});

Deno.test(`the gpu float path stays within ${QUANT_GPU_LSB} LSB of the integer reference`, async () => {
  const ctx = await testDevice();
  const bad: string[] = [];
  let onGpu = 0;
  for (const k of withCases.filter((x) => x.gpu)) {
    for (const precision of QUANT_PRECISIONS) {
      for (const c of quantCases(k.name, precision)) {
        const r = await runCase(ctx, k, c, { precision, seed: 1, buildGraph: loaderGraph });
        if (!r.passed) bad.push(`${k.name} ${c.name}: ${r.error}`);
        if (r.onGpu) onGpu++;
        assert(r.maxAbs <= QUANT_GPU_LSB || !r.passed, `${k.name} ${c.name} passed past the bound`);
      }
    }
  }
  assertEquals(bad, []);
  assert(onGpu > 20, `only ${onGpu} cases ran on the GPU`);
});
