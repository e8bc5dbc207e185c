import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { DEFAULT_LIMITS, oversizedTensor, placeNodes } from "./placement.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { kernelFor } from "../../kernels/registry.ts";
import { GraphBuilder } from "../../format/tflite/mod.ts";

/** x [1,64,64,8] -> RELU -> y; y + y -> z (each f32 tensor: 131072 bytes in PHWC4). */
function reluAdd() {
  const g = new GraphBuilder();
  const shape = [1, 64, 64, 8];
  const x = g.input("x", "float32", shape);
  const [y] = g.op("RELU", [x], [{ dtype: "float32", shape }]);
  const [z] = g.op("ADD", [y, y], [{ dtype: "float32", shape }]);
  g.output(z);
  return buildExecGraph(g.build().subgraphs[0], kernelFor);
}

Deno.test("placeNodes() sends a node whose tensor passes the binding limit to the CPU, naming it", () => {
  const graph = reluAdd();
  const limits = { ...DEFAULT_LIMITS, maxStorageBufferBindingSize: 131072 - 16 };
  const { placement, programs } = placeNodes(graph, { limits, refinePartition: false });
  deepStrictEqual(placement.map((p) => p.backend), ["cpu", "cpu"]);
  ok(placement[0].reason?.startsWith('tensor 0 "x" needs 131072 bytes'), placement[0].reason);
  ok(/maxStorageBufferBindingSize 131056/.test(placement[1].reason ?? ""), placement[1].reason);
  deepStrictEqual(programs, [undefined, undefined]);
});

Deno.test("placeNodes() keeps nodes on the GPU when their tensors fit exactly", () => {
  const graph = reluAdd();
  const limits = { ...DEFAULT_LIMITS, maxStorageBufferBindingSize: 131072 };
  const { placement } = placeNodes(graph, { limits, refinePartition: false });
  deepStrictEqual(placement.map((p) => p.backend), ["gpu", "gpu"]);
});

Deno.test("oversizedTensor() counts f16 storage at two bytes per element", () => {
  const tensors = [{ name: "x", dtype: "float32" as const, shape: [1, 64, 64, 8] }];
  const node = { inputs: [0], outputs: [], epilogue: [] };
  strictEqual(oversizedTensor(tensors, node, { precision: "f16", maxBytes: 65536 }), undefined);
  ok(oversizedTensor(tensors, node, { precision: "f32", maxBytes: 65536 }));
});
