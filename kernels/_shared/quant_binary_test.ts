import { ok } from "node:assert";
import type { HostTensor } from "../../core/kernel.ts";
import type { Quantization } from "../../core/ir.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { loadModel } from "../../engine/session.ts";
import { kernelFor } from "../registry.ts";
import { addInteger, mulInteger } from "./quant_binary.ts";

const q = (scale: number): Quantization => ({
  scale: [scale],
  zeroPoint: [0],
  quantizedDimension: 0,
});
const i16 = (scale: number, v: number[]): HostTensor => ({
  dtype: "int16",
  shape: [v.length],
  quantization: q(scale),
  data: new Int16Array(v),
});

Deno.test("int16 MUL and ADD round to the nearest representable real result", () => {
  const a = i16(1e-4, [30000, -12345, 777, 1]);
  const b = i16(2e-4, [-20000, 9999, 3, 32767]);
  const out = i16(3e-4, [0, 0, 0, 0]);
  const [m] = mulInteger.reference({
    inputs: [a, b],
    options: { activation: "NONE" },
    outputs: [out],
  });
  const [s] = addInteger.reference({
    inputs: [a, b],
    options: { activation: "NONE" },
    outputs: [out],
  });
  for (let i = 0; i < 4; i++) {
    const x = Number(a.data[i]) * 1e-4, y = Number(b.data[i]) * 2e-4;
    const wantM = Math.max(-32768, Math.min(32767, Math.round((x * y) / 3e-4)));
    const wantS = Math.max(-32768, Math.min(32767, Math.round((x + y) / 3e-4)));
    ok(Math.abs(Number(m.data[i]) - wantM) <= 1, `MUL ${i}: ${m.data[i]} vs ${wantM}`);
    ok(Math.abs(Number(s.data[i]) - wantS) <= 1, `ADD ${i}: ${s.data[i]} vs ${wantS}`);
  }
});

Deno.test("int16 MUL and ADD of LiteRT's 16x8 test model bind in integer mode", async () => {
  const url = new URL(
    "../../../shared/models/ops/litert_test__simple_quantized_ops.tflite",
    import.meta.url,
  );
  const g = buildExecGraph((await loadModel(url)).subgraphs[0], kernelFor);
  ok(g.nodes.every((n) => n.quant), "every node runs on its integer reference");
});
