import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { buildExecGraph } from "../../../core/exec_graph.ts";
import { kernelFor } from "../../../kernels/registry.ts";
import { buildNetwork } from "../../../models/catalog.ts";
import { decideLayer, fitPredictor, type Predictor, splitCostMs } from "./predictor.ts";
import { layerFeatures } from "./features.ts";
import { errorSummary, fitLinear, leaveOneOut } from "./linear_fit.ts";
import { assignBranches, distributedMs, findBranchModules } from "./branches.ts";
import { planNetwork } from "./plan.ts";

const googlenet = buildExecGraph(buildNetwork("googlenet_tiny").subgraphs[0], kernelFor);

function linear(a: number, cpuSlower = 3, c = 0.001): Predictor {
  return {
    gpu: { all: { a, b: 0, c, n: 9 } },
    cpu: { all: { a: a * cpuSlower, b: 0, c, n: 9 } },
  };
}

Deno.test("fitLinear() recovers exact coefficients and never goes negative", () => {
  const rows = [[1e6, 3e4], [5e6, 1e4], [2e7, 9e5], [3e5, 2e3], [8e6, 4e5]];
  const m = fitLinear(
    rows.map(([f, b]) => ({ flops: f, bytes: b, ms: 2e-7 * f + 3e-6 * b + 0.02 })),
  );
  ok(Math.abs(m.a / 2e-7 - 1) < 1e-6 && Math.abs(m.b / 3e-6 - 1) < 1e-6);
  ok(Math.abs(m.c - 0.02) < 1e-9);
  // Time falling with bytes cannot be modelled with b >= 0: b is dropped, not negative.
  const n = fitLinear(rows.map(([f, b]) => ({ flops: f, bytes: b, ms: 1e-6 * f + 1 - b / 1e6 })));
  ok(n.a >= 0 && n.b >= 0 && n.c >= 0);
});

Deno.test("fitPredictor() fits per class and leaveOneOut() reports unseen-layer error", () => {
  const rows = googlenet.nodes.map((_, k) => {
    const f = layerFeatures(googlenet, k);
    return { features: f, ms: 1e-7 * f.flops + 0.01 };
  });
  const p = fitPredictor({ gpu: rows, cpu: rows });
  ok(p.gpu.conv && p.gpu.conv.n >= 50, "a conv model");
  const s = errorSummary(leaveOneOut(rows.filter((r) => r.features.cls === "conv")));
  ok(s.maxRel < 1e-6, `exact data predicts exactly, got ${s.maxRel}`);
});

Deno.test("decideLayer() splits only when sync is cheap and the CPU is not far slower", () => {
  const f = layerFeatures(googlenet, 3); // Conv2d_2c_3x3
  strictEqual(f.op, "CONV_2D");
  const p = linear(1e-6);
  const cheap = { fixedMs: 1e-4, msPerByte: 0, exposedMs: 0 };
  const dear = { fixedMs: 10, msPerByte: 0, exposedMs: 10 };
  const d1 = decideLayer(p, f, cheap);
  strictEqual(d1.choice, "split");
  ok(d1.ratio > 0.6 && d1.ratio < 0.9, `GPU 3x faster takes ~3/4, got ${d1.ratio}`);
  ok(d1.predicted.split < d1.predicted.gpu);
  strictEqual(decideLayer(p, f, dear).choice, "gpu");
  const cost = splitCostMs({ gpuMs: 1, cpuMs: 1, sync: dear, features: f, ratio: 0.5 });
  strictEqual(cost, 21, "a split in place costs two round trips when none overlaps");
});

Deno.test("findBranchModules() finds googlenet's nine inception modules and nothing in mobilenet", () => {
  const mods = findBranchModules(googlenet);
  strictEqual(mods.length, 9);
  for (const m of mods) {
    strictEqual(m.branches.length, 4);
    strictEqual(googlenet.nodes[m.join].op, "CONCATENATION");
    deepStrictEqual(m.branches.map((b) => googlenet.nodes[b[0]].inputs[0]), [
      m.fork,
      m.fork,
      m.fork,
      m.fork,
    ]);
  }
  const mv1 = buildExecGraph(buildNetwork("mobilenet_v1_tiny").subgraphs[0], kernelFor);
  strictEqual(findBranchModules(mv1).length, 0);
});

Deno.test("assignBranches() balances predicted time and charges the sync to the GPU side", () => {
  const sync = { fixedMs: 1, msPerByte: 0, exposedMs: 0 };
  const costs = [4, 3, 2, 1].map((g) => ({ gpu: g, cpu: 2 * g, outBytes: 0 }));
  const a = assignBranches(costs, { sync, forkBytes: 0 });
  const brute = Math.min(
    ...Array.from({ length: 14 }, (_, i) => i + 1).map((mask) =>
      distributedMs(costs, [0, 1, 2, 3].map((j) => (mask & (1 << j)) !== 0), { sync, forkBytes: 0 })
        .ms
    ),
  );
  strictEqual(a.ms, brute);
  ok(a.onGpu.some((x) => x) && a.onGpu.some((x) => !x));
});

Deno.test("planNetwork() keeps everything on the GPU under Deno's 10 ms readback floor", () => {
  const p = linear(1e-7, 100);
  const deno = planNetwork(googlenet, {
    predictor: p,
    sync: { fixedMs: 10, msPerByte: 0, exposedMs: 10 },
  });
  deepStrictEqual(deno.stages.map((s) => s.cpu.length), [0]);
  strictEqual(deno.splits.length, 0);
  // A CPU 3x slower still wins the whole network when the GPU saves less than one round trip.
  const cpu = planNetwork(googlenet, {
    predictor: linear(1e-7, 3),
    sync: { fixedMs: 10, msPerByte: 0, exposedMs: 10 },
  });
  deepStrictEqual(cpu.stages.map((s) => s.gpu.length), [0]);
  ok(Math.abs(deno.predictedMs - deno.predictedGpuOnlyMs) < 1e-9);
  const dawn = planNetwork(googlenet, {
    predictor: linear(1e-5),
    sync: { fixedMs: 0.05, msPerByte: 0, exposedMs: 0 },
  });
  ok(dawn.predictedMs < dawn.predictedGpuOnlyMs);
  ok(dawn.decisions.some((d) => d.mode.kind === "branches" || d.mode.kind === "split"));
  const capped = planNetwork(googlenet, {
    predictor: linear(1e-5),
    sync: { fixedMs: 0.05, msPerByte: 0, exposedMs: 0 },
    maxCooperative: 2,
  });
  ok(capped.stages.filter((s) => s.cpu.length > 0).length <= 2);
});
