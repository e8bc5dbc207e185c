import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert";
import { GraphBuilder } from "../../../format/tflite/mod.ts";
import { createSession, type Session, sessionInternals } from "../../session.ts";
import { buildPlan, type ExecutionPlan } from "../../plan/plan.ts";
import { limitsOf } from "./pipelines.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import { acquireDevice } from "./device.ts";
import { GpuExecutor } from "./executor.ts";
import { HOST_PHASES } from "./timeline.ts";

const GPU_TEST = { sanitizeOps: false, sanitizeResources: false };

/**
 * Two inputs, three outputs: a 5-channel path (packed and unpacked by programs) with a bias, RELU
 * and a node that can be forced onto the CPU, and a 4-channel path whose layout needs no program.
 */
function model() {
  const g = new GraphBuilder();
  const x = g.input("x", "float32", [1, 5, 5, 5]);
  const u = g.input("u", "float32", [1, 3, 3, 4]);
  const b = g.constant("b", "float32", [5], new Float32Array([0.5, -1, 2, -0.25, 0]));
  const f = { dtype: "float32" as const, shape: [1, 5, 5, 5] };
  const [s] = g.op("ADD", [x, b], [{ ...f, name: "s" }]);
  const [r] = g.op("RELU", [s], [{ ...f, name: "r" }]);
  const [a] = g.op("ABS", [s], [{ ...f, name: "a" }]);
  const [m] = g.op("ADD", [r, a], [{ ...f, name: "m" }]);
  const [v] = g.op("ABS", [u], [{ dtype: "float32", shape: [1, 3, 3, 4], name: "v" }]);
  g.output(m);
  g.output(a);
  g.output(v);
  return g.build();
}

function inputs(): HostTensor[] {
  const x = Float32Array.from({ length: 125 }, (_, i) => Math.sin(i * 1.7) * 3);
  const u = Float32Array.from({ length: 36 }, (_, i) => Math.cos(i * 0.9) - 0.3);
  return [
    { dtype: "float32", shape: [1, 5, 5, 5], data: x },
    { dtype: "float32", shape: [1, 3, 3, 4], data: u },
  ];
}

/** The session's plan, rebuilt with `cpuNodes` on the CPU and no partition refinement. */
function planOf(s: Session, cpuNodes: number[]): ExecutionPlan {
  const { graph } = sessionInternals(s);
  return buildPlan(graph, {
    cpuNodes,
    refinePartition: false,
    limits: limitsOf(s.gpu!.device),
  });
}

function bits(outs: HostTensor[]): Uint8Array[] {
  return outs.map((o) => new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength));
}

for (const cpuNodes of [[], [2]]) {
  Deno.test({
    ...GPU_TEST,
    name: `layouts converted on the GPU give the same bits as on the host, f32 and f16${
      cpuNodes.length ? ", with a CPU node between two GPU steps" : ""
    }`,
    async fn() {
      const gpu = await acquireDevice();
      try {
        for (const precision of ["f32", "f16"] as const) {
          if (precision === "f16" && !gpu.device.features.has("shader-f16")) continue;
          const s = await createSession(model(), { device: gpu, precision });
          const plan = planOf(s, cpuNodes);
          strictEqual(plan.steps.length, cpuNodes.length ? 3 : 1);
          const onGpuSide = await GpuExecutor.create(gpu, plan);
          const onGpu = await onGpuSide.run(inputs());
          const hostSide = await GpuExecutor.create(gpu, plan, { hostLayout: true });
          const onHost = await hostSide.run(inputs());
          deepStrictEqual(bits(onGpu), bits(onHost), precision);
          deepStrictEqual(onGpu.map((o) => o.shape), [[1, 5, 5, 5], [1, 5, 5, 5], [1, 3, 3, 4]]);
          ok(onGpu[0].data.some((x) => x !== 0), "outputs are not all zero");
          if (!cpuNodes.length) {
            const many = await onGpuSide.runMany([inputs(), inputs()]);
            for (const outs of many) deepStrictEqual(bits(outs), bits(onGpu), "runMany");
          }
          hostSide.dispose();
          onGpuSide.dispose();
          s.dispose();
        }
      } finally {
        gpu.device.destroy();
      }
    },
  });
}

Deno.test({
  ...GPU_TEST,
  name:
    "a timeline run accounts for its time phase by phase, with GPU time from timestamps and one submission per GPU step",
  async fn() {
    const gpu = await acquireDevice();
    try {
      for (const cpuNodes of [[], [2]]) {
        const s = await createSession(model(), { device: gpu, timeline: true });
        const exec = await GpuExecutor.create(gpu, planOf(s, cpuNodes), {
          timeline: true,
          firstChunk: 0,
        });
        strictEqual(exec.lastTimeline, undefined);
        await exec.run(inputs());
        const t = exec.lastTimeline!;
        strictEqual(t.submissions, cpuNodes.length ? 2 : 1);
        for (const p of HOST_PHASES) ok(t.phases[p] >= 0, p);
        const phases = HOST_PHASES.reduce((a, p) => a + t.phases[p], 0);
        ok(phases <= t.totalMs + 1e-9, `phases ${phases} within total ${t.totalMs}`);
        ok(t.phases.wait > 0, "the run waited for its readback");
        strictEqual(t.phases.pack, 0, "nothing was packed on the host");
        ok(cpuNodes.length ? t.phases.cpu > 0 : t.phases.cpu === 0, "cpu time only with CPU nodes");
        if (gpu.device.features.has("timestamp-query")) {
          ok(t.gpuMs! > 0 && t.gpuMs! <= t.phases.wait, `gpu ${t.gpuMs} within wait`);
        }
        strictEqual(exec.timings, undefined, "no per-node timings without profile");
        exec.dispose();
        s.dispose();
      }
      const timed = await createSession(model(), { device: gpu, timeline: true });
      await timed.run(inputs());
      ok((sessionInternals(timed).executor as GpuExecutor).lastTimeline!.submissions >= 1);
      timed.dispose();
      const plain = await createSession(model(), { device: gpu });
      await plain.run(inputs());
      strictEqual((sessionInternals(plain).executor as GpuExecutor).lastTimeline, undefined);
      plain.dispose();
    } finally {
      gpu.device.destroy();
    }
  },
});

Deno.test({
  ...GPU_TEST,
  name: "per-node profiling with a timeline times every GPU node inside the step's GPU time",
  async fn() {
    const gpu = await acquireDevice();
    try {
      if (!gpu.device.features.has("timestamp-query")) return;
      const s = await createSession(model(), { device: gpu, timeline: true, profile: true });
      await s.run(inputs());
      const exec = sessionInternals(s).executor as GpuExecutor;
      const gpuNodes = exec.placement.filter((p) => p.backend === "gpu").length;
      strictEqual(exec.timings!.length, gpuNodes);
      const sum = exec.timings!.reduce((a, x) => a + x.ms, 0);
      ok(exec.timings!.every((x) => x.ms >= 0));
      ok(
        sum <= exec.lastTimeline!.gpuMs! + 1e-6,
        `nodes ${sum} within step ${exec.lastTimeline!.gpuMs}`,
      );
      s.dispose();
    } finally {
      gpu.device.destroy();
    }
  },
});

Deno.test({
  ...GPU_TEST,
  name:
    "a step submitted in growing chunks gives the same bits as one submission, and counts its submissions",
  async fn() {
    const gpu = await acquireDevice();
    try {
      const s = await createSession(model(), { device: gpu });
      const plan = sessionInternals(s).plan!;
      const one = await GpuExecutor.create(gpu, plan, { timeline: true, firstChunk: 0 });
      const chunked = await GpuExecutor.create(gpu, plan, { timeline: true, firstChunk: 1 });
      const want = bits(await one.run(inputs()));
      const got = bits(await chunked.run(inputs()));
      deepStrictEqual(got, want);
      strictEqual(one.lastTimeline!.submissions, 1);
      // One pack, five nodes and two unpacks (one group) for chunks of 1, 2, 4 and 1 dispatches,
      // split at node boundaries: [pack], [2 nodes], [3 nodes + the unpacks].
      strictEqual(chunked.lastTimeline!.submissions, 3);
      const perNode = await GpuExecutor.create(gpu, plan, { firstChunk: 2, passPerNode: true });
      deepStrictEqual(bits(await perNode.run(inputs())), want);
      perNode.dispose();
      if (gpu.device.features.has("timestamp-query")) ok(chunked.lastTimeline!.gpuMs! > 0);
      let checked = 0;
      const into = [new Float32Array(125), new Float32Array(125), new Float32Array(36)];
      await rejects(
        chunked.run(inputs(), {
          into,
          check: () => {
            checked++;
            throw new Error("refused");
          },
        }),
        /refused/,
      );
      strictEqual(checked, 1);
      ok(into.every((a) => a.every((x) => x === 0)), "nothing written into a refused run's arrays");
      one.dispose();
      chunked.dispose();
      // A plan with a CPU step between two GPU steps: each GPU step is chunked on its own.
      const split = planOf(s, [2]);
      const a = await GpuExecutor.create(gpu, split, { firstChunk: 0 });
      const b = await GpuExecutor.create(gpu, split, { firstChunk: 1, timeline: true });
      deepStrictEqual(bits(await b.run(inputs())), bits(await a.run(inputs())));
      ok(b.lastTimeline!.submissions > 2, `${b.lastTimeline!.submissions} submissions`);
      a.dispose();
      b.dispose();
      s.dispose();
    } finally {
      gpu.device.destroy();
    }
  },
});
