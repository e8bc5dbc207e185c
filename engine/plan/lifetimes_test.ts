import { deepStrictEqual, throws } from "node:assert";
import {
  gpuUsageRecords,
  type LifetimeGraph,
  type LifetimeNode,
  type LifetimeTensor,
} from "./lifetimes.ts";

/** A float tensor `[1, h, w, c]`. */
function f(h: number, w: number, c: number): LifetimeTensor {
  return { dtype: "float32", shape: [1, h, w, c] };
}

const CONST: LifetimeTensor = { dtype: "float32", shape: [8], value: new Float32Array(8) };

/** Nodes as `[inputs, outputs]` pairs. */
function graph(
  tensors: LifetimeTensor[],
  nodes: [number[], number[], number[]?][],
  inputs: number[],
  outputs: number[],
): LifetimeGraph {
  return {
    tensors,
    nodes: nodes.map(([i, o, extra]): LifetimeNode => ({
      inputs: i,
      outputs: o,
      epilogue: extra ? [{ extra: extra.map((tensor) => ({ tensor })) }] : [],
    })),
    inputs,
    outputs,
  };
}

const ALL_GPU = { onGpu: () => true };

Deno.test("gpuUsageRecords() sizes tensors in PHWC4 bytes for the precision", () => {
  // t1: 4x4 pixels x 2 slices; t2: 2x2 pixels x 1 slice (3 channels padded to 4).
  const g = graph(
    [f(4, 4, 8), f(4, 4, 5), f(2, 2, 3), f(1, 1, 4)],
    [
      [[0], [1]],
      [[1], [2]],
      [[2], [3]],
    ],
    [0],
    [3],
  );
  deepStrictEqual(gpuUsageRecords(g, ALL_GPU).records, [
    { size: 4 * 4 * 2 * 16, firstOp: 0, lastOp: 1 },
    { size: 2 * 2 * 16, firstOp: 1, lastOp: 2 },
  ]);
  deepStrictEqual(gpuUsageRecords(g, { ...ALL_GPU, precision: "f16" }).records, [
    { size: 4 * 4 * 2 * 8, firstOp: 0, lastOp: 1 },
    { size: 2 * 2 * 8, firstOp: 1, lastOp: 2 },
  ]);
});

Deno.test("gpuUsageRecords() leaves out inputs, outputs and constants, and lists them", () => {
  const g = graph(
    [f(2, 2, 4), CONST, f(2, 2, 4), f(2, 2, 4), CONST],
    [
      [[0, 1], [2]],
      [[2, 4], [3]],
    ],
    [0],
    [3],
  );
  const usage = gpuUsageRecords(g, ALL_GPU);
  deepStrictEqual(usage.tensors, [2]);
  deepStrictEqual(usage.io, [0, 3]);
  deepStrictEqual(usage.constants, [1, 4]);
  deepStrictEqual(usage.partitions, [{ nodes: [0, 1], uploads: [0], downloads: [3] }]);
});

Deno.test("gpuUsageRecords() keeps a residual alive until its last reader", () => {
  // 0 -> A -> 1 -> B -> 2 -> C(2, 1) -> 3 -> D -> 4
  const g = graph(
    [f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4)],
    [
      [[0], [1]],
      [[1], [2]],
      [[2, 1], [3]],
      [[3], [4]],
    ],
    [0],
    [4],
  );
  const { records, tensors } = gpuUsageRecords(g, ALL_GPU);
  deepStrictEqual(tensors, [1, 2, 3]);
  deepStrictEqual(records.map((r) => [r.firstOp, r.lastOp]), [[0, 2], [1, 2], [2, 3]]);
});

Deno.test("gpuUsageRecords() counts epilogue operands as reads", () => {
  // Node 2 adds tensor 1 in its epilogue: tensor 1 lives until node 2.
  const g = graph(
    [f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4)],
    [
      [[0], [1]],
      [[1], [2]],
      [[2], [3], [1]],
    ],
    [0],
    [3],
  );
  deepStrictEqual(gpuUsageRecords(g, ALL_GPU).records[0], { size: 64, firstOp: 0, lastOp: 2 });
});

Deno.test("gpuUsageRecords() downloads at the partition's end and uploads at its start", () => {
  // GPU A (0 -> 1), GPU B (1 -> 2), CPU C (2 -> 3), GPU D (3 -> 4), GPU E (4 -> 5).
  const g = graph(
    [f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4)],
    [
      [[0], [1]],
      [[1], [2]],
      [[2], [3]],
      [[3], [4]],
      [[4], [5]],
    ],
    [0],
    [5],
  );
  const usage = gpuUsageRecords(g, { onGpu: (_, k) => k !== 2 });
  deepStrictEqual(usage.partitions, [
    { nodes: [0, 1], uploads: [0], downloads: [2] },
    { nodes: [3, 4], uploads: [3], downloads: [5] },
  ]);
  deepStrictEqual(usage.tensors, [1, 2, 3, 4]);
  deepStrictEqual(usage.records.map((r) => [r.firstOp, r.lastOp]), [
    [0, 1],
    [1, 1], // produced at 1, downloaded at the end of partition [0, 1]
    [3, 3], // produced on the CPU, uploaded at the start of partition [3, 4]
    [3, 4],
  ]);
});

Deno.test("gpuUsageRecords() extends a download to the end of its partition", () => {
  // Node 0's output is read by the CPU node 3: it is read back after node 2, so lives until 2.
  const g = graph(
    [f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4)],
    [
      [[0], [1]],
      [[1], [2]],
      [[2], [3]],
      [[1, 3], [4]],
    ],
    [0],
    [4],
  );
  const usage = gpuUsageRecords(g, { onGpu: (_, k) => k !== 3 });
  deepStrictEqual(usage.partitions, [{ nodes: [0, 1, 2], uploads: [0], downloads: [1, 3] }]);
  deepStrictEqual(usage.records.map((r) => [r.firstOp, r.lastOp]), [[0, 2], [1, 2], [2, 2]]);
});

Deno.test("gpuUsageRecords() keeps a GPU result on the GPU for a later partition", () => {
  // Tensor 1 is produced in the first partition and read in the second, never on the host: no
  // download, no upload, alive from node 0 to node 3.
  const g = graph(
    [f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4)],
    [
      [[0], [1]],
      [[1], [2]],
      [[2], [3]],
      [[3, 1], [4]],
    ],
    [0],
    [4],
  );
  const usage = gpuUsageRecords(g, { onGpu: (_, k) => k !== 2 });
  deepStrictEqual(usage.partitions, [
    { nodes: [0, 1], uploads: [0], downloads: [2] },
    { nodes: [3], uploads: [3], downloads: [4] },
  ]);
  deepStrictEqual(usage.tensors, [1, 2, 3]);
  deepStrictEqual(usage.records[0], { size: 64, firstOp: 0, lastOp: 3 });
});

Deno.test("gpuUsageRecords() reads back extra downloads", () => {
  const g = graph(
    [f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4)],
    [
      [[0], [1]],
      [[1], [2]],
      [[2], [3]],
    ],
    [0],
    [3],
  );
  const usage = gpuUsageRecords(g, { ...ALL_GPU, download: [1] });
  deepStrictEqual(usage.partitions[0].downloads, [1, 3]);
  deepStrictEqual(usage.records[0], { size: 64, firstOp: 0, lastOp: 2 });
});

Deno.test("gpuUsageRecords() follows gpuReads: an unbound input is not read on the GPU", () => {
  // Node 1 binds only its first input, so its second (tensor 1) is read by no GPU program: it
  // lives at its producer only.
  const g = graph(
    [f(2, 2, 4), f(2, 2, 4), f(2, 2, 4), f(2, 2, 4)],
    [
      [[0], [1, 2]],
      [[2, 1], [3]],
    ],
    [0],
    [3],
  );
  const usage = gpuUsageRecords(g, {
    ...ALL_GPU,
    gpuReads: (node) => node.inputs.slice(0, 1),
  });
  deepStrictEqual(usage.tensors, [1, 2]);
  deepStrictEqual(usage.records.map((r) => [r.firstOp, r.lastOp]), [[0, 0], [0, 1]]);
});

Deno.test("gpuUsageRecords() returns nothing for a graph entirely on the CPU", () => {
  const g = graph([f(2, 2, 4), f(2, 2, 4), f(2, 2, 4)], [[[0], [1]], [[1], [2]]], [0], [2]);
  const usage = gpuUsageRecords(g, { onGpu: () => false });
  deepStrictEqual(usage, { records: [], tensors: [], partitions: [], io: [], constants: [] });
});

Deno.test("gpuUsageRecords() rejects a GPU tensor whose dtype the GPU cannot hold", () => {
  const g = graph(
    [f(2, 2, 4), { dtype: "uint8", shape: [1, 2, 2, 4] }, f(2, 2, 4)],
    [
      [[0], [1]],
      [[1], [2]],
    ],
    [0],
    [2],
  );
  throws(() => gpuUsageRecords(g, ALL_GPU), /cannot hold dtype uint8/);
});

Deno.test("gpuUsageRecords() sizes tensors with tensorBytes when given", () => {
  const g = graph(
    [f(2, 2, 4), { dtype: "uint8", shape: [1, 2, 2, 4] }, f(2, 2, 4)],
    [
      [[0], [1]],
      [[1], [2]],
    ],
    [0],
    [2],
  );
  const usage = gpuUsageRecords(g, { ...ALL_GPU, tensorBytes: (_, index) => 1000 + index });
  deepStrictEqual(usage.records, [{ size: 1001, firstOp: 0, lastOp: 1 }]);
});
