// In-place execution and reordering change where tensors live, never what the model computes:
// outputs stay bit-identical to the default plan on the GPU (objects and offsets plans) and the CPU.

import { ok } from "node:assert";
import { createSession, loadModel, sessionInternals } from "../session.ts";
import { testDevice } from "../../conformance/testing.ts";
import { seededRandom } from "../../core/random.ts";

const DIR = new URL("../../../shared/models/networks/", import.meta.url);

function bytes(outs: { data: ArrayBufferView }[]): Uint8Array[] {
  return outs.map((o) => new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength));
}

for (const name of ["selfie_segmentation"]) {
  Deno.test({
    name: `in-place and reordered plans of ${name} give bit-identical outputs on the GPU and CPU`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const model = await loadModel(new URL(`${name}.tflite`, DIR));
      const device = await testDevice();
      const configs = [
        { backend: "gpu", strategy: "GREEDY_BY_SIZE" },
        { backend: "gpu", strategy: "GPULITE_OFFSETS" },
        { backend: "cpu", strategy: "GREEDY_BY_SIZE_OFFSETS", threads: 2 },
      ] as const;
      for (const config of configs) {
        const plain = await createSession(model, { ...config, device });
        const lean = await createSession(model, {
          ...config,
          device,
          inPlace: true,
          reorder: true,
        });
        try {
          const r = seededRandom(3);
          const inputs = plain.inputs.map((i) =>
            Float32Array.from({ length: i.shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1)
          );
          const want = bytes(await plain.run(inputs));
          const got = bytes(await lean.run(inputs));
          const pairs = sessionInternals(lean).plan!.memory!.inPlace.length;
          ok(pairs > 0, `${name} ${config.backend}: no tensor ran in place`);
          ok(
            want.every((w, i) => w.length === got[i].length && w.every((b, j) => b === got[i][j])),
            `${name} ${config.backend} ${config.strategy}: outputs differ with ${pairs} in-place pairs`,
          );
        } finally {
          plain.dispose();
          lean.dispose();
        }
      }
    },
  });
}
