import { ok, strictEqual } from "node:assert";
import { createSession, loadModel, sessionInternals } from "../session.ts";
import { acquireDevice } from "../backends/gpu/device.ts";
import { buildNetwork } from "../../models/catalog.ts";
import { randomInputs } from "../../cli/_session_args.ts";
import type { Model } from "../../core/ir.ts";

const GPU_TEST = { sanitizeOps: false, sanitizeResources: false };
const NETWORKS = new URL("../../../shared/models/networks/", import.meta.url);

const CASES: [string, () => Promise<Model> | Model][] = [
  [
    "mobilenet_v1_0.25_224.tflite",
    () => loadModel(new URL("mobilenet_v1_0.25_224.tflite", NETWORKS)),
  ],
  [
    "mobilenet_v2_tiny (residual ADDs fused into the pointwise convs)",
    () => buildNetwork("mobilenet_v2_tiny"),
  ],
  ["deeplabv3_tiny (dilated depthwise)", () => buildNetwork("deeplabv3_tiny")],
];

for (const [name, load] of CASES) {
  Deno.test({
    ...GPU_TEST,
    name: `depthwise + pointwise fusion keeps ${name}'s outputs, with fewer nodes`,
    async fn() {
      const gpu = await acquireDevice();
      try {
        const model = await load();
        const plain = await createSession(model, { device: gpu });
        const fused = await createSession(model, {
          device: gpu,
          variants: { DEPTHWISE_CONV_2D: "fused" },
        });
        const report = fused.passes.find((p) => p.pass === "fuse-depthwise-pointwise")!;
        ok(report.applied > 0, "some pairs fused");
        const before = sessionInternals(plain).graph.nodes.length;
        strictEqual(sessionInternals(fused).graph.nodes.length, before - report.applied);
        ok(
          fused.placement.filter((p) => p.op === "DEPTHWISE_POINTWISE").every((p) =>
            p.backend === "gpu"
          ),
        );
        const inputs = randomInputs(plain.inputs, 3);
        const want = await plain.run(inputs);
        const got = await fused.run(inputs);
        // Same arithmetic; only the order of the pointwise sums may differ.
        got.forEach((o, i) => {
          let num = 0, den = 0;
          for (let k = 0; k < o.data.length; k++) {
            const w = Number(want[i].data[k]);
            num += (Number(o.data[k]) - w) ** 2;
            den += w * w;
          }
          ok(
            Math.sqrt(num / (den || 1)) <= 1e-5,
            `output ${i}: relative L2 ${Math.sqrt(num / (den || 1))}`,
          );
        });
        ok(!plain.passes.some((p) => p.pass === "fuse-depthwise-pointwise"), "off by default");
        plain.dispose();
        fused.dispose();
      } finally {
        gpu.device.destroy();
      }
    },
  });
}

Deno.test("the fused node's reference equals the two convolutions' references", async () => {
  const model = buildNetwork("mobilenet_v1_tiny");
  const ref = await createSession(model, { backend: "reference" });
  const inputs = randomInputs(ref.inputs, 5);
  const want = await ref.run(inputs);
  // The CPU steps of a GPU plan run on the reference: force every node there.
  const gpu = await acquireDevice();
  try {
    const fused = await createSession(model, {
      device: gpu,
      variants: { DEPTHWISE_CONV_2D: "fused" },
      cpuNodes: Array.from({ length: 40 }, (_, i) => i),
    });
    ok(fused.placement.some((p) => p.op === "DEPTHWISE_POINTWISE" && p.backend === "cpu"));
    const got = await fused.run(inputs);
    got.forEach((o, i) => {
      for (let k = 0; k < o.data.length; k++) {
        ok(Math.abs(Number(o.data[k]) - Number(want[i].data[k])) <= 1e-5, `output ${i} at ${k}`);
      }
    });
    fused.dispose();
  } finally {
    gpu.device.destroy();
  }
});
