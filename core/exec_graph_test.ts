import { deepStrictEqual, ok, throws } from "node:assert";
import { ModelFormatError, UsageError } from "./errors.ts";
import { buildExecGraph, resolveInputShape } from "./exec_graph.ts";
import { GraphBuilder } from "../format/tflite/builder.ts";
import { kernelFor } from "../kernels/registry.ts";

function quantAdd(scaleOfA: number[]) {
  const g = new GraphBuilder();
  const q = { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 };
  const a = g.input("a", "int8", [1, 4], {
    quantization: { scale: scaleOfA, zeroPoint: [0], quantizedDimension: 0 },
  });
  const b = g.input("b", "int8", [1, 4], { quantization: q });
  const [y] = g.op("ADD", [a, b], [{ dtype: "int8", shape: [1, 4], quantization: q }]);
  g.output(y);
  return g.build().subgraphs[0];
}

Deno.test("bindNode() refuses an 8-bit operand without a quantization scale as a malformed file", () => {
  throws(
    () => buildExecGraph(quantAdd([]), kernelFor),
    (e: Error) =>
      e instanceof ModelFormatError && /input 0 .* without a valid quantization/.test(e.message),
  );
  throws(() => buildExecGraph(quantAdd([0]), kernelFor), ModelFormatError);
  ok(buildExecGraph(quantAdd([0.25]), kernelFor).nodes[0].quant);
});

Deno.test("resolveInputShape() gives an input of open rank any shape, others only their own rank", () => {
  const open = { name: "x", dtype: "float32" as const, shape: [], unranked: true };
  deepStrictEqual(resolveInputShape(open, 0, [3, 1, 2]), [3, 1, 2]);
  deepStrictEqual(resolveInputShape(open, 0, undefined), []);
  const scalar = { name: "k", dtype: "int32" as const, shape: [] };
  throws(() => resolveInputShape(scalar, 0, [3, 1, 2]), UsageError);
});
