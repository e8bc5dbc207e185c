import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { createSession, loadModel } from "../../session.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import { seededRandom } from "../../../core/random.ts";

const MODEL = new URL(
  "../../../../shared/models/networks/mobilenet_v1_0.25_224.tflite",
  import.meta.url,
).pathname;

Deno.test("createSession({ backend: 'cpu', profile: true }) times every node and returns the same outputs", async () => {
  const model = await loadModel(MODEL);
  const rand = seededRandom(3);
  const x: HostTensor = {
    dtype: "float32",
    shape: [1, 224, 224, 3],
    data: new Float32Array(224 * 224 * 3).map(() => rand() * 2 - 1),
  };
  const plain = await createSession(model, { backend: "cpu", threads: 1 });
  const profiled = await createSession(model, { backend: "cpu", threads: 1, profile: true });
  try {
    const before = profiled.timings;
    strictEqual(before, undefined, "no timings before the first run");
    const [want] = await plain.run([x]);
    const [got] = await profiled.run([x]);
    deepStrictEqual(got.data, want.data);
    const times = profiled.timings ?? [];
    strictEqual(times.length, profiled.placement.length);
    deepStrictEqual(times.map((t) => t.op), profiled.placement.map((p) => p.op));
    strictEqual(times.every((t) => Number.isFinite(t.ms) && t.ms >= 0), true);
    strictEqual(plain.timings, undefined, "a session without profile keeps no timings");
  } finally {
    plain.dispose();
    profiled.dispose();
  }
});
