/**
 * Benchmarks behind the conv workgroup heuristic (`kernels/_gpu/workgroup.ts`): three MobileNet-like
 * layers, each run with the heuristic's choice (the baseline) and with neighbouring workgroup sizes
 * and register blockings; and the GEMM mapping (`gemmMapping`) of two latency-bound pointwise layers
 * (7x7x1024 -> 1024, and the 1x1x1024 -> 1001 classifier GEMV) against the direct kernel and
 * other splits of the reduction.
 *
 * Each bench runs one submission holding `GPULITE_BENCH_REPEAT` copies of the layer (default 50 on a
 * real GPU, 1 on a software adapter) so GPU time dominates the readback floor (Deno's wgpu waits 10 ms
 * per readback; `GPULITE_PROVIDER=dawn` avoids that). Divide the time by the repeat count for one layer.
 *
 * ```sh
 * deno bench -A bench/conv_bench.ts
 * GPULITE_PROVIDER=dawn deno bench -A bench/conv_bench.ts
 * ```
 *
 * @module
 */
import { acquireDevice, type GpuProvider } from "../engine/backends/gpu/device.ts";
import { GpuExecutor } from "../engine/backends/gpu/executor.ts";
import type { ExecGraph } from "../core/exec_graph.ts";
import { caseGraph, materializeInputs } from "../conformance/harness.ts";
import type { AnyKernelDef, GpuPlanArgs, OpCase } from "../core/kernel.ts";
import { conv2d, type Conv2DOptions, conv2dPrograms } from "../kernels/conv_2d/mod.ts";
import {
  depthwiseConv2d,
  type DepthwiseConv2DOptions,
  depthwisePrograms,
} from "../kernels/depthwise_conv_2d/mod.ts";
import type { GemmMapping, Workgroup } from "../kernels/_gpu/workgroup.ts";

const gpu = await acquireDevice({
  provider: (Deno.env.get("GPULITE_PROVIDER") ?? "deno") as GpuProvider,
});
const repeat = Number(Deno.env.get("GPULITE_BENCH_REPEAT") ?? (gpu.isFallback ? 1 : 50));
const runs = gpu.isFallback ? { n: 2, warmup: 1 } : {};

/** A one-node case repeated `repeat` times in one graph (only the last output is read back). */
function repeatedGraph(kernel: AnyKernelDef, c: OpCase): ExecGraph {
  const values = materializeInputs(c, 1);
  const g = caseGraph(kernel, c, values);
  const node = g.nodes[0];
  const out = g.tensors[node.outputs[0]];
  const nodes = [node];
  for (let k = 1; k < repeat; k++) {
    g.tensors.push({ ...out, name: `out_${k}` });
    nodes.push({ ...node, index: k, outputs: [g.tensors.length - 1] });
  }
  g.nodes = nodes;
  g.outputs = [nodes[nodes.length - 1].outputs[0]];
  return g;
}

/** Registers one bench: the layer's kernel with its GPU plan replaced by `plan`. */
function benchLayer(args: {
  group: string;
  name: string;
  kernel: AnyKernelDef;
  c: OpCase;
  // deno-lint-ignore no-explicit-any
  plan?: (a: GpuPlanArgs<any>) => ReturnType<NonNullable<AnyKernelDef["gpu"]>["plan"]>;
  baseline?: boolean;
}): void {
  const kernel: AnyKernelDef = args.plan
    ? { ...args.kernel, gpu: { ...args.kernel.gpu, plan: args.plan } }
    : args.kernel;
  const graph = repeatedGraph(kernel, args.c);
  const input = materializeInputs(args.c, 1)[0]!;
  let exec: GpuExecutor | undefined;
  Deno.bench({
    name: args.name,
    group: args.group,
    baseline: args.baseline,
    ...runs,
    async fn(b) {
      exec ??= await GpuExecutor.fromGraph(gpu, graph, { precision: "f32" });
      await exec.run([input]);
      b.start();
      await exec.run([input]);
      b.end();
    },
  });
}

const convCase: OpCase = {
  name: "mobilenet stem 224x224x3 -> 112x112x32",
  inputs: [
    { dtype: "float32", shape: [1, 224, 224, 3] },
    { dtype: "float32", shape: [32, 3, 3, 3], constant: true },
    { dtype: "float32", shape: [32], constant: true },
  ],
  options: { padding: "SAME", strideW: 2, strideH: 2, fusedActivationFunction: "RELU6" },
};
const pointwiseCase: OpCase = {
  name: "pointwise 56x56x128 -> 128",
  inputs: [
    { dtype: "float32", shape: [1, 56, 56, 128] },
    { dtype: "float32", shape: [128, 1, 1, 128], constant: true },
    { dtype: "float32", shape: [128], constant: true },
  ],
  options: { padding: "SAME", strideW: 1, strideH: 1, fusedActivationFunction: "RELU6" },
};
const depthwiseCase: OpCase = {
  name: "depthwise 3x3 112x112x64",
  inputs: [
    { dtype: "float32", shape: [1, 112, 112, 64] },
    { dtype: "float32", shape: [1, 3, 3, 64], constant: true },
    { dtype: "float32", shape: [64], constant: true },
  ],
  options: {
    padding: "SAME",
    strideW: 1,
    strideH: 1,
    depthMultiplier: 1,
    fusedActivationFunction: "RELU6",
  },
};

const convVariants: [string, { wb?: number; sb?: number; wg?: Workgroup }][] = [
  ["wg 8x8x4", { wg: [8, 8, 4] }],
  ["wg 16x16x1", { wg: [16, 16, 1] }],
  ["wg 4x4x16", { wg: [4, 4, 16] }],
  ["wb1 sb1 (no register blocking)", { wb: 1, sb: 1 }],
  ["wb2 sb2", { wb: 2, sb: 2 }],
];
for (const [group, c] of [["conv 3x3 s2", convCase], ["conv 1x1", pointwiseCase]] as const) {
  benchLayer({ group, name: `${c.name}: heuristic`, kernel: conv2d, c, baseline: true });
  for (const [label, tuning] of convVariants) {
    benchLayer({
      group,
      name: `${c.name}: ${label}`,
      kernel: conv2d,
      c,
      plan: (a) => conv2dPrograms(a as GpuPlanArgs<Conv2DOptions>, tuning),
    });
  }
}
benchLayer({
  group: "depthwise 3x3",
  name: `${depthwiseCase.name}: heuristic`,
  kernel: depthwiseConv2d,
  c: depthwiseCase,
  baseline: true,
});
const dwVariants: [string, { wb?: number; wg?: Workgroup }][] = [
  ["wg 8x8x4", { wg: [8, 8, 4] }],
  ["wg 16x16x1", { wg: [16, 16, 1] }],
  ["wg 4x4x16", { wg: [4, 4, 16] }],
  ["wb2", { wb: 2 }],
  ["wb4", { wb: 4 }],
];
for (const [label, tuning] of dwVariants) {
  benchLayer({
    group: "depthwise 3x3",
    name: `${depthwiseCase.name}: ${label}`,
    kernel: depthwiseConv2d,
    c: depthwiseCase,
    plan: (a) => depthwisePrograms(a as GpuPlanArgs<DepthwiseConv2DOptions>, tuning),
  });
}

const smallPointwiseCase: OpCase = {
  name: "pointwise 7x7x1024 -> 1024",
  inputs: [
    { dtype: "float32", shape: [1, 7, 7, 1024] },
    { dtype: "float32", shape: [1024, 1, 1, 1024], constant: true },
    { dtype: "float32", shape: [1024], constant: true },
  ],
  options: { padding: "SAME", strideW: 1, strideH: 1, fusedActivationFunction: "RELU6" },
};
const gemvCase: OpCase = {
  name: "classifier 1x1x1024 -> 1001",
  inputs: [
    { dtype: "float32", shape: [1, 1, 1, 1024] },
    { dtype: "float32", shape: [1001, 1, 1, 1024], constant: true },
    { dtype: "float32", shape: [1001], constant: true },
  ],
  options: { padding: "VALID", strideW: 1, strideH: 1, fusedActivationFunction: "NONE" },
};
const gemmVariants: [string, OpCase, { wb?: number; sb?: number; gemm?: GemmMapping }][] = [
  ["direct wb4 sb2", smallPointwiseCase, { wb: 4, sb: 2 }],
  ["gemm ks1", smallPointwiseCase, {
    gemm: { mb: 4, nb: 2, tpm: 16, tpn: 4, ks: 1, unit: "slice" },
  }],
  ["gemm ks8", smallPointwiseCase, {
    gemm: { mb: 4, nb: 2, tpm: 16, tpn: 2, ks: 8, unit: "slice" },
  }],
  ["gemm 2x2 ks32", smallPointwiseCase, {
    gemm: { mb: 2, nb: 2, tpm: 8, tpn: 1, ks: 32, unit: "slice" },
  }],
  ["direct wb1 sb1", gemvCase, { wb: 1, sb: 1 }],
  ["gemm ks64 channel", gemvCase, {
    gemm: { mb: 1, nb: 1, tpm: 1, tpn: 1, ks: 64, unit: "channel" },
  }],
  ["gemm ks256 slice", gemvCase, {
    gemm: { mb: 1, nb: 1, tpm: 1, tpn: 1, ks: 256, unit: "slice" },
  }],
];
for (const c of [smallPointwiseCase, gemvCase]) {
  benchLayer({ group: c.name, name: `${c.name}: heuristic`, kernel: conv2d, c, baseline: true });
}
for (const [label, c, tuning] of gemmVariants) {
  benchLayer({
    group: c.name,
    name: `${c.name}: ${label}`,
    kernel: conv2d,
    c,
    plan: (a) => conv2dPrograms(a as GpuPlanArgs<Conv2DOptions>, tuning),
  });
}
