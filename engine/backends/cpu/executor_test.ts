import { strictEqual } from "node:assert";
import type { Graph, NodeOptions, Tensor } from "../../../core/ir.ts";
import { numElements } from "../../../core/ir.ts";
import { kernelFor } from "../../../kernels/registry.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import { buildExecGraph, type ExecGraph } from "../../../core/exec_graph.ts";
import { ReferenceExecutor } from "../reference/executor.ts";
import { CpuExecutor } from "./executor.ts";
import { seededRandom } from "../../../core/random.ts";

const rng = seededRandom;

interface In {
  shape: number[];
  constant?: boolean;
  dtype?: "float32" | "int32";
  data?: number[];
}

/** A one-node graph with seeded random float inputs. */
function oneOp(op: string, ins: In[], options: NodeOptions, seed = 1): {
  graph: ExecGraph;
  inputs: HostTensor[];
} {
  const r = rng(seed);
  const tensors: Tensor[] = [];
  const inputs: HostTensor[] = [];
  const graphInputs: number[] = [];
  ins.forEach((d, i) => {
    const dtype = d.dtype ?? "float32";
    const n = numElements(d.shape);
    const vals = d.data ?? Array.from({ length: n }, () => r() * 2 - 1);
    const arr = dtype === "int32" ? Int32Array.from(vals) : Float32Array.from(vals);
    const t: Tensor = { name: `in${i}`, dtype, shape: d.shape };
    if (d.constant) t.data = new Uint8Array(arr.buffer);
    else {
      graphInputs.push(i);
      inputs.push({ dtype, shape: d.shape, data: arr });
    }
    tensors.push(t);
  });
  tensors.push({ name: "out", dtype: "float32", shape: [] });
  const g: Graph = {
    name: "",
    tensors,
    nodes: [{
      op,
      version: 1,
      inputs: ins.map((_, i) => i),
      outputs: [ins.length],
      options,
    }],
    inputs: graphInputs,
    outputs: [ins.length],
  };
  return { graph: buildExecGraph(g, kernelFor), inputs };
}

function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  strictEqual(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-6);
}

async function check(
  op: string,
  ins: In[],
  options: NodeOptions,
  tol = 1e-5,
): Promise<void> {
  const { graph, inputs } = oneOp(op, ins, options);
  const want = new ReferenceExecutor(graph).run(inputs);
  for (const threads of [1, 2]) {
    const cpu = await CpuExecutor.create(graph, { threads });
    try {
      strictEqual(
        cpu.placement[0].backend,
        "cpu-fast",
        `${op} ${JSON.stringify(options)} fell back to the reference`,
      );
      const got = await cpu.run(inputs);
      const e = relError(got[0].data as Float32Array, want[0].data as Float32Array);
      if (!(e < tol)) {
        throw new Error(
          `${op} [${ins.map((i) => i.shape).join("] [")}] ${
            JSON.stringify(options)
          } threads ${threads}: rel ${e}`,
        );
      }
    } finally {
      cpu.dispose();
    }
  }
}

const ACTS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"];

Deno.test("CONV_2D matches the reference for many shapes", async () => {
  const cases: [number[], number[], NodeOptions][] = [
    [[1, 8, 8, 3], [5, 3, 3, 3], { padding: "SAME", strideW: 1, strideH: 1 }],
    [[1, 9, 7, 5], [7, 3, 3, 5], { padding: "VALID", strideW: 2, strideH: 1 }],
    [[2, 10, 10, 16], [17, 1, 1, 16], { padding: "SAME", strideW: 1, strideH: 1 }],
    [[1, 15, 13, 8], [8, 3, 3, 8], {
      padding: "SAME",
      strideW: 2,
      strideH: 2,
      dilationWFactor: 1,
      dilationHFactor: 1,
    }],
    [[1, 12, 11, 4], [9, 3, 3, 4], {
      padding: "SAME",
      strideW: 1,
      strideH: 1,
      dilationWFactor: 2,
      dilationHFactor: 3,
    }],
    [[1, 7, 7, 33], [40, 1, 1, 33], { padding: "VALID", strideW: 1, strideH: 1 }],
    [[1, 6, 5, 2], [3, 5, 2, 2], { padding: "SAME", strideW: 3, strideH: 2 }],
    [[1, 28, 28, 32], [64, 1, 1, 32], { padding: "SAME", strideW: 1, strideH: 1 }],
  ];
  let i = 0;
  for (const [x, w, o] of cases) {
    const bias = i % 3 !== 2;
    await check("CONV_2D", [
      { shape: x },
      { shape: w, constant: true },
      ...(bias ? [{ shape: [w[0]], constant: true }] : []),
    ], { ...o, fusedActivationFunction: ACTS[i++ % ACTS.length] });
  }
});

Deno.test("DEPTHWISE_CONV_2D matches the reference, multipliers and dilations included", async () => {
  const cases: [number[], number[], NodeOptions][] = [
    [[1, 8, 8, 3], [1, 3, 3, 3], { padding: "SAME", strideW: 1, strideH: 1 }],
    [[1, 9, 7, 21], [1, 3, 3, 21], { padding: "VALID", strideW: 2, strideH: 1 }],
    [[2, 10, 10, 16], [1, 3, 3, 32], {
      padding: "SAME",
      strideW: 1,
      strideH: 1,
      depthMultiplier: 2,
    }],
    [[1, 15, 13, 37], [1, 5, 5, 37], { padding: "SAME", strideW: 2, strideH: 2 }],
    [[1, 12, 11, 8], [1, 3, 3, 8], {
      padding: "SAME",
      strideW: 1,
      strideH: 1,
      dilationWFactor: 2,
      dilationHFactor: 2,
    }],
    [[1, 14, 14, 3], [1, 3, 3, 12], {
      padding: "VALID",
      strideW: 1,
      strideH: 1,
      depthMultiplier: 4,
    }],
  ];
  let i = 0;
  for (const [x, w, o] of cases) {
    await check("DEPTHWISE_CONV_2D", [
      { shape: x },
      { shape: w, constant: true },
      { shape: [w[3]], constant: true },
    ], { ...o, fusedActivationFunction: ACTS[i++ % ACTS.length] });
  }
});

Deno.test("FULLY_CONNECTED matches the reference", async () => {
  for (
    const [x, o, act] of [[[1, 64], 10, "NONE"], [[3, 37], 21, "RELU"], [
      [2, 5, 8],
      9,
      "RELU6",
    ]] as const
  ) {
    const I = x.at(-1)!;
    await check("FULLY_CONNECTED", [
      { shape: [...x] },
      { shape: [o, I], constant: true },
      { shape: [o], constant: true },
    ], { fusedActivationFunction: act });
  }
});

Deno.test("ADD, SUB, MUL and PRELU match the reference with broadcasting", async () => {
  const shapes: [number[], number[]][] = [
    [[1, 8, 8, 3], [1, 8, 8, 3]],
    [[1, 5, 7, 5], [5]],
    [[1, 16, 16, 8], [1, 1, 1, 8]],
    [[1, 3], [1]],
    [[7], [1, 1, 7]],
    [[1, 33, 17, 13], [1, 33, 17, 13]],
  ];
  for (const op of ["ADD", "SUB", "MUL"]) {
    let i = 0;
    for (const [a, b] of shapes) {
      const act = ACTS[i++ % ACTS.length];
      await check(op, [{ shape: a }, { shape: b, constant: i % 2 === 0 }], {
        fusedActivationFunction: act,
      });
      if (op !== "ADD" || i > 3) continue;
      await check(op, [{ shape: b }, { shape: a }], { fusedActivationFunction: act });
    }
  }
  await check("SUB", [{ shape: [5] }, { shape: [1, 5, 7, 5] }], {});
  await check("PRELU", [{ shape: [1, 6, 6, 7] }, { shape: [1, 1, 7], constant: true }], {});
});

Deno.test("activations, pools, mean, softmax, concatenation and pad match the reference", async () => {
  for (const op of ["RELU", "RELU6", "RELU_N1_TO_1", "HARD_SWISH", "LOGISTIC"]) {
    await check(op, [{ shape: [1, 9, 7, 5] }], {});
  }
  for (const op of ["AVERAGE_POOL_2D", "MAX_POOL_2D"]) {
    await check(op, [{ shape: [1, 9, 7, 5] }], {
      padding: "SAME",
      strideW: 2,
      strideH: 2,
      filterWidth: 3,
      filterHeight: 3,
    });
    await check(op, [{ shape: [2, 7, 7, 16] }], {
      padding: "VALID",
      strideW: 1,
      strideH: 1,
      filterWidth: 7,
      filterHeight: 7,
      fusedActivationFunction: "RELU6",
    });
  }
  await check("MEAN", [{ shape: [2, 7, 7, 13] }, {
    shape: [2],
    dtype: "int32",
    data: [1, 2],
    constant: true,
  }], { keepDims: true });
  await check("SOFTMAX", [{ shape: [3, 1001] }], { beta: 1 });
  await check("CONCATENATION", [{ shape: [1, 4, 4, 3] }, { shape: [1, 4, 4, 5] }], { axis: 3 });
  await check("CONCATENATION", [{ shape: [2, 3] }, { shape: [1, 3] }], { axis: 0 });
  for (const flags of [{}, { alignCorners: true }, { halfPixelCenters: true }]) {
    await check("RESIZE_BILINEAR", [{ shape: [1, 5, 7, 3] }, {
      shape: [2],
      dtype: "int32",
      data: [9, 4],
      constant: true,
    }], flags);
  }
  await check("PAD", [{ shape: [1, 5, 5, 3] }, {
    shape: [4, 2],
    dtype: "int32",
    data: [0, 0, 1, 1, 2, 0, 0, 1],
    constant: true,
  }], {});
});

async function networkGraph(path: string): Promise<ExecGraph | undefined> {
  const { readModelFile } = await import("../../../format/tflite/mod.ts");
  const model = await readModelFile(path);
  try {
    return buildExecGraph(model.subgraphs[0], kernelFor);
  } catch (e) {
    console.warn(`Skipping ${path}: ${(e as Error).message}`);
    return undefined;
  }
}

Deno.test("CpuExecutor runs MobileNet v1 0.25 like the reference executor", async () => {
  const graph = await networkGraph(
    new URL("../../../../shared/models/networks/mobilenet_v1_0.25_224.tflite", import.meta.url)
      .pathname,
  );
  if (!graph) return;
  const t = graph.tensors[graph.inputs[0]];
  const r = rng(7);
  const x: HostTensor = {
    dtype: "float32",
    shape: t.shape,
    data: Float32Array.from({ length: numElements(t.shape) }, () => r() * 2 - 1),
  };
  const want = new ReferenceExecutor(graph).run([x]);
  for (const threads of [1, 2]) {
    const cpu = await CpuExecutor.create(graph, { threads });
    try {
      const slow = cpu.placement.filter((p) => p.backend === "reference").map((p) => p.op);
      strictEqual(slow.length, 0, `ran on the reference: ${slow.join(", ")}`);
      const got = await cpu.run([x]);
      const e = relError(got[0].data as Float32Array, want[0].data as Float32Array);
      if (!(e < 1e-4)) throw new Error(`threads ${threads}: rel ${e}`);
      // A second run reuses the arena and gives the same answer.
      const again = await cpu.run([x]);
      strictEqual(relError(again[0].data as Float32Array, got[0].data as Float32Array), 0);
    } finally {
      cpu.dispose();
    }
  }
});

Deno.test("CpuExecutor falls back to the reference for ops without a fast path", async () => {
  const { graph, inputs } = oneOp("EXP", [{ shape: [2, 3] }], {});
  const cpu = await CpuExecutor.create(graph, { threads: 2 });
  try {
    strictEqual(cpu.placement[0].backend, "reference");
    const want = new ReferenceExecutor(graph).run(inputs);
    const got = await cpu.run(inputs);
    if (relError(got[0].data as Float32Array, want[0].data as Float32Array) > 1e-6) {
      throw new Error("wrong");
    }
  } finally {
    cpu.dispose();
  }
});

interface QIn {
  shape: number[];
  dtype: "uint8" | "int8" | "int32";
  scale: number[];
  zeroPoint: number[];
  constant?: boolean;
  axis?: number;
}

/** A one-node 8-bit graph with seeded random values. */
function oneQuantOp(
  op: string,
  ins: QIn[],
  out: Omit<QIn, "shape" | "constant">,
  options: NodeOptions,
  seed = 3,
) {
  const r = rng(seed);
  const tensors: Tensor[] = [];
  const inputs: HostTensor[] = [];
  const graphInputs: number[] = [];
  const q = (s: { scale: number[]; zeroPoint: number[]; axis?: number }) => ({
    scale: s.scale,
    zeroPoint: s.zeroPoint,
    quantizedDimension: s.axis ?? 0,
  });
  ins.forEach((d, i) => {
    const n = numElements(d.shape);
    const arr = d.dtype === "int32"
      ? Int32Array.from({ length: n }, () => Math.floor(r() * 2000 - 1000))
      : d.dtype === "int8"
      ? Int8Array.from({ length: n }, () => Math.floor(r() * 255) - 127)
      : Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
    const t: Tensor = { name: `in${i}`, dtype: d.dtype, shape: d.shape, quantization: q(d) };
    if (d.constant) t.data = new Uint8Array(arr.buffer);
    else {
      graphInputs.push(i);
      inputs.push({ dtype: d.dtype, shape: d.shape, data: arr });
    }
    tensors.push(t);
  });
  tensors.push({ name: "out", dtype: out.dtype, shape: [], quantization: q(out) });
  const g: Graph = {
    name: "",
    tensors,
    nodes: [{ op, version: 1, inputs: ins.map((_, i) => i), outputs: [ins.length], options }],
    inputs: graphInputs,
    outputs: [ins.length],
  };
  return { g, inputs };
}

async function checkQuant(
  op: string,
  ins: QIn[],
  out: Omit<QIn, "shape" | "constant">,
  options: NodeOptions,
  outShape: number[],
): Promise<void> {
  const { runQuantReference } = await import("../../../kernels/_cpu/_quant_reference.ts");
  const { g, inputs } = oneQuantOp(op, ins, out, options);
  g.tensors[ins.length].shape = outShape;
  const graph = buildExecGraph(g, kernelFor);
  const [want] = runQuantReference(graph, inputs);
  for (const threads of [1, 2]) {
    const cpu = await CpuExecutor.create(graph, { threads });
    try {
      strictEqual(cpu.placement[0].backend, "cpu-fast", `${op} fell back to the reference`);
      const [got] = await cpu.run(inputs);
      const a = got.data, b = want.data;
      for (let i = 0; i < b.length; i++) {
        if (a[i] !== b[i]) {
          throw new Error(
            `${op} ${out.dtype} threads ${threads}: element ${i} is ${a[i]}, want ${b[i]}`,
          );
        }
      }
    } finally {
      cpu.dispose();
    }
  }
}

Deno.test("8-bit CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED match the integer reference exactly", async () => {
  const u8 = (shape: number[], scale: number, zp: number, constant = false): QIn => ({
    shape,
    dtype: "uint8",
    scale: [scale],
    zeroPoint: [zp],
    constant,
  });
  const bias = (n: number, scale: number[]): QIn => ({
    shape: [n],
    dtype: "int32",
    scale,
    zeroPoint: scale.map(() => 0),
    constant: true,
  });
  const perChannel = (n: number, base: number) =>
    Array.from({ length: n }, (_, i) => base * (1 + ((i * 7) % 5) * 0.9));
  const convCases: [number[], number[], NodeOptions, number[]][] = [
    [[1, 9, 9, 3], [5, 3, 3, 3], { padding: "SAME", strideW: 2, strideH: 2 }, [1, 5, 5, 5]],
    [[1, 7, 6, 13], [17, 1, 1, 13], { padding: "VALID", strideW: 1, strideH: 1 }, [1, 7, 6, 17]],
    [[2, 8, 8, 8], [8, 3, 3, 8], {
      padding: "SAME",
      strideW: 1,
      strideH: 1,
      dilationWFactor: 2,
      dilationHFactor: 2,
      fusedActivationFunction: "RELU6",
    }, [2, 8, 8, 8]],
  ];
  for (const [x, w, o, ys] of convCases) {
    const O = w[0];
    await checkQuant(
      "CONV_2D",
      [
        u8(x, 0.02, 120),
        u8(w, 0.01, 130, true),
        bias(O, [0.0002]),
      ],
      { dtype: "uint8", scale: [0.05], zeroPoint: [110] },
      o,
      ys,
    );
    const ws = perChannel(O, 0.004);
    await checkQuant(
      "CONV_2D",
      [
        { shape: x, dtype: "int8", scale: [0.02], zeroPoint: [-5] },
        { shape: w, dtype: "int8", scale: ws, zeroPoint: ws.map(() => 0), constant: true },
        bias(O, ws.map((s) => s * 0.02)),
      ],
      { dtype: "int8", scale: [0.04], zeroPoint: [3] },
      o,
      ys,
    );
  }
  const dwCases: [number[], number[], NodeOptions, number[]][] = [
    [[1, 9, 9, 21], [1, 3, 3, 21], { padding: "SAME", strideW: 2, strideH: 2 }, [1, 5, 5, 21]],
    [[1, 8, 7, 16], [1, 3, 3, 16], {
      padding: "VALID",
      strideW: 1,
      strideH: 1,
      fusedActivationFunction: "RELU",
    }, [1, 6, 5, 16]],
  ];
  for (const [x, w, o, ys] of dwCases) {
    const C = w[3];
    await checkQuant(
      "DEPTHWISE_CONV_2D",
      [
        u8(x, 0.02, 120),
        u8(w, 0.01, 130, true),
        bias(C, [0.0002]),
      ],
      { dtype: "uint8", scale: [0.03], zeroPoint: [100] },
      { ...o, depthMultiplier: 1 },
      ys,
    );
    const ws = perChannel(C, 0.004);
    await checkQuant(
      "DEPTHWISE_CONV_2D",
      [
        { shape: x, dtype: "int8", scale: [0.02], zeroPoint: [7] },
        { shape: w, dtype: "int8", scale: ws, zeroPoint: ws.map(() => 0), constant: true, axis: 3 },
        bias(C, ws.map((s) => s * 0.02)),
      ],
      { dtype: "int8", scale: [0.03], zeroPoint: [-2] },
      { ...o, depthMultiplier: 1 },
      ys,
    );
  }
  await checkQuant(
    "FULLY_CONNECTED",
    [
      u8([3, 37], 0.02, 128),
      u8([11, 37], 0.01, 125, true),
      bias(11, [0.0002]),
    ],
    { dtype: "uint8", scale: [0.05], zeroPoint: [128] },
    {},
    [3, 11],
  );
});

Deno.test("8-bit ADD and AVERAGE_POOL_2D match the integer reference exactly", async () => {
  for (const dtype of ["uint8", "int8"] as const) {
    const z = dtype === "uint8" ? 128 : 0;
    await checkQuant(
      "ADD",
      [
        { shape: [1, 5, 7, 19], dtype, scale: [0.02], zeroPoint: [z - 3] },
        { shape: [1, 5, 7, 19], dtype, scale: [0.035], zeroPoint: [z + 5] },
      ],
      { dtype, scale: [0.05], zeroPoint: [z] },
      { fusedActivationFunction: "RELU6" },
      [
        1,
        5,
        7,
        19,
      ],
    );
    await checkQuant(
      "AVERAGE_POOL_2D",
      [
        { shape: [1, 9, 7, 5], dtype, scale: [0.02], zeroPoint: [z] },
      ],
      { dtype, scale: [0.02], zeroPoint: [z] },
      {
        padding: "SAME",
        strideW: 2,
        strideH: 2,
        filterWidth: 3,
        filterHeight: 3,
      },
      [1, 5, 4, 5],
    );
  }
});

Deno.test("CpuExecutor runs the 8-bit MobileNet v2 bit for bit like the integer reference", async () => {
  const { readModelFile } = await import("../../../format/tflite/mod.ts");
  const { runQuantReference } = await import("../../../kernels/_cpu/_quant_reference.ts");
  const path = new URL(
    "../../../../shared/models/quantized/mobilenet_v2_1.0_224_quant.tflite",
    import.meta.url,
  ).pathname;
  const graph = buildExecGraph((await readModelFile(path)).subgraphs[0], kernelFor);
  const t = graph.tensors[graph.inputs[0]];
  const r = rng(11);
  const x: HostTensor = {
    dtype: "uint8",
    shape: t.shape,
    data: Uint8Array.from({ length: numElements(t.shape) }, () => Math.floor(r() * 256)),
  };
  const [want] = runQuantReference(graph, [x]);
  const cpu = await CpuExecutor.create(graph, { threads: 2 });
  try {
    strictEqual(cpu.placement.filter((p) => p.backend === "reference").length, 0);
    const [got] = await cpu.run([x]);
    strictEqual((got.data as Uint8Array).join(), (want.data as Uint8Array).join());
  } finally {
    cpu.dispose();
  }
});
