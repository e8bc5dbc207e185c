/**
 * Whole real networks on the GPU (lavapipe in CI) against the float64 reference, and the graph passes
 * checked against the unfused graph on the same networks.
 */
import { ok } from "node:assert";
import { createSession, loadModel, sessionInternals } from "./session.ts";
import { buildExecGraph } from "../core/exec_graph.ts";
import { ReferenceExecutor } from "./backends/reference/executor.ts";
import { applyPasses } from "./passes/mod.ts";
import { kernelFor } from "../kernels/registry.ts";
import { compareTensors } from "../conformance/compare.ts";
import { randomInputs } from "../cli/_session_args.ts";
import type { Precision } from "../core/kernel.ts";

const NETWORKS = new URL("../../shared/models/networks/", import.meta.url);

/** Networks small enough for CI on a software GPU, with the precisions checked for each. */
const CI_NETWORKS: [string, Precision[]][] = [
  ["mobilenet_v1_0.25_224.tflite", ["f32", "f16"]],
  ["facedetector_front.tflite", ["f32", "f16"]],
  ["face_landmark_2019.tflite", ["f32", "f16"]],
  ["selfie_segmentation.tflite", ["f32", "f16"]],
];

const TOLERANCE: Record<Precision, number> = { f32: 1e-4, f16: 1e-2 };

for (const [file, precisions] of CI_NETWORKS) {
  for (const precision of precisions) {
    Deno.test(`${file} runs entirely on the GPU in ${precision} within ${TOLERANCE[precision]} of the reference`, async () => {
      const model = await loadModel(new URL(file, NETWORKS));
      const session = await createSession(model, { precision });
      try {
        const fallbacks = session.placement!.filter((p) => p.backend === "cpu");
        ok(fallbacks.length === 0, `ops fell back to the CPU: ${JSON.stringify(fallbacks)}`);
        const inputs = randomInputs(session.inputs, 3);
        const got = await session.run(inputs);
        const ref = new ReferenceExecutor(sessionInternals(session).graph).run(inputs);
        got.forEach((g, i) => {
          const d = compareTensors(g, ref[i]);
          ok(
            d.rel < TOLERANCE[precision],
            `output ${i} "${session.outputs[i].name}": relative error ${d.rel} >= ${
              TOLERANCE[precision]
            }`,
          );
        });
      } finally {
        session.dispose();
      }
    });
  }
}

for (const [file] of CI_NETWORKS) {
  Deno.test(`graph passes keep the outputs of ${file} equal to the unfused graph`, async () => {
    const model = await loadModel(new URL(file, NETWORKS));
    const plain = buildExecGraph(model.subgraphs[0], kernelFor);
    const { graph: fused, reports } = applyPasses(plain);
    ok(fused.nodes.length <= plain.nodes.length);
    const inputs = randomInputs(
      plain.inputs.map((t) => ({
        name: "",
        dtype: plain.tensors[t].dtype,
        shape: plain.tensors[t].shape,
      })),
      5,
    );
    const a = new ReferenceExecutor(plain).run(inputs);
    const b = new ReferenceExecutor(fused).run(inputs);
    a.forEach((t, i) => {
      const d = compareTensors(b[i], t);
      ok(d.rel < 1e-6, `output ${i}: passes changed it by ${d.rel} (${JSON.stringify(reports)})`);
    });
  });
}
