import { strictEqual } from "node:assert/strict";
import { createSession, loadModel } from "../../session.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import { seededRandom } from "../../../core/random.ts";
import { locateNpmFile } from "../../../models/npm_models.ts";

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
// fast kernels, then npm MediaPipe networks (sparse weights, DEPTH_TO_SPACE, a dynamic batch) when
// their packages are on this machine. (selfie_segmentation_landscape is left out: on noise its mask
// peaks at 0.0075, so float32 rounding before the last LOGISTIC, 8.5e-8, is 1.1e-5 of that peak.)
const NETWORKS: { name: string; path?: string }[] = [
  ...["selfie_segmentation", "hair_segmentation", "face_landmark_2019"]
    .map((name) => ({ name, path: `${DIR}${name}.tflite` })),
  ...[
    ["@mediapipe/face_detection", "face_detection_full_range_sparse"],
    ["@mediapipe/hands", "hand_landmark_lite"],
    ["@mediapipe/objectron", "object_detection_3d_cup"],
  ].map(([pkg, name]) => ({ name, path: locateNpmFile(pkg, `${name}.tflite`) })),
];

for (const { name, path } of NETWORKS) {
  Deno.test({
    name:
      `the cpu backend runs ${name} with every node on a fast kernel, within 1e-5 of the reference`,
    ignore: path === undefined,
  }, async () => {
    const model = await loadModel(path!);
    const g = model.subgraphs[0];
    const inputShapes = g.inputs.map((i) => g.tensors[i].shape.map((d) => d < 0 ? 1 : d));
    const cpu = await createSession(model, { backend: "cpu", threads: 2, inputShapes });
    const ref = await createSession(model, { backend: "reference", inputShapes });
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
