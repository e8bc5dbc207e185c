// Cooperative runs on the GPU (lavapipe on CI) must equal the plain GPU run of the same graph.
import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { acquireDevice, type GpuContext } from "../gpu/device.ts";
import { buildExecGraph, type ExecGraph } from "../../../core/exec_graph.ts";
import { GpuExecutor } from "../gpu/executor.ts";
import { applyPasses } from "../../passes/mod.ts";
import { kernelFor } from "../../../kernels/registry.ts";
import { buildNetwork } from "../../../models/catalog.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import { randomFloats } from "../../passes/_test_util.ts";
import { CooperativeExecutor, measureSync, profileNetwork } from "./cooperative.ts";
import { planFromChoices, planNetwork } from "./plan.ts";
import { findBranchModules } from "./branches.ts";
import { fitPredictor } from "./predictor.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function graphOf(name: string): ExecGraph {
  const g = buildExecGraph(buildNetwork(name).subgraphs[0], kernelFor);
  return applyPasses(g, { fuseEpilogues: true }).graph;
}

function inputsOf(g: ExecGraph): HostTensor[] {
  return g.inputs.map((t, i) => ({
    dtype: "float32",
    shape: g.tensors[t].shape,
    data: randomFloats(g.tensors[t].shape.reduce((a, b) => a * b, 1), 11 + i),
  }));
}

function relDiff(a: HostTensor[], b: HostTensor[]): number {
  let num = 0, den = 0;
  a.forEach((t, i) => {
    deepStrictEqual(t.shape, b[i].shape);
    for (let j = 0; j < t.data.length; j++) {
      num = Math.max(num, Math.abs(Number(t.data[j]) - Number(b[i].data[j])));
      den = Math.max(den, Math.abs(Number(t.data[j])));
    }
  });
  return num / Math.max(den, 1e-30);
}

async function plainGpu(ctx: GpuContext, g: ExecGraph, x: HostTensor[]): Promise<HostTensor[]> {
  const ex = await GpuExecutor.fromGraph(ctx, g, { precision: "f32" });
  try {
    return await ex.run(x);
  } finally {
    ex.dispose();
  }
}

const ctx = await acquireDevice({ provider: "deno" });

Deno.test({
  name: "CooperativeExecutor runs mobilenet_v1_tiny with every conv split at 0.5 like the GPU",
  ...opts,
  async fn() {
    const g = graphOf("mobilenet_v1_tiny");
    const x = inputsOf(g);
    const split = new Map(
      g.nodes.flatMap((n, k) => (n.op === "CONV_2D" ? [[k, 0.5] as [number, number]] : [])),
    );
    const plan = planFromChoices(g, { split });
    ok(plan.splits.length >= 10, `${plan.splits.length} splits`);
    const ex = await CooperativeExecutor.create(ctx, plan, { threads: 2 });
    try {
      const got = await ex.run(x);
      const want = await plainGpu(ctx, g, x);
      const d = relDiff(want, got);
      ok(d < 1e-4, `relative difference ${d}`);
      strictEqual(ex.lastStageMs.length, ex.stageCount);
    } finally {
      ex.dispose();
    }
  },
});

Deno.test({
  name: "CooperativeExecutor distributes googlenet_tiny's first inception module's branches",
  ...opts,
  async fn() {
    const g = graphOf("googlenet_tiny");
    const x = inputsOf(g);
    const m = findBranchModules(g)[0];
    const plan = planFromChoices(g, {
      branches: new Map([[m.join, [true, false, true, false]]]),
      cpu: new Set([g.nodes.length - 1]),
    });
    const mixed = plan.stages.find((s) => s.gpu.length > 0 && s.cpu.length > 0)!;
    deepStrictEqual(mixed.gpu, [...m.branches[0], ...m.branches[2]]);
    deepStrictEqual(mixed.cpu, [...m.branches[1], ...m.branches[3]]);
    deepStrictEqual(mixed.host, [m.join]);
    const ex = await CooperativeExecutor.create(ctx, plan, { threads: 2 });
    try {
      const d = relDiff(await plainGpu(ctx, g, x), await ex.run(x));
      ok(d < 1e-4, `relative difference ${d}`);
    } finally {
      ex.dispose();
    }
  },
});

Deno.test({
  name: "profileNetwork() and measureSync() feed a plan that runs and matches the GPU",
  ...opts,
  async fn() {
    const g = graphOf("mobilenet_v1_tiny");
    const x = inputsOf(g);
    const prof = await profileNetwork(ctx, g, x, { threads: 2, reps: 1 });
    ok(prof.training.cpu.length === g.nodes.length);
    ok(prof.gpuRunMs > 0 && prof.cpuRunMs > 0);
    const sync = await measureSync(ctx, { reps: 2, bytes: 1 << 16 });
    ok(sync.fixedMs > 0 && sync.exposedMs >= 0 && sync.exposedMs <= sync.fixedMs);
    const predictor = fitPredictor(prof.training);
    // A free sync makes cooperation attractive: the plan must still be correct.
    const plan = planNetwork(g, { predictor, sync: { fixedMs: 0, msPerByte: 0, exposedMs: 0 } });
    ok(plan.stages.some((s) => s.cpu.length > 0), "a free sync puts work on the CPU");
    const ex = await CooperativeExecutor.create(ctx, plan, { threads: 2 });
    try {
      const d = relDiff(await plainGpu(ctx, g, x), await ex.run(x));
      ok(d < 1e-4, `relative difference ${d}`);
    } finally {
      ex.dispose();
    }
  },
});
