import { strictEqual } from "node:assert/strict";
import type { Graph, Tensor } from "../../../core/ir.ts";
import { buildExecGraph } from "../../../core/exec_graph.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import { seededRandom } from "../../../core/random.ts";
import { kernelFor } from "../../../kernels/registry.ts";
import { applyPasses } from "../../passes/mod.ts";
import { ReferenceExecutor } from "../reference/executor.ts";
import { CpuExecutor } from "./executor.ts";

const r = seededRandom(11);
const f32 = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
const bytes = (a: Float32Array) => new Uint8Array(a.buffer);

/**
 * x -> CONV_2D 3x3 -> ADD(y, RELU6) -> SUB(z) -> MUL(per-channel constant) -> LOGISTIC -> HARD_SWISH,
 * with `y` and `z` graph inputs: the first four elementwise nodes become epilogue steps of the
 * convolution (at most four), HARD_SWISH stays a node.
 */
function chain(): { graph: Graph; inputs: HostTensor[] } {
  const S = [1, 9, 7, 12];
  const n = 9 * 7 * 12;
  const tensors: Tensor[] = [
    { name: "x", dtype: "float32", shape: [1, 9, 7, 5] },
    { name: "w", dtype: "float32", shape: [12, 3, 3, 5], data: bytes(f32(12 * 45)) },
    { name: "b", dtype: "float32", shape: [12], data: bytes(f32(12)) },
    { name: "conv", dtype: "float32", shape: S },
    { name: "y", dtype: "float32", shape: S },
    { name: "add", dtype: "float32", shape: S },
    { name: "sub", dtype: "float32", shape: S },
    { name: "scale", dtype: "float32", shape: [1, 1, 1, 12], data: bytes(f32(12)) },
    { name: "mul", dtype: "float32", shape: S },
    { name: "z", dtype: "float32", shape: S },
    { name: "logistic", dtype: "float32", shape: S },
    { name: "out", dtype: "float32", shape: S },
  ];
  const conv = {
    padding: "SAME",
    strideW: 1,
    strideH: 1,
    dilationWFactor: 1,
    dilationHFactor: 1,
    fusedActivationFunction: "NONE",
  };
  const act = (a: string) => ({ fusedActivationFunction: a });
  const graph: Graph = {
    name: "chain",
    tensors,
    nodes: [
      { op: "CONV_2D", version: 1, inputs: [0, 1, 2], outputs: [3], options: conv },
      { op: "ADD", version: 1, inputs: [4, 3], outputs: [5], options: act("RELU6") },
      { op: "SUB", version: 1, inputs: [5, 9], outputs: [6], options: act("NONE") },
      { op: "MUL", version: 1, inputs: [6, 7], outputs: [8], options: act("RELU") },
      { op: "LOGISTIC", version: 1, inputs: [8], outputs: [10], options: {} },
      { op: "HARD_SWISH", version: 1, inputs: [10], outputs: [11], options: {} },
    ],
    inputs: [0, 4, 9],
    outputs: [11],
  };
  const t = (shape: number[], len: number): HostTensor => ({
    dtype: "float32",
    shape,
    data: f32(len),
  });
  return { graph, inputs: [t([1, 9, 7, 5], 9 * 7 * 5), t(S, n), t(S, n)] };
}

Deno.test("fused epilogue steps run as their source ops' CPU kernels and match the reference", async () => {
  const { graph, inputs } = chain();
  const fused = applyPasses(buildExecGraph(graph, kernelFor)).graph;
  strictEqual(fused.nodes.map((n) => n.op).join(), "CONV_2D,HARD_SWISH", "four steps fused");
  strictEqual(fused.nodes[0].epilogue.map((s) => s.op).join(), "ADD,SUB,MUL,LOGISTIC");
  const [want] = new ReferenceExecutor(fused).run(inputs);
  for (const threads of [1, 2]) {
    const cpu = await CpuExecutor.create(fused, { threads });
    try {
      strictEqual(cpu.placement.every((p) => p.backend === "cpu-fast"), true);
      strictEqual(cpu.hostEpilogueSteps, 0, "no step left to the host");
      const [got] = await cpu.run(inputs);
      let worst = 0;
      for (let i = 0; i < want.data.length; i++) {
        worst = Math.max(worst, Math.abs(Number(got.data[i]) - Number(want.data[i])));
      }
      if (!(worst < 1e-6)) throw new Error(`threads ${threads}: max error ${worst}`);
    } finally {
      cpu.dispose();
    }
  }
});

Deno.test("a PRELU after a convolution runs in the GEMM's registers and matches the reference", async () => {
  const S = [1, 6, 5, 10];
  const n = 6 * 5 * 10;
  const tensors: Tensor[] = [
    { name: "x", dtype: "float32", shape: [1, 6, 5, 3] },
    { name: "w", dtype: "float32", shape: [10, 3, 3, 3], data: bytes(f32(270)) },
    { name: "b", dtype: "float32", shape: [10], data: bytes(f32(10)) },
    { name: "conv", dtype: "float32", shape: S },
    { name: "alpha", dtype: "float32", shape: [1, 1, 10], data: bytes(f32(10)) },
    { name: "prelu", dtype: "float32", shape: S },
    { name: "y", dtype: "float32", shape: S },
    { name: "out", dtype: "float32", shape: S },
  ];
  const graph: Graph = {
    name: "conv-prelu",
    tensors,
    nodes: [
      {
        op: "CONV_2D",
        version: 1,
        inputs: [0, 1, 2],
        outputs: [3],
        options: { padding: "SAME", strideW: 1, strideH: 1, fusedActivationFunction: "NONE" },
      },
      { op: "PRELU", version: 1, inputs: [3, 4], outputs: [5], options: {} },
      {
        op: "ADD",
        version: 1,
        inputs: [5, 6],
        outputs: [7],
        options: { fusedActivationFunction: "NONE" },
      },
    ],
    inputs: [0, 6],
    outputs: [7],
  };
  const fused = applyPasses(buildExecGraph(graph, kernelFor)).graph;
  strictEqual(fused.nodes[0].epilogue.map((s) => s.op).join(), "PRELU,ADD");
  const node = fused.nodes[0];
  const built = node.kernel.cpu!.float!(
    {
      graph: fused,
      threads: 1,
      addr: (t) => (fused.tensors[t].value ? undefined : 64 * (t + 1)),
      alloc: () => 4096,
      scratch: () => 4096,
      put: () => {},
      kernel: () => 0,
    },
    node,
  );
  strictEqual(built?.epilogueApplied, 1, "the convolution applies the PRELU, not the ADD after it");
  const inputs: HostTensor[] = [
    { dtype: "float32", shape: [1, 6, 5, 3], data: f32(90) },
    { dtype: "float32", shape: S, data: f32(n) },
  ];
  const [want] = new ReferenceExecutor(fused).run(inputs);
  const cpu = await CpuExecutor.create(fused, { threads: 1 });
  try {
    strictEqual(cpu.hostEpilogueSteps, 0);
    const [got] = await cpu.run(inputs);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      worst = Math.max(worst, Math.abs(Number(got.data[i]) - Number(want.data[i])));
    }
    if (!(worst < 1e-6)) throw new Error(`max error ${worst}`);
  } finally {
    cpu.dispose();
  }
});

Deno.test("a residual ADD then a PRELU after a convolution run in the GEMM's registers", async () => {
  const S = [1, 7, 4, 11];
  const n = 7 * 4 * 11;
  const tensors: Tensor[] = [
    { name: "x", dtype: "float32", shape: [1, 7, 4, 6] },
    { name: "w", dtype: "float32", shape: [11, 1, 1, 6], data: bytes(f32(66)) },
    { name: "b", dtype: "float32", shape: [11], data: bytes(f32(11)) },
    { name: "conv", dtype: "float32", shape: S },
    { name: "y", dtype: "float32", shape: S },
    { name: "add", dtype: "float32", shape: S },
    { name: "alpha", dtype: "float32", shape: [11], data: bytes(f32(11)) },
    { name: "out", dtype: "float32", shape: S },
  ];
  const graph: Graph = {
    name: "conv-add-prelu",
    tensors,
    nodes: [
      {
        op: "CONV_2D",
        version: 1,
        inputs: [0, 1, 2],
        outputs: [3],
        options: { padding: "VALID", strideW: 1, strideH: 1, fusedActivationFunction: "RELU" },
      },
      {
        op: "ADD",
        version: 1,
        inputs: [4, 3],
        outputs: [5],
        options: { fusedActivationFunction: "RELU_N1_TO_1" },
      },
      { op: "PRELU", version: 1, inputs: [5, 6], outputs: [7], options: {} },
    ],
    inputs: [0, 4],
    outputs: [7],
  };
  const fused = applyPasses(buildExecGraph(graph, kernelFor)).graph;
  strictEqual(fused.nodes[0].epilogue.map((s) => s.op).join(), "ADD,PRELU");
  const built = fused.nodes[0].kernel.cpu!.float!(
    {
      graph: fused,
      threads: 1,
      addr: (t) => (fused.tensors[t].value ? undefined : 64 * (t + 1)),
      alloc: () => 4096,
      scratch: () => 4096,
      put: () => {},
      kernel: () => 0,
    },
    fused.nodes[0],
  );
  strictEqual(built?.epilogueApplied, 2, "the convolution applies both steps");
  const inputs: HostTensor[] = [
    { dtype: "float32", shape: [1, 7, 4, 6], data: f32(168) },
    { dtype: "float32", shape: S, data: Float32Array.from(f32(n), (v) => v * 3) },
  ];
  const [want] = new ReferenceExecutor(fused).run(inputs);
  for (const threads of [1, 2]) {
    const cpu = await CpuExecutor.create(fused, { threads });
    try {
      strictEqual(cpu.hostEpilogueSteps, 0);
      const [got] = await cpu.run(inputs);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(Number(got.data[i]) - Number(want.data[i])));
      }
      if (!(worst < 1e-6)) throw new Error(`threads ${threads}: max error ${worst}`);
    } finally {
      cpu.dispose();
    }
  }
});

Deno.test("a HARD_SWISH after a convolution runs in the GEMM's registers, the ADD after it as a kernel", async () => {
  const S = [1, 5, 6, 9];
  const n = 5 * 6 * 9;
  const tensors: Tensor[] = [
    { name: "x", dtype: "float32", shape: [1, 5, 6, 4] },
    { name: "w", dtype: "float32", shape: [9, 3, 3, 4], data: bytes(f32(324)) },
    { name: "b", dtype: "float32", shape: [9], data: bytes(f32(9)) },
    { name: "conv", dtype: "float32", shape: S },
    { name: "hs", dtype: "float32", shape: S },
    { name: "y", dtype: "float32", shape: S },
    { name: "out", dtype: "float32", shape: S },
  ];
  const graph: Graph = {
    name: "conv-hswish-add",
    tensors,
    nodes: [
      {
        op: "CONV_2D",
        version: 1,
        inputs: [0, 1, 2],
        outputs: [3],
        options: { padding: "SAME", strideW: 1, strideH: 1, fusedActivationFunction: "NONE" },
      },
      { op: "HARD_SWISH", version: 1, inputs: [3], outputs: [4], options: {} },
      {
        op: "ADD",
        version: 1,
        inputs: [4, 5],
        outputs: [6],
        options: { fusedActivationFunction: "NONE" },
      },
    ],
    inputs: [0, 5],
    outputs: [6],
  };
  const fused = applyPasses(buildExecGraph(graph, kernelFor)).graph;
  strictEqual(fused.nodes[0].epilogue.map((s) => s.op).join(), "HARD_SWISH,ADD");
  const built = fused.nodes[0].kernel.cpu!.float!(
    {
      graph: fused,
      threads: 1,
      addr: (t) => (fused.tensors[t].value ? undefined : 64 * (t + 1)),
      alloc: () => 4096,
      scratch: () => 4096,
      put: () => {},
      kernel: () => 0,
    },
    fused.nodes[0],
  );
  strictEqual(built?.epilogueApplied, 1);
  const inputs: HostTensor[] = [
    { dtype: "float32", shape: [1, 5, 6, 4], data: Float32Array.from(f32(120), (v) => v * 4) },
    { dtype: "float32", shape: S, data: f32(n) },
  ];
  const [want] = new ReferenceExecutor(fused).run(inputs);
  const cpu = await CpuExecutor.create(fused, { threads: 1 });
  try {
    strictEqual(cpu.hostEpilogueSteps, 0);
    const [got] = await cpu.run(inputs);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      worst = Math.max(worst, Math.abs(Number(got.data[i]) - Number(want.data[i])));
    }
    if (!(worst < 1e-5)) throw new Error(`max error ${worst}`);
  } finally {
    cpu.dispose();
  }
});

Deno.test("a residual ADD then a PRELU after a depthwise convolution run in its kernel", async () => {
  const S = [1, 6, 7, 13];
  const n = 6 * 7 * 13;
  const tensors: Tensor[] = [
    { name: "x", dtype: "float32", shape: S },
    { name: "w", dtype: "float32", shape: [1, 3, 3, 13], data: bytes(f32(117)) },
    { name: "b", dtype: "float32", shape: [13], data: bytes(f32(13)) },
    { name: "dw", dtype: "float32", shape: S },
    { name: "y", dtype: "float32", shape: S },
    { name: "add", dtype: "float32", shape: S },
    { name: "alpha", dtype: "float32", shape: [1, 1, 13], data: bytes(f32(13)) },
    { name: "out", dtype: "float32", shape: S },
  ];
  const graph: Graph = {
    name: "dw-add-prelu",
    tensors,
    nodes: [
      {
        op: "DEPTHWISE_CONV_2D",
        version: 1,
        inputs: [0, 1, 2],
        outputs: [3],
        options: {
          padding: "SAME",
          strideW: 1,
          strideH: 1,
          depthMultiplier: 1,
          fusedActivationFunction: "NONE",
        },
      },
      {
        op: "ADD",
        version: 1,
        inputs: [3, 4],
        outputs: [5],
        options: { fusedActivationFunction: "RELU6" },
      },
      { op: "PRELU", version: 1, inputs: [5, 6], outputs: [7], options: {} },
    ],
    inputs: [0, 4],
    outputs: [7],
  };
  const fused = applyPasses(buildExecGraph(graph, kernelFor)).graph;
  strictEqual(fused.nodes[0].epilogue.map((s) => s.op).join(), "ADD,PRELU");
  const built = fused.nodes[0].kernel.cpu!.float!(
    {
      graph: fused,
      threads: 1,
      addr: (t) => (fused.tensors[t].value ? undefined : 64 * (t + 1)),
      alloc: () => 4096,
      scratch: () => 4096,
      put: () => {},
      kernel: () => 0,
    },
    fused.nodes[0],
  );
  strictEqual(built?.epilogueApplied, 2);
  const inputs: HostTensor[] = [
    { dtype: "float32", shape: S, data: f32(n) },
    { dtype: "float32", shape: S, data: Float32Array.from(f32(n), (v) => v * 8) },
  ];
  const [want] = new ReferenceExecutor(fused).run(inputs);
  for (const threads of [1, 2]) {
    const cpu = await CpuExecutor.create(fused, { threads });
    try {
      strictEqual(cpu.hostEpilogueSteps, 0);
      const [got] = await cpu.run(inputs);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(Number(got.data[i]) - Number(want.data[i])));
      }
      if (!(worst < 1e-6)) throw new Error(`threads ${threads}: max error ${worst}`);
    } finally {
      cpu.dispose();
    }
  }
});
