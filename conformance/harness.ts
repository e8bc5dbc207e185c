/**
 * The conformance harness: turns an op's cases into one-node graphs, runs them on the GPU and on the
 * reference, and measures the differences against the op's tolerance.
 *
 * @module
 */
import type { AnyKernelDef, CaseInput, HostTensor, OpCase, Precision } from "../core/kernel.ts";
import { allocTensor } from "../kernels/_shared/tensor.ts";
import { bindNode, type ExecGraph, type ExecTensor } from "../core/exec_graph.ts";
import { GpuExecutor } from "../engine/backends/gpu/executor.ts";
import { CpuExecutor } from "../engine/backends/cpu/executor.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import type { GpuContext } from "../engine/backends/gpu/device.ts";
import { hashString, seededRandom } from "./rng.ts";
import { compareTensors } from "./compare.ts";
import { QUANT_GPU_LSB, toleranceFor } from "./tolerances.ts";
import { dequantizeGraph } from "../engine/passes/dequantize.ts";
import { isQuantPrecision, type QuantPrecision } from "./quant_cases.ts";

function is8Bit(dtype: string): boolean {
  return dtype === "int8" || dtype === "uint8";
}

/** A conformance precision: float storage on the GPU, or the activations' 8-bit dtype. */
export type ConformPrecision = Precision | QuantPrecision;

/** The outcome of one case. */
export interface CaseResult {
  /** Op name. */
  op: string;
  /** Case name. */
  name: string;
  /** Precision. */
  precision: ConformPrecision;
  /** Whether it passed. */
  passed: boolean;
  /** Worst relative error over the outputs. */
  rel: number;
  /** Worst max abs error over the outputs. */
  maxAbs: number;
  /** Why it failed (error message, or which bound). */
  error?: string;
  /** Whether the node ran on the backend's own kernel (false: it fell back to the reference). */
  onGpu: boolean;
}

/**
 * Host values of a case's inputs, seeded by the case name and `seed`; `undefined` for omitted inputs.
 *
 * @example
 * ```ts
 * import { materializeInputs } from "./harness.ts";
 * const [x] = materializeInputs({ name: "c", inputs: [{ dtype: "float32", shape: [4] }] }, 1);
 * if (x!.data.length !== 4) throw new Error("wrong");
 * ```
 *
 * @param c The case.
 * @param seed Run seed.
 * @returns One tensor per input.
 */
export function materializeInputs(
  c: OpCase,
  seed: number,
): (HostTensor | undefined)[] {
  const rnd = seededRandom(seed ^ hashString(c.name));
  return c.inputs.map((inp: CaseInput | null) => {
    if (!inp) return undefined;
    const t = allocTensor(inp.dtype, inp.shape);
    if (inp.quantization) t.quantization = inp.quantization;
    const isFloat = inp.dtype === "float32" || inp.dtype === "float64";
    const [lo, hi] = inp.range ?? (isFloat ? [-1, 1] : [0, 10]);
    for (let i = 0; i < t.data.length; i++) {
      let v: number;
      if (inp.data) v = inp.data[i % inp.data.length];
      else if (isFloat) {
        v = lo + (hi - lo) * rnd();
        if (v === 0) v = 0.5;
      } else v = Math.floor(lo + (hi - lo) * rnd());
      if (t.data instanceof BigInt64Array) t.data[i] = BigInt(v);
      else t.data[i] = v;
    }
    return t;
  });
}

/**
 * The one-node exec graph of a case: non-constant inputs are graph inputs, constants carry values.
 *
 * @example
 * ```ts
 * import { caseGraph, materializeInputs } from "./harness.ts";
 * import { add } from "../kernels/add/mod.ts";
 * const c = add.cases()[0];
 * const g = caseGraph(add, c, materializeInputs(c, 1));
 * if (g.nodes.length !== 1) throw new Error("wrong");
 * ```
 *
 * @param kernel The op.
 * @param c The case.
 * @param values Input values from {@linkcode materializeInputs}.
 * @returns The graph.
 */
export function caseGraph(
  kernel: AnyKernelDef,
  c: OpCase,
  values: (HostTensor | undefined)[],
): ExecGraph {
  const tensors: ExecTensor[] = [];
  const inputs: number[] = [];
  const nodeInputs: number[] = [];
  c.inputs.forEach((inp, i) => {
    if (!inp) {
      nodeInputs.push(-1);
      return;
    }
    const t: ExecTensor = {
      name: `in${i}`,
      dtype: inp.dtype,
      shape: [...inp.shape],
    };
    if (inp.quantization) t.quantization = inp.quantization;
    if (inp.constant) t.value = values[i];
    else inputs.push(tensors.length);
    nodeInputs.push(tensors.length);
    tensors.push(t);
  });
  const { node, outputs: specs } = bindNode(tensors, {
    index: 0,
    op: kernel.name,
    kernel,
    inputs: nodeInputs,
    declared: c.outputs,
    options: c.options ?? {},
    customOptions: c.customOptions,
  });
  const outputs = specs.map((s, k) => {
    tensors.push({ name: `out${k}`, ...s });
    return tensors.length - 1;
  });
  node.outputs = outputs;
  return {
    tensors,
    nodes: [node],
    inputs,
    outputs,
  };
}

/**
 * Runs one case on the GPU (or the fast CPU backend) and on the reference and compares. In an 8-bit
 * precision the reference is the integer one: the CPU backend must match it exactly (0 LSB), the GPU
 * (the graph dequantized, activations in f32) within {@linkcode QUANT_GPU_LSB} on 8-bit outputs.
 *
 * @example
 * ```ts ignore
 * const r = await runCase(gpu, add, add.cases()[0], { precision: "f32", seed: 1 });
 * ```
 *
 * @param ctx The device.
 * @param kernel The op.
 * @param c The case.
 * @param options Precision, seed, and an optional graph builder (e.g. through the `.tflite` writer).
 * @returns The result.
 */
export async function runCase(
  ctx: GpuContext | undefined,
  kernel: AnyKernelDef,
  c: OpCase,
  options: {
    precision: ConformPrecision;
    seed: number;
    /** `gpu` (default) or `cpu`: the fast CPU backend (its kernels, or the reference where it has none). */
    backend?: "gpu" | "cpu";
    buildGraph?: (
      kernel: AnyKernelDef,
      c: OpCase,
      values: (HostTensor | undefined)[],
    ) => ExecGraph;
  },
): Promise<CaseResult> {
  const { precision, seed } = options;
  const base = { op: kernel.name, name: c.name, precision };
  let exec: { dispose(): void } | undefined;
  let fallbackReason: string | undefined;
  const quant = isQuantPrecision(precision);
  try {
    const values = materializeInputs(c, seed);
    const graph = (options.buildGraph ?? caseGraph)(kernel, c, values);
    // Inputs carry the model's quantization (the file stores scales as float32), as a caller's
    // values do once a backend reads them against the graph.
    const feed = graph.inputs.map((t) => {
      const v = values[graph.nodes[0].inputs.indexOf(t)]!;
      const q = graph.tensors[t].quantization;
      return q ? { ...v, quantization: q } : v;
    });
    const ref = new ReferenceExecutor(graph).run(feed);
    let onGpu: boolean;
    let got: HostTensor[];
    if (options.backend === "cpu") {
      const cpu = await CpuExecutor.create(graph, { threads: 2 });
      exec = cpu;
      onGpu = cpu.placement.every((p) => p.backend === "cpu-fast");
      got = await cpu.run(feed);
    } else {
      if (!ctx) throw new Error("runCase() needs a GPU device for the gpu backend");
      // 8-bit graphs run on the GPU as sessions run them: dequantized, activations in f32.
      const run = quant ? dequantizeGraph(graph).graph : graph;
      const gpu = await GpuExecutor.fromGraph(ctx, run, {
        precision: quant ? "f32" : precision,
        poisonOutputs: true,
        // The node under test stays on the GPU even between the host's edge conversions.
        refinePartition: !quant,
      });
      exec = gpu;
      // Of a dequantized graph, the nodes that still read or write 8-bit tensors are its edges
      // (the model's own dtypes in and out), which run on the host as in a session.
      const edge = (i: number) =>
        quant && [...run.nodes[i].inputs, ...run.nodes[i].outputs]
          .some((t) => t >= 0 && is8Bit(run.tensors[t].dtype));
      const off = gpu.placement.filter((p, i) => p.backend !== "gpu" && !edge(i));
      onGpu = off.length === 0;
      fallbackReason = off[0]?.reason;
      got = await gpu.run(feed);
    }
    const tol = toleranceFor(kernel.name, quant ? "f32" : precision);
    const lsb = quant && options.backend !== "cpu" ? QUANT_GPU_LSB : 0;
    let rel = 0;
    let maxAbs = 0;
    let error: string | undefined;
    got.forEach((g, k) => {
      const d = compareTensors(g, ref[k]);
      rel = Math.max(rel, d.rel);
      maxAbs = Math.max(maxAbs, d.maxAbs);
      const exact = ref[k].dtype !== "float32";
      if (d.nanMismatches > 0) {
        error ??= `output ${k}: ${d.nanMismatches} NaN/Inf mismatches (first at ${d.firstBad})`;
      } else if (exact) {
        if (d.maxAbs > lsb) {
          error ??= `output ${k}: integer results differ by up to ${d.maxAbs}` +
            (lsb ? ` > ${lsb}` : "");
        }
      } else if (d.rel > tol.rel) {
        error ??= `output ${k}: relative error ${d.rel.toExponential(2)} > ${tol.rel}`;
      } else if (d.maxAbs > tol.abs * Math.max(1, d.refMax)) {
        error ??= `output ${k}: max abs error ${d.maxAbs.toExponential(2)} > ${tol.abs} x ${
          Math.max(1, d.refMax)
        }`;
      }
    });
    if (!onGpu && options.backend !== "cpu") {
      error ??= `fell back to the CPU: ${fallbackReason}`;
    }
    return { ...base, passed: !error, rel, maxAbs, error, onGpu };
  } catch (e) {
    return {
      ...base,
      passed: false,
      rel: Infinity,
      maxAbs: Infinity,
      error: (e as Error).message,
      onGpu: false,
    };
  } finally {
    exec?.dispose();
  }
}
