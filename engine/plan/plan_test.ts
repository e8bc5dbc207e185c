// Properties of execution plans over the real networks, every strategy, both precisions and every
// host backend: lifetimes cover every use, the memory layout is valid for those lifetimes (no two
// tensors alive at once share bytes), and every node off the GPU says why.

import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { readModelFile } from "../../format/tflite/reader.ts";
import { kernelFor } from "../../kernels/registry.ts";
import { applyPasses } from "../passes/mod.ts";
import { STRATEGIES, validatePlan } from "../memory/mod.ts";
import { buildPlan, type ExecutionPlan } from "./plan.ts";

const DIR = new URL("../../../shared/models/networks/", import.meta.url);
const NAMES = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".tflite"))
  .sort();

async function graphOf(name: string) {
  const model = await readModelFile(new URL(name, DIR));
  return applyPasses(buildExecGraph(model.subgraphs[0], kernelFor), {}).graph;
}

/** Node positions that read or write each intermediate on the plan's processor. */
function uses(plan: ExecutionPlan, t: number): number[] {
  const out: number[] = [];
  plan.graph.nodes.forEach((n, k) => {
    const reads = [...n.inputs, ...n.epilogue.flatMap((s) => s.extra.map((e) => e.tensor))];
    const onGpu = plan.placement[k].backend === "gpu";
    if ((plan.backend !== "gpu" || onGpu) && (reads.includes(t) || n.outputs.includes(t))) {
      out.push(k);
    }
  });
  return out;
}

function checkPlan(plan: ExecutionPlan, where: string): void {
  const m = plan.memory!;
  strictEqual(m.records.length, m.tensors.length, where);
  m.tensors.forEach((t, i) => {
    for (const k of uses(plan, t)) {
      ok(
        m.records[i].firstOp <= k && k <= m.records[i].lastOp,
        `${where}: tensor ${t} is used at node ${k} outside its lifetime`,
      );
    }
  });
  deepStrictEqual(validatePlan(m.records, m.plan), [], where);
  // Homes: two tensors alive at the same node never share a byte of the same buffer.
  for (let i = 0; i < m.homes.length; i++) {
    for (let j = i + 1; j < m.homes.length; j++) {
      const [a, b] = [m.homes[i], m.homes[j]];
      const [ra, rb] = [m.records[i], m.records[j]];
      const live = ra.firstOp <= rb.lastOp && rb.firstOp <= ra.lastOp;
      const overlap = a.buffer === b.buffer && a.offset < b.offset + b.bytes &&
        b.offset < a.offset + a.bytes;
      ok(!(live && overlap), `${where}: tensors ${a.tensor} and ${b.tensor} overlap`);
    }
    const h = m.homes[i];
    ok(h.offset + h.bytes <= m.buffers[h.buffer].bytes, `${where}: tensor ${h.tensor} overflows`);
  }
  strictEqual(m.bytes, m.buffers.reduce((a, b) => a + b.bytes, 0), where);
  for (const p of plan.placement) {
    if (plan.backend === "gpu" && p.backend === "cpu") {
      ok(
        p.reason && p.reason.length > 0,
        `${where}: node ${p.node} is on the CPU without a reason`,
      );
    }
  }
}

for (const name of NAMES) {
  Deno.test(`buildPlan() of ${name} is valid under every strategy and backend`, async () => {
    const graph = await graphOf(name);
    for (const s of STRATEGIES) {
      if (s.name === "MIN_COST_FLOW" || s.name === "GPULITE_OBJECTS") continue; // below, once
      for (const precision of ["f32", "f16"] as const) {
        checkPlan(
          buildPlan(graph, { strategy: s.name, precision }),
          `${name} gpu ${precision} ${s.name}`,
        );
      }
      checkPlan(buildPlan(graph, { strategy: s.name, backend: "cpu" }), `${name} cpu ${s.name}`);
    }
    for (const strategy of ["MIN_COST_FLOW", "GPULITE_OBJECTS"]) {
      checkPlan(buildPlan(graph, { strategy }), `${name} gpu f32 ${strategy}`);
    }
  });
}

Deno.test("buildPlan() is pure: the same graph and options give equal plans", async () => {
  const graph = await graphOf("facedetector_front.tflite");
  deepStrictEqual(buildPlan(graph, { precision: "f16" }), buildPlan(graph, { precision: "f16" }));
});

Deno.test("buildPlan() names the reason of every forced or refused CPU node", async () => {
  const graph = await graphOf("mobilenet_v1_0.25_224.tflite");
  const plan = buildPlan(graph, { cpuNodes: [0] });
  strictEqual(plan.placement[0].reason, "forced onto the CPU");
  strictEqual(plan.steps[0].kind, "cpu");
  ok(plan.steps.some((s) => s.kind === "gpu" && s.uploads.includes(graph.nodes[0].outputs[0])));
});

Deno.test("buildPlan() refuses an unknown strategy with a UsageError", async () => {
  const graph = await graphOf("mobilenet_v1_0.25_224.tflite");
  let message = "";
  try {
    buildPlan(graph, { strategy: "BOGUS" });
  } catch (e) {
    message = `${(e as Error).name}: ${(e as Error).message}`;
  }
  ok(message.startsWith("UsageError"), message);
});
