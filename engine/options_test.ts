import { ok, rejects, strictEqual, throws } from "node:assert";
import { UsageError } from "../core/errors.ts";
import { GraphBuilder } from "../format/tflite/mod.ts";
import { maxThreads, normalizeInputs, validateSessionOptions } from "./options.ts";
import { createSession } from "./session.ts";

function usage(f: () => unknown): string {
  let message = "";
  throws(f, (e: Error) => {
    ok(e instanceof UsageError, String(e));
    message = e.message;
    return true;
  });
  ok(!message.includes("\n") && !message.endsWith("."), message);
  return message;
}

Deno.test("validateSessionOptions() refuses each bad option with a one-line UsageError", () => {
  const bad: Record<string, unknown>[] = [
    { backend: "tpu" },
    { provider: "metal" },
    { precision: "f64" },
    { weightPrecision: 16 },
    { strategy: "BOGUS" },
    { strategy: 3 },
    { threads: 0 },
    { threads: NaN },
    { threads: 1.5 },
    { threads: maxThreads() + 1 },
    { rejectNaN: "no" },
    { profile: 1 },
    { passes: "all" },
    { cpuNodes: [-1] },
    { inspect: "3" },
    { maxTensorBytes: 0 },
    { device: {} },
  ];
  for (const options of bad) {
    const message = usage(() => validateSessionOptions(options));
    ok(message.includes(Object.keys(options)[0]) || message.startsWith("Unknown"), message);
  }
  strictEqual(
    usage(() => validateSessionOptions(null)),
    "Session options must be an object, got null",
  );
});

Deno.test("validateSessionOptions() accepts good options, strategies in any case", () => {
  validateSessionOptions(undefined);
  validateSessionOptions({});
  validateSessionOptions({ backend: "cpu", threads: 1, strategy: "greedy_best", rejectNaN: false });
  validateSessionOptions({ strategy: "gpulite-offsets", precision: "f16", passes: ["fuse"] });
  validateSessionOptions({ threads: maxThreads(), passes: false, cpuNodes: [0, 2] });
});

Deno.test("normalizeInputs() refuses null, plain arrays and tensors without a shape", () => {
  const specs = [{ name: "x", dtype: "float32" }];
  ok(usage(() => normalizeInputs(null, specs)).startsWith("Inputs must be an array"));
  ok(usage(() => normalizeInputs(new Float32Array(4), specs)).startsWith("Inputs must be"));
  strictEqual(usage(() => normalizeInputs([null], specs)), 'Input 0 "x" is missing');
  ok(usage(() => normalizeInputs([[1, 2]], specs)).includes("plain array"));
  ok(usage(() => normalizeInputs([{ data: new Float32Array(4) }], specs)).includes("shape"));
  ok(usage(() => normalizeInputs([{ shape: [4], data: [1, 2, 3, 4] }], specs)).includes("data"));
  ok(usage(() => normalizeInputs({ y: new Float32Array(4) }, specs)).startsWith("Unknown input"));
  strictEqual(normalizeInputs({ x: new Float32Array(4) }, specs).length, 1);
});

function reluModel() {
  const b = new GraphBuilder();
  const x = b.input("x", "float32", [1, 4]);
  b.output(b.op("RELU", [x], [{ dtype: "float32", shape: [1, 4] }])[0]);
  return b.build();
}

for (const backend of ["reference", "cpu"] as const) {
  Deno.test(`${backend} session: bad arguments are UsageErrors and the session stays usable`, async () => {
    // deno-lint-ignore no-explicit-any
    const anyArgs = (x: unknown) => x as any;
    await rejects(createSession(anyArgs(null), { backend }), UsageError);
    await rejects(createSession(reluModel(), { backend, strategy: "BOGUS" }), UsageError);
    await rejects(createSession(reluModel(), anyArgs({ backend, threads: 0 })), UsageError);
    const session = await createSession(reluModel(), { backend, threads: 1 });
    try {
      for (const bad of [null, [null], [[1, 2, 3, 4]], [{ data: new Float32Array(4) }]]) {
        await rejects(session.run(anyArgs(bad)), UsageError);
      }
      const [y] = await session.run([new Float32Array([-1, 2, -3, 4])]);
      strictEqual([...y.data].join(), "0,2,0,4");
    } finally {
      session.dispose();
    }
  });
}
