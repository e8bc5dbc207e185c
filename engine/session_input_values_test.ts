import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert";
import { createSession, loadModel } from "./session.ts";
import { orderInputValues, variantKey } from "./options.ts";
import { ValueNeededError } from "../core/errors.ts";
import type { HostTensor } from "../core/kernel.ts";

const OPS = new URL("../../shared/models/ops/", import.meta.url);

function filled(shape: number[], v: number): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: "float32", shape, data: new Float32Array(n).fill(v) };
}

Deno.test("orderInputValues() places values by name or position and types bare arrays", () => {
  const specs = [{ name: "x", dtype: "float32" }, { name: "k", dtype: "int32", aliases: ["kk"] }];
  const byName = orderInputValues({ kk: Int32Array.of(4) }, { specs, shapes: [[2], []] });
  strictEqual(byName[0], undefined);
  deepStrictEqual([byName[1]!.dtype, byName[1]!.shape, [...byName[1]!.data]], ["int32", [], [4]]);
  const byPosition = orderInputValues([undefined, Int32Array.of(5)], { specs, shapes: [[2], []] });
  strictEqual(Number(byPosition[1]!.data[0]), 5);
});

Deno.test("variantKey() tells plans apart by the values of pinned inputs only", () => {
  const k = (v: number): HostTensor => ({ dtype: "int32", shape: [], data: Int32Array.of(v) });
  strictEqual(variantKey([[1, 8]], []), "1x8");
  ok(variantKey([[1, 8], []], [undefined, k(3)]) !== variantKey([[1, 8], []], [undefined, k(4)]));
});

Deno.test("a model whose shapes follow an input's value names that input, then runs with its value", async () => {
  // TensorFlow Lite's Java test feeds x = 2, y = 0.5, z = 1 and expects [8, 1, 1024] of 2.
  const model = await loadModel(new URL("tflite_testdata__dynamic_shapes.tflite", OPS));
  const err = await rejects(createSession(model, { backend: "reference" }), (e: unknown) => {
    ok(e instanceof ValueNeededError, String(e));
    deepStrictEqual(e.inputs, [2]);
    ok(e.message.includes('input 2 "z"'), e.message);
    return true;
  });
  strictEqual(err, undefined);
  const x = filled([8, 42, 1024], 2);
  const y = filled([1, 90, 1024], 0.5);
  using session = await createSession(model, {
    backend: "reference",
    inputValues: { z: filled([1, 1], 1) },
  });
  const [out] = await session.run([x, y, filled([1, 1], 1)]);
  deepStrictEqual(out.shape, [8, 1, 1024]);
  ok((out.data as Float32Array).every((v) => Math.abs(v - 2) < 1e-5));
  // Another value of z: another plan, with the shape that value gives.
  const [out3] = await session.run([x, y, filled([1, 1], 3)]);
  deepStrictEqual(out3.shape, [8, 3, 1024]);
  ok((out3.data as Float32Array).every((v) => Math.abs(v - 2) < 1e-5));
});

Deno.test("TILE with multiples fed as an input tiles as TensorFlow Lite's Java test expects", async () => {
  const model = await loadModel(new URL("java_testdata__tile_with_bool_input.tflite", OPS));
  const input: HostTensor = {
    dtype: "bool",
    shape: [2, 2, 2],
    data: Uint8Array.of(1, 0, 0, 1, 1, 1, 0, 1),
  };
  const multiples: HostTensor = { dtype: "int32", shape: [3], data: Int32Array.of(1, 1, 2) };
  using session = await createSession(model, {
    backend: "cpu",
    inputValues: { multiplier: multiples },
  });
  const [out] = await session.run([input, multiples]);
  deepStrictEqual(out.shape, [2, 2, 4]);
  deepStrictEqual([...out.data], [1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1]);
});

Deno.test("TOPK_V2 with k fed as an input keeps k values per row", async () => {
  const model = await loadModel(new URL("litert_test__simple_topk_op_runtime_k.tflite", OPS));
  const k = (v: number): HostTensor => ({ dtype: "int32", shape: [], data: Int32Array.of(v) });
  const x: HostTensor = {
    dtype: "float32",
    shape: [1, 128],
    data: Float32Array.from({ length: 128 }, (_, i) => (i * 37) % 128),
  };
  using session = await createSession(model, { backend: "reference", inputValues: [k(3)] });
  const [indices, values] = await session.run([k(3), x]);
  deepStrictEqual([...values.data], [127, 126, 125]);
  deepStrictEqual([...indices.data].map((i) => (Number(i) * 37) % 128), [127, 126, 125]);
  const [, five] = await session.run([k(5), x]);
  deepStrictEqual([...five.data], [127, 126, 125, 124, 123]);
});
