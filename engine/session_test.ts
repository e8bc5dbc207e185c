/**
 * The session's contract with its caller: clear errors for wrong inputs, NaN, use after dispose, a
 * lost device and a model larger than the device allows, and a session that stays usable after the
 * caller's mistakes.
 */
import { ok, rejects, strictEqual } from "node:assert";
import { createSession } from "./session.ts";
import { GraphBuilder } from "../format/tflite/mod.ts";
import type { Model } from "../core/ir.ts";
import { GpuError, UsageError } from "../core/errors.ts";
import { testDevice } from "../conformance/testing.ts";
import { acquireDevice } from "./backends/gpu/device.ts";

function addRelu(shape = [1, 4, 4, 3]): Model {
  const b = new GraphBuilder();
  const x = b.input("x", "float32", shape);
  const y = b.input("y", "float32", shape);
  const [s] = b.op("ADD", [x, y], [{ dtype: "float32", shape }]);
  const [r] = b.op("RELU", [s], [{ dtype: "float32", shape }]);
  b.output(r);
  return b.build();
}

const n = 48;
const ones = () => new Float32Array(n).fill(1);

for (const backend of ["gpu", "reference"] as const) {
  Deno.test(`${backend} session: wrong inputs are clear errors and the session stays usable`, async () => {
    const session = await createSession(addRelu(), { backend, device: await testDevice() });
    try {
      await rejects(
        session.run([ones()]),
        (e: Error) => e instanceof UsageError && /takes 2 inputs, got 1/.test(e.message),
      );
      await rejects(
        session.run([new Int32Array(n), ones()]),
        (e: Error) =>
          e instanceof UsageError && /Input 0 "x" must be a Float32Array/.test(e.message),
      );
      await rejects(
        session.run([{ dtype: "float32", shape: [1, 4, 3, 4], data: ones() }, ones()]),
        (e: Error) => e instanceof UsageError && /must have shape \[1,4,4,3\]/.test(e.message),
      );
      await rejects(
        session.run([new Float32Array(5), ones()]),
        (e: Error) => e instanceof UsageError && /needs 48 elements/.test(e.message),
      );
      const nan = ones();
      nan[7] = NaN;
      await rejects(
        session.run([nan, ones()]),
        (e: Error) => e instanceof UsageError && /NaN at element 7/.test(e.message),
      );
      await rejects(
        session.run({ x: ones(), z: ones() }),
        (e: Error) => e instanceof UsageError && /Unknown input name "z"/.test(e.message),
      );
      const [out] = await session.run({ x: ones(), y: ones() });
      strictEqual(out.data[0], 2, "the session still runs after the caller's mistakes");
    } finally {
      session.dispose();
    }
    await rejects(
      session.run([ones(), ones()]),
      (e: Error) => e instanceof UsageError && /disposed/.test(e.message),
    );
  });
}

Deno.test("a lost device is reported on the next run, not as a hang", async () => {
  const gpu = await acquireDevice();
  const session = await createSession(addRelu(), { device: gpu });
  await session.run([ones(), ones()]);
  gpu.device.destroy();
  await gpu.device.lost;
  await rejects(
    session.run([ones(), ones()]),
    (e: Error) => e instanceof GpuError && /lost/.test(e.message),
  );
  session.dispose();
});

Deno.test("nodes whose tensors pass the device's binding limit run on the CPU, saying why", async () => {
  const gpu = await testDevice();
  const limit = gpu.device.limits.maxStorageBufferBindingSize;
  const side = Math.ceil(Math.sqrt(limit / 16)) + 16;
  using session = await createSession(addRelu([1, side, side, 4]), { device: gpu });
  // ADD and RELU fuse into one node.
  ok(session.placement.length >= 1);
  for (const p of session.placement) {
    strictEqual(p.backend, "cpu");
    ok(/more than one GPU storage buffer holds/.test(p.reason ?? ""), p.reason);
  }
  ok(/"x"/.test(session.placement[0].reason ?? ""), session.placement[0].reason);
});

Deno.test("precision f16 without shader-f16 and unknown backends are clear errors", async () => {
  await rejects(
    createSession(addRelu(), { backend: "tpu" as "gpu" }),
    (e: Error) => e instanceof UsageError && /Unknown backend "tpu"/.test(e.message),
  );
  const gpu = await testDevice();
  if (!gpu.device.features.has("shader-f16")) {
    await rejects(createSession(addRelu(), { device: gpu, precision: "f16" }), GpuError);
  } else {
    const s = await createSession(addRelu(), { device: gpu, precision: "f16" });
    const [out] = await s.run([ones(), ones()]);
    ok(Math.abs(Number(out.data[3]) - 2) < 1e-3);
    s.dispose();
  }
});

Deno.test("runMany() pipelines inferences on the GPU and returns each one's own outputs", async () => {
  const session = await createSession(addRelu(), { device: await testDevice() });
  try {
    const batches = [1, 2, 3, 4, 5].map((
      k,
    ) => [new Float32Array(n).fill(k), new Float32Array(n).fill(-1)]);
    const results = await session.runMany(batches, { depth: 3 });
    strictEqual(results.length, 5);
    results.forEach((outs, k) => {
      strictEqual(outs[0].data[0], k, `inference ${k} got its own input`);
      strictEqual(outs[0].data[n - 1], k);
    });
  } finally {
    session.dispose();
  }
});

for (const backend of ["gpu", "cpu", "reference"] as const) {
  Deno.test(`${backend} session: 8 concurrent runs give 8 correct, distinct results`, async () => {
    const session = await createSession(addRelu(), { backend, device: await testDevice() });
    try {
      const feeds = Array.from({ length: 8 }, (_, i) => [
        new Float32Array(n).fill(i - 2),
        new Float32Array(n).fill(0.5),
      ]);
      const results = await Promise.all(feeds.map((f) => session.run(f)));
      results.forEach((outs, i) => {
        const want = Math.max(0, i - 2 + 0.5);
        ok((outs[0].data as Float32Array).every((v) => v === want), `run ${i}`);
        strictEqual(outs.byName[session.outputs[0].name], outs[0]);
      });
    } finally {
      session.dispose();
    }
  });
}

Deno.test("dispose during a run lets the run finish and refuses later runs", async () => {
  const session = await createSession(addRelu(), { backend: "gpu", device: await testDevice() });
  const running = session.run([ones(), ones()]);
  session.dispose();
  const [out] = await running;
  strictEqual((out.data as Float32Array)[0], 2);
  await rejects(session.run([ones(), ones()]), UsageError);
});

Deno.test("using frees a session at the end of its block", async () => {
  let outside: { run: (i: Float32Array[]) => Promise<unknown> } | undefined;
  {
    using session = await createSession(addRelu(), { backend: "reference" });
    outside = session;
    strictEqual((await session.run([ones(), ones()]))[0].shape.length, 4);
  }
  await rejects(outside.run([ones(), ones()]), UsageError);
});

Deno.test("the cooperative backend runs a model from createSession", async () => {
  const session = await createSession(addRelu([1, 8, 8, 8]), {
    backend: "cooperative",
    device: await testDevice(),
    threads: 1,
  });
  try {
    const m = 8 * 8 * 8;
    const [out] = await session.run([new Float32Array(m).fill(1), new Float32Array(m).fill(-3)]);
    ok((out.data as Float32Array).every((v) => v === 0));
    // ADD and RELU fuse into one node; the predictor puts it on one processor or splits it.
    strictEqual(session.placement.length, 1);
    ok(["gpu", "cpu"].includes(session.placement[0].backend));
  } finally {
    session.dispose();
  }
});
