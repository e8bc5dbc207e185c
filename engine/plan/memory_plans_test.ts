// Real allocation check: every memory strategy runs real networks on the GPU (lavapipe on CI) and
// must give bit-identical outputs (a planner that overlaps two live tensors shows up as wrong
// numbers), allocate exactly its plan's bytes, and the plan must be the same value when rebuilt
// without a session. Skipped, saying why, while an op of a network has
// no GPU kernel yet.

import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { opName } from "../../core/ir.ts";
import { supportOf } from "../../kernels/registry.ts";
import { createSession, loadModel, sessionInternals } from "../session.ts";
import { acquireDevice } from "../backends/gpu/device.ts";
import { planCost, STRATEGIES, validatePlan } from "../memory/mod.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { buildPlan } from "./plan.ts";
import { limitsOf } from "../backends/gpu/pipelines.ts";
import { GpuExecutor } from "../backends/gpu/executor.ts";

const NETWORKS = [
  "mobilenet_v1_0.25_224",
  "facedetector_front",
  "face_landmark_2019",
  "selfie_segmentation",
];
const ALIGNMENT = 16; // what `createSession` plans with

/** Deterministic inputs in [-1, 1) (xorshift), one per graph input. */
function inputsFor(shapes: { dtype: string; shape: number[] }[]): HostTensor[] {
  let s = 0x9e3779b9;
  return shapes.map(({ dtype, shape }) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      data[i] = (s >>> 0) / 2 ** 31 - 1;
    }
    return { dtype: dtype as HostTensor["dtype"], shape, data };
  });
}

function bytesOf(t: HostTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

for (const name of NETWORKS) {
  const path = new URL(`../../../shared/models/networks/${name}.tflite`, import.meta.url);
  const model = await loadModel(path);
  const ops = [...new Set(model.subgraphs[0].nodes.map(opName))];
  const missing = ops.filter((op) => !supportOf(op).gpu);
  if (missing.length > 0) {
    console.log(`skipping ${name}: no GPU kernel yet for ${missing.join(", ")}`);
  }
  Deno.test({
    name: `every memory strategy gives ${name} bit-identical outputs and allocates its plan's cost`,
    ignore: missing.length > 0,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const gpu = await acquireDevice();
      try {
        let reference: { strategy: string; outputs: Uint8Array[] } | undefined;
        for (const strategy of STRATEGIES) {
          const session = await createSession(model, {
            backend: "gpu",
            device: gpu,
            strategy: strategy.name,
          });
          try {
            const inputs = inputsFor(session.inputs);
            const outputs = (await session.run(inputs)).map(bytesOf);
            const memory = sessionInternals(session).plan!.memory!;
            ok(memory.records.length > 0, `${name} has no intermediate tensors on the GPU`);
            deepStrictEqual(
              validatePlan(memory.records, memory.plan, { alignment: ALIGNMENT }),
              [],
            );
            strictEqual(session.memory!.form, memory.form, `${strategy.name}: plan form`);
            strictEqual(
              session.memory!.intermediateBytes,
              memory.bytes,
              `${strategy.name}: allocated bytes differ from the plan's bytes`,
            );
            ok(memory.bytes >= planCost(memory.plan), `${strategy.name}: arenas below the plan`);
            // The plan is a pure function: rebuilt without the session, it is the same plan.
            const again = buildPlan(sessionInternals(session).graph, {
              strategy: strategy.name,
              limits: limitsOf(gpu.device),
            });
            deepStrictEqual(again.memory, memory);
            deepStrictEqual(again.placement, session.placement);
            if (!reference) {
              reference = { strategy: strategy.name, outputs };
              const onCpu = session.placement.filter((p) => p.backend === "cpu");
              console.log(
                `${name}: ${memory.records.length} intermediates, ${onCpu.length} of ${session.placement.length} nodes on the CPU${
                  onCpu.length ? ` (${onCpu.map((p) => p.op).join(", ")})` : ""
                }`,
              );
              // The check has teeth: every tensor at offset 0 of one arena gives other numbers.
              const bad = {
                ...sessionInternals(session).plan!,
                memory: {
                  ...memory,
                  homes: memory.homes.map((h) => ({ ...h, buffer: 0, offset: 0 })),
                  buffers: [{
                    label: "float arena",
                    bytes: Math.max(...memory.records.map((r) => r.size)),
                  }],
                  form: "offsets" as const,
                },
              };
              const overlapping = await GpuExecutor.create(gpu, bad);
              try {
                const bad = (await overlapping.run(inputs)).map(bytesOf);
                ok(
                  bad.some((b, i) => b.some((x, j) => x !== outputs[i][j])),
                  `${name}: overlapping every tensor left the outputs unchanged`,
                );
              } finally {
                overlapping.dispose();
              }
            } else {
              reference.outputs.forEach((want, i) => {
                ok(
                  outputs[i].length === want.length && outputs[i].every((b, j) => b === want[j]),
                  `${name} output ${i} under ${strategy.name} differs from ${reference!.strategy}`,
                );
              });
            }
          } finally {
            session.dispose();
          }
        }
      } finally {
        gpu.device.destroy();
      }
    },
  });
}
