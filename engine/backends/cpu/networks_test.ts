import { strictEqual } from "node:assert/strict";
import { createSession, loadModel } from "../../session.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import { seededRandom } from "../../../core/random.ts";

const DIR = new URL("../../../../shared/models/networks/", import.meta.url).pathname;

/** Largest |a - b| over an output, relative to its largest |b|. */
function relError(a: HostTensor, b: HostTensor): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.data.length; i++) {
    num = Math.max(num, Math.abs(Number(a.data[i]) - Number(b.data[i])));
    den = Math.max(den, Math.abs(Number(b.data[i])));
  }
  return num / Math.max(den, 1e-6);
}

// Networks whose transposed convolutions, argmax pools, unpoolings and fused epilogues run on the
// fast kernels.
for (const name of ["selfie_segmentation", "hair_segmentation", "face_landmark_2019"]) {
  Deno.test(`the cpu backend runs ${name} with every node on a fast kernel, within 1e-5 of the reference`, async () => {
    const model = await loadModel(`${DIR}${name}.tflite`);
    const cpu = await createSession(model, { backend: "cpu", threads: 2 });
    const ref = await createSession(model, { backend: "reference" });
    try {
      const slow = cpu.placement.filter((p) => p.reason !== undefined).map((p) => p.op);
      strictEqual(slow.join(), "", "nodes on the reference");
      const r = seededRandom(4);
      const inputs: HostTensor[] = cpu.inputs.map((t) => ({
        dtype: "float32",
        shape: [...t.shape],
        data: Float32Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, () => r()),
      }));
      const want = await ref.run(inputs);
      const got = await cpu.run(inputs);
      want.forEach((w, k) => {
        const e = relError(got[k], w);
        if (!(e < 1e-5)) throw new Error(`output ${k}: relative error ${e}`);
      });
    } finally {
      cpu.dispose();
      ref.dispose();
    }
  });
}
