import assert from "node:assert/strict";
import type { Graph, Tensor } from "./ir.ts";
import { consumers, producers, topologicalCheck, topologyIssues } from "./topology.ts";

const t = (name: string, extra: Partial<Tensor> = {}): Tensor => ({
  name,
  dtype: "float32",
  shape: [2],
  ...extra,
});

function graph(): Graph {
  return {
    name: "",
    tensors: [
      t("x"),
      t("w", { data: new Uint8Array(8) }),
      t("a"),
      t("b"),
      t("empty", { shape: [0] }),
    ],
    inputs: [0],
    outputs: [3],
    nodes: [
      { op: "ADD", version: 1, inputs: [0, 1], outputs: [2], options: {} },
      { op: "MUL", version: 1, inputs: [2, 2, 4, -1], outputs: [3], options: {} },
    ],
  };
}

Deno.test("producers() and consumers() index nodes by tensor", () => {
  assert.deepEqual(producers(graph()), [-1, -1, 0, 1, -1]);
  assert.deepEqual(consumers(graph()), [[0], [0], [1], [], [1]]);
});

Deno.test("topologicalCheck() accepts inputs, constants and empty tensors", () => {
  assert.equal(topologicalCheck(graph()), undefined);
});

Deno.test("topologyIssues() reports dangling and out-of-order reads once each", () => {
  const g = graph();
  g.nodes.reverse();
  assert.deepEqual(topologyIssues(g), [{ node: 0, tensor: 2, producer: 1 }]);
  g.tensors.push(t("ghost"));
  g.nodes[1].inputs.push(5, 5);
  assert.deepEqual(topologyIssues(g), [{ node: 0, tensor: 2, producer: 1 }, {
    node: 1,
    tensor: 5,
    producer: -1,
  }]);
});
