import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert";
import { createSession, sessionInternals } from "./session.ts";
import {
  buildDynamicDilatedModel,
  DYNAMIC_IN_CHANNELS,
  DYNAMIC_OUT_CHANNELS,
} from "./dynamic_model_testing.ts";
import { GraphBuilder } from "../format/tflite/builder.ts";
import { readModel } from "../format/tflite/reader.ts";
import { writeModel } from "../format/tflite/writer.ts";
import { UsageError } from "../core/errors.ts";
import { compareTensors } from "../conformance/compare.ts";
import type { HostTensor } from "../core/kernel.ts";
import type { Model } from "../core/ir.ts";

const SIZES: [number, number, number][] = [[1, 8, 8], [2, 7, 9], [1, 13, 6]];

function image(n: number, h: number, w: number): HostTensor {
  const data = new Float32Array(n * h * w * DYNAMIC_IN_CHANNELS).map((_, i) => Math.sin(i * 0.37));
  return { dtype: "float32", shape: [n, h, w, DYNAMIC_IN_CHANNELS], data };
}

/** The same convolution as one CONV_2D node with dilation 2 and SAME padding, at a static shape. */
function directModel(dynamic: Model, shape: number[]): Model {
  const src = dynamic.subgraphs[0];
  const tensor = (name: string) => src.tensors.find((t) => t.name === name)!;
  const g = new GraphBuilder();
  const x = g.input("x", "float32", shape);
  const w = tensor("w");
  const b = tensor("bias");
  const [y] = g.op(
    "CONV_2D",
    [
      x,
      g.constant("w", "float32", w.shape, new Float32Array(w.data!.slice().buffer)),
      g.constant("bias", "float32", b.shape, new Float32Array(b.data!.slice().buffer)),
    ],
    [{ dtype: "float32", shape: [shape[0], shape[1], shape[2], DYNAMIC_OUT_CHANNELS] }],
    {
      options: {
        padding: "SAME",
        strideW: 1,
        strideH: 1,
        dilationWFactor: 2,
        dilationHFactor: 2,
        fusedActivationFunction: "RELU",
      },
    },
  );
  g.output(y);
  return g.build();
}

Deno.test("a converter-style dynamic model runs at three sizes on every backend and equals a dilated CONV_2D", async () => {
  // Through the file format, as a user's model would come.
  const model = readModel(writeModel(buildDynamicDilatedModel()));
  // With the passes the three ops become one dilated CONV_2D; without, they run as written.
  const sessions = await Promise.all(
    (["reference", "cpu", "gpu"] as const).flatMap((backend) =>
      [true, false].map((passes) =>
        createSession(model, {
          backend,
          passes,
          inputShapes: { x: [1, 8, 8, DYNAMIC_IN_CHANNELS] },
        })
      )
    ),
  );
  try {
    for (const [n, h, w] of SIZES) {
      const x = image(n, h, w);
      const direct = await createSession(directModel(model, x.shape), { backend: "reference" });
      const [want] = await direct.run([x]);
      direct.dispose();
      for (const s of sessions) {
        const [got] = await s.run([x]);
        deepStrictEqual(got.shape, [n, h * w, DYNAMIC_OUT_CHANNELS], `${s.backend} at ${x.shape}`);
        const d = compareTensors(got, { ...want, shape: got.shape });
        ok((got.data as Float32Array).some((v) => v > 0), "the output is not all zero");
        ok(d.maxAbs < 1e-4, `${s.backend} at [${x.shape}]: max difference ${d.maxAbs}`);
        const g = sessionInternals(s).graph;
        ok(g.hostFolded?.includes("SHAPE#0"), "the shape computation is folded at binding");
        ok(!g.nodes.some((node) => node.op === "SHAPE" || node.op === "PACK"));
        ok(
          g.nodes.length === (s.passes.length > 0 ? 2 : 4),
          `${s.backend}: ${g.nodes.length} nodes`,
        );
      }
    }
  } finally {
    for (const s of sessions) s.dispose();
  }
});

Deno.test("a run with other input shapes builds a plan once and reuses it", async () => {
  const model = buildDynamicDilatedModel();
  const s = await createSession(model, { backend: "cpu", inputShapes: [[1, 8, 8, 3]] });
  try {
    const first = sessionInternals(s).graph;
    await s.run([image(2, 7, 9)]);
    const second = sessionInternals(s).graph;
    ok(first !== second, "another shape set has its own graph");
    deepStrictEqual(second.tensors[second.inputs[0]].shape, [2, 7, 9, 3]);
    await s.run([image(1, 8, 8)]);
    strictEqual(sessionInternals(s).graph, first, "the first plan is reused");
    await s.run([image(2, 7, 9)]);
    strictEqual(sessionInternals(s).graph, second, "the second plan is cached");
    deepStrictEqual(s.inputs[0].shape, [1, 8, 8, 3], "inputs describe the creation shapes");
    await rejects(
      () => s.run([{ dtype: "float32", shape: [1, 8, 8, 5], data: new Float32Array(320) }]),
      (e: Error) =>
        e instanceof UsageError &&
        /must have shape \[-1,-1,-1,3\] \(-1: any size\), got \[1,8,8,5\]/.test(e.message),
      "a static dimension cannot change",
    );
  } finally {
    s.dispose();
  }
});

Deno.test("a dynamic input without a shape is a UsageError naming the input and its dimensions", async () => {
  await rejects(
    () => createSession(buildDynamicDilatedModel(), { backend: "reference" }),
    (e: Error) =>
      e instanceof UsageError &&
      /Input 0 "x" has dynamic dimensions \[-1,-1,-1,3\]/.test(e.message),
  );
  await rejects(
    () =>
      createSession(buildDynamicDilatedModel(), {
        backend: "reference",
        inputShapes: [[1, 8, 8, 4]],
      }),
    (e: Error) => e instanceof UsageError && /\[1,8,8,4\] does not fit/.test(e.message),
  );
  await rejects(
    () =>
      createSession(buildDynamicDilatedModel(), { backend: "reference", inputShapes: { z: [1] } }),
    (e: Error) => e instanceof UsageError && /Unknown input name "z"/.test(e.message),
  );
});

Deno.test("inputs and outputs answer to their signature names", async () => {
  const g = new GraphBuilder();
  const a = g.input("serving_default_a:0", "float32", [2]);
  const b = g.input("serving_default_b:0", "float32", [2]);
  const [y] = g.op("ADD", [a, b], [{ dtype: "float32", shape: [2], name: "PartitionedCall:0" }]);
  g.output(y);
  const model = g.build();
  model.signatures = [{
    key: "serving_default",
    subgraph: 0,
    inputs: [{ name: "a", tensor: a }, { name: "b", tensor: b }],
    outputs: [{ name: "sum", tensor: y }],
  }];
  const s = await createSession(readModel(writeModel(model)), { backend: "reference" });
  try {
    strictEqual(s.inputs[1].signatureName, "b");
    const out = await s.run({
      a: new Float32Array([1, 2]),
      "serving_default_b:0": new Float32Array([10, 20]),
    });
    deepStrictEqual([...out.byName.sum.data], [11, 22]);
    strictEqual(out.byName["PartitionedCall:0"], out[0]);
    await rejects(
      () => createSession(model, { signature: "nope", backend: "reference" }),
      (e: Error) =>
        e instanceof UsageError && /no signature "nope"; it has "serving_default"/.test(e.message),
    );
  } finally {
    s.dispose();
  }
});

Deno.test("a session keeps at most eight plans and frees the least recently used", async () => {
  const s = await createSession(buildDynamicDilatedModel(), {
    backend: "reference",
    inputShapes: [[1, 4, 4, 3]],
  });
  try {
    const first = sessionInternals(s).graph;
    for (let h = 5; h <= 12; h++) await s.run([image(1, h, 4)]);
    await s.run([image(1, 4, 4)]);
    ok(sessionInternals(s).graph !== first, "the first plan was freed and is built again");
    const again = sessionInternals(s).graph;
    await s.run([image(1, 12, 4)]);
    await s.run([image(1, 4, 4)]);
    strictEqual(sessionInternals(s).graph, again, "recent plans stay cached");
  } finally {
    s.dispose();
  }
});
