import { rejects, strictEqual } from "node:assert/strict";
import { createSession, loadModel, sessionInternals } from "../../session.ts";
import { UnsupportedError } from "../../../core/errors.ts";
import type { Graph, Model } from "../../../core/ir.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import { seededRandom } from "../../../core/random.ts";
import { runQuantReference } from "../../../kernels/_cpu/_quant_reference.ts";

const MODEL = new URL(
  "../../../../shared/models/quantized/mobilenet_v2_1.0_224_quant.tflite",
  import.meta.url,
).pathname;

Deno.test("createSession({ backend: 'cpu' }) runs the 8-bit MobileNet v2 on the fast 8-bit kernels, bit for bit", async () => {
  const model = await loadModel(MODEL);
  const session = await createSession(model, { backend: "cpu", threads: 2 });
  try {
    const { graph } = sessionInternals(session);
    strictEqual(graph.nodes.every((n) => n.quant === true), true, "every node binds in 8-bit mode");
    const slow = session.placement.filter((p) => p.reason !== undefined);
    strictEqual(slow.length, 0, `nodes off the fast path: ${slow.map((p) => p.op).join(", ")}`);
    const rand = seededRandom(5);
    const t = graph.tensors[graph.inputs[0]];
    const x: HostTensor = {
      dtype: "uint8",
      shape: [...t.shape],
      quantization: t.quantization,
      data: new Uint8Array(224 * 224 * 3).map(() => Math.floor(rand() * 256)),
    };
    const [got] = await session.run([x]);
    const [want] = runQuantReference(graph, [x]);
    strictEqual(got.dtype, "uint8");
    strictEqual(got.data.length, want.data.length);
    const diff = got.data.findIndex((v, i) => v !== want.data[i]);
    strictEqual(diff, -1, `first difference at ${diff}`);
  } finally {
    session.dispose();
  }
});

Deno.test("createSession() refuses an 8-bit node that no kernel runs, naming node, op and dtype", async () => {
  const q = { scale: [0.1], zeroPoint: [3], quantizedDimension: 0 };
  const graph: Graph = {
    name: "g",
    inputs: [0],
    outputs: [1],
    tensors: [
      { name: "x", dtype: "uint8", shape: [1, 4], quantization: q },
      { name: "y", dtype: "uint8", shape: [1, 4], quantization: q },
    ],
    nodes: [{ op: "SQRT", version: 1, inputs: [0], outputs: [1], options: {} }],
  };
  const model: Model = {
    version: 3,
    description: "",
    subgraphs: [graph],
    signatures: [],
    metadata: [],
  };
  await rejects(
    () => createSession(model, { backend: "cpu", threads: 1 }),
    (e: Error) =>
      e instanceof UnsupportedError && /Node 0 \(SQRT\)/.test(e.message) &&
      /uint8/.test(e.message),
  );
});
