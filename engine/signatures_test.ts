import { deepStrictEqual, strictEqual } from "node:assert";
import { createSession, loadModel } from "./session.ts";

const OPS = new URL("../../shared/models/ops/", import.meta.url);

Deno.test("the signature option runs that signature's subgraph, with its input and output names", async () => {
  const model = await loadModel(new URL("litertjs__multi_signature_model.tflite", OPS));
  const a = new Float32Array(100).map((_, i) => i / 10);
  const b = new Float32Array(100).fill(2);
  const expect: Record<string, (x: number, y: number) => number> = {
    add: (x, y) => x + y,
    mul: (x, y) => x * y,
    sub: (x, y) => x - y,
  };
  for (const sig of model.signatures) {
    // The graphs list their inputs as b, a: names, not positions, decide what SUB subtracts.
    const s = await createSession(model, { backend: "reference", signature: sig.key });
    try {
      strictEqual(s.inputs.map((i) => i.signatureName).sort().join(), "a,b");
      const out = await s.run({ a, b });
      const want = Array.from(a, (x, i) => Math.fround(expect[sig.key](x, b[i])));
      deepStrictEqual([...out.byName.output.data], want, sig.key);
    } finally {
      s.dispose();
    }
  }
});
