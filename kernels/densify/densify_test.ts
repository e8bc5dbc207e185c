import { deepStrictEqual } from "node:assert";
import { throwsOp } from "../_shared/_shape_testing.ts";
import { densify, densifyKernel, type SparseOpInput } from "./mod.ts";
import type { Graph, Sparsity } from "../../core/ir.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { foldConstants } from "../../engine/passes/fold_constants.ts";
import { kernelFor } from "../registry.ts";

const f32 = (v: number[]) => ({
  dtype: "float32" as const,
  shape: [v.length],
  data: new Float32Array(v),
});

Deno.test("densify() expands a CSR matrix", () => {
  // [[0, 5, 0, 7], [0, 0, 0, 0], [1, 0, 0, 0]]
  const d = densify(f32([5, 7, 1]), [3, 4], {
    traversalOrder: [0, 1],
    blockMap: [],
    dimMetadata: [
      { format: "dense", denseSize: 3 },
      { format: "sparse_csr", denseSize: 0, arraySegments: [0, 2, 2, 3], arrayIndices: [1, 3, 0] },
    ],
  });
  deepStrictEqual(Array.from(d.data as Float32Array), [0, 5, 0, 7, 0, 0, 0, 0, 1, 0, 0, 0]);
});

Deno.test("densify() follows a column-major traversal order", () => {
  const d = densify(f32([1, 2, 3, 4, 5, 6]), [2, 3], {
    traversalOrder: [1, 0],
    blockMap: [],
    dimMetadata: [{ format: "dense", denseSize: 3 }, { format: "dense", denseSize: 2 }],
  });
  deepStrictEqual(Array.from(d.data as Float32Array), [1, 3, 5, 2, 4, 6]);
});

Deno.test("densify() expands 2x2 blocks stored sparsely (TensorFlow Lite's block example)", () => {
  // 4x4 with nonzero 2x2 blocks at block (0, 0) and block (1, 1).
  const sparsity: Sparsity = {
    traversalOrder: [0, 1, 2, 3],
    blockMap: [0, 1],
    dimMetadata: [
      { format: "dense", denseSize: 2 },
      { format: "sparse_csr", denseSize: 0, arraySegments: [0, 1, 2], arrayIndices: [0, 1] },
      { format: "dense", denseSize: 2 },
      { format: "dense", denseSize: 2 },
    ],
  };
  const d = densify(f32([1, 2, 3, 4, 5, 6, 7, 8]), [4, 4], sparsity);
  deepStrictEqual(
    Array.from(d.data as Float32Array),
    [1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 5, 6, 0, 0, 7, 8],
  );
});

Deno.test("DENSIFY parses a sparse constant and explains a missing sparsity", () => {
  const values = f32([9]);
  const x: SparseOpInput = {
    dtype: "float32",
    shape: [2, 2],
    value: values,
    sparsity: {
      traversalOrder: [0, 1],
      blockMap: [],
      dimMetadata: [
        { format: "dense", denseSize: 2 },
        { format: "sparse_csr", denseSize: 0, arraySegments: [0, 0, 1], arrayIndices: [1] },
      ],
    },
  };
  const options = densifyKernel.parse({ options: {}, inputs: [x] });
  const [y] = densifyKernel.reference({
    inputs: [values],
    options,
    outputs: densifyKernel.infer({ inputs: [x], options }),
  });
  deepStrictEqual(Array.from(y.data as Float32Array), [0, 0, 0, 9]);
  throwsOp(
    () =>
      densifyKernel.parse({
        options: {},
        inputs: [{ dtype: "float32", shape: [2, 2], value: values }],
      }),
    /sparsity/,
  );
});

Deno.test("buildExecGraph() binds DENSIFY to a sparse constant's stored values and folds it to the dense tensor", () => {
  const stored = new Float32Array([5, 7, 1]);
  const graph: Graph = {
    name: "",
    tensors: [
      {
        name: "w",
        dtype: "float32",
        shape: [3, 4],
        data: new Uint8Array(stored.buffer),
        sparsity: {
          traversalOrder: [0, 1],
          blockMap: [],
          dimMetadata: [
            { format: "dense", denseSize: 3 },
            {
              format: "sparse_csr",
              denseSize: 0,
              arraySegments: [0, 2, 2, 3],
              arrayIndices: [1, 3, 0],
            },
          ],
        },
      },
      { name: "dense", dtype: "float32", shape: [3, 4] },
      { name: "x", dtype: "float32", shape: [3, 4] },
      { name: "y", dtype: "float32", shape: [3, 4] },
    ],
    nodes: [
      { op: "DENSIFY", version: 1, inputs: [0], outputs: [1], options: {} },
      { op: "ADD", version: 1, inputs: [2, 1], outputs: [3], options: {} },
    ],
    inputs: [2],
    outputs: [3],
  };
  const exec = buildExecGraph(graph, kernelFor);
  deepStrictEqual(exec.tensors[0].value?.shape, [3]);
  const { graph: folded } = foldConstants(exec);
  deepStrictEqual(folded.nodes.map((n) => n.op), ["ADD"]);
  deepStrictEqual(
    Array.from(folded.tensors[1].value!.data as Float32Array),
    [0, 5, 0, 7, 0, 0, 0, 0, 1, 0, 0, 0],
  );
});
