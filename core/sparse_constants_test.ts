import { deepStrictEqual, strictEqual } from "node:assert";
import { readModelFile } from "../format/tflite/reader.ts";
import { buildExecGraph } from "./exec_graph.ts";
import { densifySparseConstants } from "./sparse_constants.ts";
import { kernelFor } from "../kernels/registry.ts";
import type { AnyKernelDef } from "./kernel.ts";

const FILE = new URL(
  "../../shared/models/ops/tflite_testdata__sparse_tensor.tflite",
  import.meta.url,
);

// The file's FakeOp stands for any op other than DENSIFY: here an identity.
const identity: AnyKernelDef = {
  name: "FakeOp",
  parse: () => ({}),
  cases: () => [],
  infer: ({ inputs }) => [{ dtype: inputs[0]!.dtype, shape: inputs[0]!.shape }],
  reference: ({ inputs }) => [inputs[0]!],
};

Deno.test("a sparse constant another op reads binds as the dense tensor it stands for", async () => {
  const graph = (await readModelFile(FILE)).subgraphs[0];
  const exec = buildExecGraph(graph, (n) => n === "FakeOp" ? identity : kernelFor(n));
  const t = exec.tensors[graph.nodes[0].inputs[0]];
  strictEqual(t.sparsity, undefined);
  deepStrictEqual(t.value!.shape, [4, 4]);
  // 2x2 blocks, block rows in CSR: blocks (0,0), (0,1) and (1,1) hold the 12 stored values.
  deepStrictEqual(Array.from(t.value!.data as Int8Array), [
    1,
    0,
    2,
    3,
    0,
    4,
    0,
    0,
    0,
    0,
    5,
    0,
    0,
    0,
    0,
    6,
  ]);
});

Deno.test("a sparse constant only DENSIFY reads keeps its stored values and sparsity", async () => {
  const graph = (await readModelFile(FILE)).subgraphs[0];
  const densifyOnly = {
    ...graph,
    nodes: [{ ...graph.nodes[0], op: "DENSIFY", customCode: undefined }],
  };
  const tensors = graph.tensors.map((t) => ({
    name: t.name,
    dtype: t.dtype,
    shape: [...t.shape],
    sparsity: t.sparsity,
    value: t.data
      ? { dtype: t.dtype, shape: [12], data: new Int8Array(t.data.buffer, t.data.byteOffset, 12) }
      : undefined,
  }));
  densifySparseConstants(densifyOnly, { tensors, lookup: kernelFor });
  deepStrictEqual(tensors[0].value!.shape, [12]);
  strictEqual(tensors[0].sparsity, graph.tensors[0].sparsity);
});
