import { deepStrictEqual, ok, strictEqual, throws } from "node:assert";
import { checkInputValue, inputsFeeding, valueNeededFrom } from "./value_inputs.ts";
import { OpError, UsageError, ValueNeededError } from "./errors.ts";
import type { Graph } from "./ir.ts";

// x (input 0) and z (input 1); n0: c = CAST(z); n1: y = TILE(x, c).
const graph: Graph = {
  name: "",
  inputs: [0, 1],
  outputs: [3],
  tensors: [
    { name: "x", dtype: "float32", shape: [2] },
    { name: "z", dtype: "float32", shape: [1] },
    { name: "c", dtype: "int32", shape: [1] },
    { name: "y", dtype: "float32", shape: [-1] },
    { name: "m", dtype: "int32", shape: [1], data: new Uint8Array(4) },
  ],
  nodes: [
    { op: "CAST", version: 1, inputs: [1], outputs: [2], options: {} },
    { op: "TILE", version: 1, inputs: [0, 2], outputs: [3], options: {} },
  ],
};

Deno.test("inputsFeeding() follows producers back to the graph inputs", () => {
  deepStrictEqual(inputsFeeding(graph, 2), [1]);
  deepStrictEqual(inputsFeeding(graph, 3), [0, 1]);
  deepStrictEqual(inputsFeeding(graph, 4), []);
});

Deno.test("valueNeededFrom() names the graph inputs behind the operand an op needs", () => {
  const op = new ValueNeededError("TILE: input 1 must be a constant tensor", { operand: 1 });
  const wrapped = new ValueNeededError(`Node 1 (TILE): ${op.message}`, { cause: op });
  const e = valueNeededFrom(wrapped, { graph, node: 1 });
  ok(e instanceof ValueNeededError && e instanceof OpError);
  deepStrictEqual(e.inputs, [1]);
  ok(e.message.startsWith("Node 1 (TILE): TILE: input 1"), e.message);
  ok(e.message.includes('input 1 "z"'), e.message);
});

Deno.test("valueNeededFrom() leaves other errors and constant-only operands alone", () => {
  strictEqual(valueNeededFrom(new OpError("TILE: bad"), { graph, node: 1 }), undefined);
  const constant: Graph = { ...graph, nodes: [{ ...graph.nodes[1], inputs: [0, 4] }] };
  const op = new ValueNeededError("TILE: input 1", { operand: 1 });
  strictEqual(valueNeededFrom(op, { graph: constant, node: 0 }), undefined);
});

Deno.test("checkInputValue() refuses a value of another dtype or shape", () => {
  const input = { name: "k", dtype: "int32", shape: [], position: 0 };
  checkInputValue({ dtype: "int32", shape: [], data: Int32Array.of(1) }, input);
  throws(
    () => checkInputValue({ dtype: "float32", shape: [], data: Float32Array.of(1) }, input),
    UsageError,
  );
  throws(
    () => checkInputValue({ dtype: "int32", shape: [2], data: Int32Array.of(1, 2) }, input),
    /has shape \[\], the value given has shape \[2\]/,
  );
});

Deno.test("valueNeededFrom() leaves a value a nested graph needs from its own inputs alone", () => {
  const op = new ValueNeededError("TILE: input 1", { operand: 1 });
  const nested = new ValueNeededError("Node 0 (TILE): TILE: input 1; from input 0", {
    cause: op,
    inputs: [0],
  });
  const atWhile = new ValueNeededError(`Node 1 (WHILE): ${nested.message}`, { cause: nested });
  strictEqual(valueNeededFrom(atWhile, { graph, node: 1 }), undefined);
});
