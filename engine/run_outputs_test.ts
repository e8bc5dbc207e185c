/**
 * `session.run(inputs, { outputs })`: the caller's arrays come back filled, on every backend, for
 * float32 and int32 outputs, by position and by name; arrays that do not fit are clear errors.
 * `session.run(inputs, { zeroCopy: true })`: views of the GPU's readback, equal to the copies, valid
 * until the next run detaches them.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert";
import { createSession } from "./session.ts";
import { GraphBuilder } from "../format/tflite/mod.ts";
import type { Model } from "../core/ir.ts";
import { UsageError } from "../core/errors.ts";
import { testDevice } from "../conformance/testing.ts";

/** `sum = x + y` (float32 [1,4,4,3]) and `arg = argmax(sum, axis 3)` (int32 [1,4,4]). */
function sumAndArgMax(): Model {
  const shape = [1, 4, 4, 3];
  const b = new GraphBuilder();
  const x = b.input("x", "float32", shape);
  const y = b.input("y", "float32", shape);
  const [sum] = b.op("ADD", [x, y], [{ dtype: "float32", shape, name: "sum" }]);
  const axis = b.constant("axis", "int32", [1], new Int32Array([3]));
  const [arg] = b.op("ARG_MAX", [sum, axis], [{ dtype: "int32", shape: [1, 4, 4], name: "arg" }], {
    options: { outputType: "INT32" },
  });
  b.output(sum, arg);
  return b.build();
}

const ramp = (k: number) => Float32Array.from({ length: 48 }, (_, i) => ((i * 7 + k) % 11) - 5);

for (const backend of ["gpu", "cpu", "reference"] as const) {
  Deno.test(`${backend} session fills the caller's output arrays, run after run`, async () => {
    const session = await createSession(sumAndArgMax(), {
      backend,
      device: await testDevice(),
      threads: 1,
    });
    try {
      const sum = new Float32Array(48);
      const arg = new Int32Array(16);
      for (const k of [0, 3]) {
        const fresh = await session.run([ramp(k), ramp(k + 1)]);
        const filled = await session.run([ramp(k), ramp(k + 1)], { outputs: [sum, arg] });
        strictEqual(filled[0].data, sum, "output 0 is the caller's array");
        strictEqual(filled[1].data, arg, "output 1 is the caller's array");
        strictEqual(filled.byName["arg"].data, arg);
        deepStrictEqual([...sum], [...fresh[0].data], `sum, run ${k}`);
        deepStrictEqual([...arg], [...fresh[1].data], `argmax, run ${k}`);
        deepStrictEqual(filled[0].shape, fresh[0].shape);
      }
      const byName = new Int32Array(16);
      const r = await session.run([ramp(5), ramp(6)], { outputs: { arg: byName } });
      strictEqual(r[1].data, byName, "by name");
      ok(r[0].data !== sum, "an output without an array gets a fresh one");
    } finally {
      session.dispose();
    }
  });
}

for (const backend of ["gpu", "cpu"] as const) {
  Deno.test(`${backend} session: zeroCopy outputs equal the copies and last until the next run`, async () => {
    const session = await createSession(sumAndArgMax(), {
      backend,
      device: await testDevice(),
      threads: 1,
    });
    try {
      const fresh = await session.run([ramp(2), ramp(3)]);
      const views = await session.run([ramp(2), ramp(3)], { zeroCopy: true });
      deepStrictEqual([...views[0].data], [...fresh[0].data], "sum");
      deepStrictEqual([...views[1].data], [...fresh[1].data], "argmax");
      ok(views[0].data instanceof Float32Array && views[1].data instanceof Int32Array);
      const next = await session.run([ramp(4), ramp(5)], { zeroCopy: true });
      deepStrictEqual([...next[0].data], [...(await session.run([ramp(4), ramp(5)]))[0].data]);
      if (backend === "gpu") {
        // The GPU's views are of its readback memory: the next run unmapped (detached) them.
        strictEqual(views[0].data.length, 0, "the first views are detached");
        strictEqual(next[0].data.length, 0, "a run without zeroCopy detaches them too");
        const batch = await session.run([ramp(6), ramp(7)], { zeroCopy: true });
        const many = await session.runMany([[ramp(6), ramp(7)]]);
        strictEqual(batch[0].data.length, 0, "runMany detaches them");
        strictEqual(many[0][0].data.length, 48);
      } else {
        strictEqual(views[0].data.length, 48, "other backends' outputs are fresh arrays");
      }
      await rejects(
        session.run([ramp(0), ramp(1)], { zeroCopy: true, outputs: [new Float32Array(48)] }),
        (e: Error) => e instanceof UsageError && /pass one of them/.test(e.message),
      );
    } finally {
      session.dispose();
    }
  });
}

Deno.test("output arrays that do not fit are clear errors and the session stays usable", async () => {
  const session = await createSession(sumAndArgMax(), { device: await testDevice() });
  try {
    const run = (outputs: unknown) =>
      session.run([ramp(0), ramp(1)], { outputs: outputs as Int32Array[] });
    await rejects(
      run([new Int32Array(48)]),
      (e: Error) =>
        e instanceof UsageError &&
        /Output 0 "sum" holds float32 values; a Int32Array was given to fill \(use Float32Array\)/
          .test(e.message),
    );
    await rejects(
      run([undefined, new Int32Array(15)]),
      (e: Error) =>
        e instanceof UsageError &&
        /Output 1 "arg": the array given holds 15 elements; the output \[1,4,4\] has 16/.test(
          e.message,
        ),
    );
    await rejects(
      run({ scores: new Float32Array(48) }),
      (e: Error) =>
        e instanceof UsageError && /Unknown output name "scores"; .*"sum", "arg"/.test(e.message),
    );
    await rejects(
      run([new Float32Array(48), new Int32Array(16), new Float32Array(1)]),
      (e: Error) => e instanceof UsageError && /3 output arrays; the model has 2/.test(e.message),
    );
    const shared = new ArrayBuffer(48 * 4 + 16 * 4);
    await rejects(
      run([new Float32Array(shared, 0, 48), new Int32Array(shared, 48 * 4, 16)]),
      (e: Error) => e instanceof UsageError && /shares memory with another output/.test(e.message),
    );
    await rejects(
      run(new Float32Array(48)),
      (e: Error) =>
        e instanceof UsageError && /one typed array \(or undefined\) per/.test(e.message),
    );
    await rejects(
      session.run([ramp(0), ramp(1)], null as unknown as { outputs: [] }),
      (e: Error) => e instanceof UsageError && /run's options must be an object/.test(e.message),
    );
    const [sum] = await session.run([ramp(0), ramp(1)]);
    strictEqual(sum.data[0], ramp(0)[0] + ramp(1)[0], "the session still runs");
  } finally {
    session.dispose();
  }
});
