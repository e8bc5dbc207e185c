import { ok, throws } from "node:assert";
import { foldOnHost, foldsAtBinding, MAX_FOLDED_ELEMENTS } from "./shape_fold.ts";
import { OpError } from "./errors.ts";
import type { ExecNode, ExecTensor } from "./exec_graph.ts";
import type { AnyKernelDef } from "./kernel.ts";

function node(kernel: Partial<AnyKernelDef>, inputs: number[]): ExecNode {
  const k = {
    name: "K",
    parse: () => ({}),
    infer: () => [],
    reference: () => [],
    cases: () => [],
    ...kernel,
  };
  return {
    index: 3,
    op: "K",
    kernel: k,
    options: {},
    inputs,
    outputs: [2],
    epilogue: [],
    fused: [3],
    raw: { options: {} },
  };
}

const tensors: ExecTensor[] = [
  {
    name: "c",
    dtype: "int32",
    shape: [2],
    value: { dtype: "int32", shape: [2], data: new Int32Array([1, 2]) },
  },
  { name: "x", dtype: "float32", shape: [-1, 2] },
  { name: "y", dtype: "int32", shape: [2] },
];

Deno.test("foldsAtBinding() folds small integer results of constants, and shape-only ops of static shapes", () => {
  ok(foldsAtBinding(node({}, [0]), tensors));
  ok(!foldsAtBinding(node({}, [1]), tensors), "an activation input");
  ok(!foldsAtBinding(node({ traits: { shapeOnly: true } }, [1]), tensors), "a dynamic shape");
  const big = tensors.map((t, i) => i === 2 ? { ...t, shape: [MAX_FOLDED_ELEMENTS + 1] } : t);
  ok(!foldsAtBinding(node({}, [0]), big), "too large to be a shape");
  const float = tensors.map((t, i) => i === 2 ? { ...t, dtype: "float32" as const } : t);
  ok(!foldsAtBinding(node({}, [0]), float), "float results are left to the passes");
});

Deno.test("foldOnHost() names the node when its reference fails, as an OpError", () => {
  const failing = node({
    reference: () => {
      throw new TypeError("boom");
    },
  }, [0]);
  throws(
    () => foldOnHost(failing, tensors),
    (e: Error) =>
      e instanceof OpError && /^Node 3 \(K\), evaluated at binding: boom$/.test(e.message),
  );
});
