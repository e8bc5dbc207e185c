import { strictEqual } from "node:assert";
import type { Graph, NodeOptions, Tensor } from "../../core/ir.ts";
import { numElements } from "../../core/ir.ts";
import { kernelFor } from "../registry.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { CpuExecutor } from "../../engine/backends/cpu/executor.ts";
import { ReferenceExecutor } from "../../engine/backends/reference/executor.ts";
import { buildExecGraph, type ExecGraph } from "../../core/exec_graph.ts";
import { seededRandom } from "../../core/random.ts";
import { runQuantReference } from "./_quant_reference.ts";
import { quantizeMultiplier } from "../_shared/quant_math.ts";
import { requantArrays } from "./gemm_quant.ts";

interface QIn {
  shape: number[];
  dtype: "int8" | "int32";
  scale: number[];
  constant?: boolean;
  axis?: number;
  /** Bound of the random values (int32 only). */
  range?: number;
}

/** One 8-bit node with seeded random values, against the integer reference, bit for bit. */
async function check(
  op: string,
  ins: QIn[],
  out: { scale: number; zeroPoint: number; shape: number[] },
  options: NodeOptions,
): Promise<void> {
  const r = seededRandom(11);
  const tensors: Tensor[] = [];
  const inputs: HostTensor[] = [];
  const graphInputs: number[] = [];
  ins.forEach((d, i) => {
    const n = numElements(d.shape);
    const arr = d.dtype === "int32"
      ? Int32Array.from({ length: n }, () => Math.floor((r() * 2 - 1) * (d.range ?? 1000)))
      : Int8Array.from({ length: n }, () => Math.floor(r() * 256) - 128);
    const t: Tensor = {
      name: `in${i}`,
      dtype: d.dtype,
      shape: d.shape,
      quantization: {
        scale: d.scale,
        zeroPoint: d.scale.map(() => 0).map((z) => (d.dtype === "int8" && !d.constant ? -3 : z)),
        quantizedDimension: d.axis ?? 0,
      },
    };
    if (d.constant) t.data = new Uint8Array(arr.buffer);
    else {
      graphInputs.push(i);
      inputs.push({ dtype: d.dtype, shape: d.shape, data: arr });
    }
    tensors.push(t);
  });
  tensors.push({
    name: "out",
    dtype: "int8",
    shape: out.shape,
    quantization: { scale: [out.scale], zeroPoint: [out.zeroPoint], quantizedDimension: 0 },
  });
  const g: Graph = {
    name: "",
    tensors,
    nodes: [{ op, version: 1, inputs: ins.map((_, i) => i), outputs: [ins.length], options }],
    inputs: graphInputs,
    outputs: [ins.length],
  };
  const graph = buildExecGraph(g, kernelFor);
  const [want] = runQuantReference(graph, inputs);
  for (const threads of [1, 2]) {
    const cpu = await CpuExecutor.create(graph, { threads });
    try {
      strictEqual(cpu.placement[0].backend, "cpu-fast", `${op} fell back to the reference`);
      const [got] = await cpu.run(inputs);
      for (let i = 0; i < want.data.length; i++) {
        if (got.data[i] !== want.data[i]) {
          throw new Error(
            `${op} threads ${threads}: element ${i} is ${got.data[i]}, want ${want.data[i]}`,
          );
        }
      }
    } finally {
      cpu.dispose();
    }
  }
}

/** Weight scales whose requantization shifts span left shifts, no shift and long right shifts. */
function wideScales(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 2 ** ((i * 5) % 31 - 22) * (1 + ((i * 3) % 7) / 7));
}

Deno.test("int8 per-channel requantization with mixed shifts is bit-exact (SIMD path)", async () => {
  for (const C of [3, 8, 13, 24]) {
    const ws = wideScales(C);
    const sx = 0.05, sy = 0.1;
    const shifts = new Set(ws.map((s) => quantizeMultiplier((sx * s) / sy).shift));
    strictEqual(shifts.size > 1, true);
    const bias = (range: number): QIn => ({
      shape: [C],
      dtype: "int32",
      scale: ws.map((s) => s * sx),
      constant: true,
      range,
    });
    for (const range of [100, 1e6, 2e9]) {
      await check(
        "CONV_2D",
        [
          { shape: [1, 5, 6, 7], dtype: "int8", scale: [sx] },
          { shape: [C, 3, 3, 7], dtype: "int8", scale: ws, constant: true },
          bias(range),
        ],
        { scale: sy, zeroPoint: 4, shape: [1, 5, 6, C] },
        { padding: "SAME", strideW: 1, strideH: 1 },
      );
      await check(
        "FULLY_CONNECTED",
        [
          { shape: [5, 19], dtype: "int8", scale: [sx] },
          { shape: [C, 19], dtype: "int8", scale: ws, constant: true },
          bias(range),
        ],
        { scale: sy, zeroPoint: -7, shape: [5, C] },
        { fusedActivationFunction: "NONE" },
      );
      await check(
        "DEPTHWISE_CONV_2D",
        [
          { shape: [1, 6, 5, C], dtype: "int8", scale: [sx] },
          { shape: [1, 3, 3, C], dtype: "int8", scale: ws, constant: true, axis: 3 },
          bias(range),
        ],
        { scale: sy, zeroPoint: 1, shape: [1, 6, 5, C] },
        { padding: "SAME", strideW: 1, strideH: 1, depthMultiplier: 1 },
      );
    }
  }
});

Deno.test("8-bit CONV_2D over few channels (whole windows gathered) is bit-exact", async () => {
  const sx = 0.05, sy = 0.1, C = 11;
  for (const K of [1, 3, 5, 7]) {
    for (const [scales, range] of [[[0.004], 100], [[0.004], 2e9], [wideScales(C), 1e4]] as const) {
      for (const stride of [1, 2]) {
        await check(
          "CONV_2D",
          [
            { shape: [2, 7, 9, K], dtype: "int8", scale: [sx] },
            { shape: [C, 3, 3, K], dtype: "int8", scale: [...scales], constant: true },
            {
              shape: [C],
              dtype: "int32",
              scale: Array.from({ length: C }, (_, c) => scales[c % scales.length] * sx),
              constant: true,
              range,
            },
          ],
          {
            scale: sy,
            zeroPoint: 4,
            shape: [2, Math.ceil(7 / stride), Math.ceil(9 / stride), C],
          },
          { padding: "SAME", strideW: stride, strideH: stride },
        );
      }
    }
  }
});

Deno.test("8-bit 1x1 CONV_2D gathers each task's rows itself, strided and padded too", async () => {
  const sx = 0.05, sy = 0.1, C = 21;
  for (const K of [8, 13, 40]) {
    for (const [stride, padding] of [[1, "VALID"], [2, "SAME"], [2, "VALID"]] as const) {
      // A 1x1 window gives ceil(n / stride) pixels with either padding.
      const out = (n: number) => Math.ceil(n / stride);
      await check(
        "CONV_2D",
        [
          { shape: [1, 9, 11, K], dtype: "int8", scale: [sx] },
          { shape: [C, 1, 1, K], dtype: "int8", scale: [0.004], constant: true },
          { shape: [C], dtype: "int32", scale: [0.004 * sx], constant: true, range: 3000 },
        ],
        { scale: sy, zeroPoint: -2, shape: [1, out(9), out(11), C] },
        { padding, strideW: stride, strideH: stride },
      );
    }
  }
});

Deno.test("8-bit DEPTHWISE_CONV_2D with one weight scale is bit-exact for any channel count", async () => {
  const sx = 0.05, sy = 0.1;
  for (const C of [5, 16, 21, 40]) {
    for (const stride of [1, 2]) {
      await check(
        "DEPTHWISE_CONV_2D",
        [
          { shape: [1, 7, 6, C], dtype: "int8", scale: [sx] },
          { shape: [1, 3, 3, C], dtype: "int8", scale: [0.01], constant: true, axis: 3 },
          { shape: [C], dtype: "int32", scale: [0.01 * sx], constant: true, range: 5000 },
        ],
        { scale: sy, zeroPoint: 3, shape: [1, Math.ceil(7 / stride), Math.ceil(6 / stride), C] },
        { padding: "SAME", strideW: stride, strideH: stride, depthMultiplier: 1 },
      );
    }
  }
});

/** Per-channel weight scales whose multipliers all shift right, by 1 to 12 bits, channel by channel. */
function rightScales(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 0.02 * 2 ** -((i * 7) % 12) * (1 + (i % 5) / 5));
}

Deno.test("requantArrays() picks the bounded forms only where their conditions hold", () => {
  const ctx = { alloc: (n: number) => n, put: () => {} };
  const q = (scale: number[]) => ({ scale, zeroPoint: scale.map(() => 0), quantizedDimension: 0 });
  const g = (scale: number[], bound: number) => ({
    sx: 0.05,
    w: q(scale),
    sy: 0.1,
    n: scale.length,
    pad: 16,
    bound,
  });
  strictEqual(requantArrays(ctx, g([0.004], 1000))[3], "v");
  strictEqual(requantArrays(ctx, g(rightScales(13), 1000))[3], "b");
  strictEqual(requantArrays(ctx, g(rightScales(13), 2 ** 30))[3], "pc");
  strictEqual(requantArrays(ctx, g(wideScales(13), 1000))[3], "pc");
});

Deno.test("int8 per-channel weights with right shifts only are bit-exact (bounded per-channel form)", async () => {
  for (const C of [5, 16, 21]) {
    const ws = rightScales(C), sx = 0.05, sy = 0.1;
    const bias: QIn = {
      shape: [C],
      dtype: "int32",
      scale: ws.map((s) => s * sx),
      constant: true,
      range: 5000,
    };
    await check(
      "CONV_2D",
      [
        { shape: [1, 5, 6, 12], dtype: "int8", scale: [sx] },
        { shape: [C, 3, 3, 12], dtype: "int8", scale: ws, constant: true },
        bias,
      ],
      { scale: sy, zeroPoint: 4, shape: [1, 5, 6, C] },
      { padding: "SAME", strideW: 1, strideH: 1 },
    );
    await check(
      "DEPTHWISE_CONV_2D",
      [
        { shape: [1, 6, 5, C], dtype: "int8", scale: [sx] },
        { shape: [1, 3, 3, C], dtype: "int8", scale: ws, constant: true, axis: 3 },
        bias,
      ],
      { scale: sy, zeroPoint: 1, shape: [1, 6, 5, C] },
      { padding: "SAME", strideW: 1, strideH: 1, depthMultiplier: 1 },
    );
  }
});

Deno.test("8-bit ADD is bit-exact for equal and unequal input scales", async () => {
  for (const [sa, sb, so] of [[0.05, 0.05, 0.1], [0.05, 0.013, 0.04], [0.002, 0.3, 0.25]]) {
    await check(
      "ADD",
      [
        { shape: [1, 9, 7, 13], dtype: "int8", scale: [sa] },
        { shape: [1, 9, 7, 13], dtype: "int8", scale: [sb] },
      ],
      { scale: so, zeroPoint: -5, shape: [1, 9, 7, 13] },
      { fusedActivationFunction: "NONE" },
    );
  }
});

/** A one-node float graph (QUANTIZE or DEQUANTIZE), CPU against the reference executor. */
async function checkConvert(
  op: "QUANTIZE" | "DEQUANTIZE",
  x: HostTensor,
  y: { dtype: "float32" | "int8" | "uint8"; scale: number; zeroPoint: number },
  xq?: { scale: number; zeroPoint: number },
): Promise<void> {
  const q = (s: { scale: number; zeroPoint: number }) => ({
    scale: [s.scale],
    zeroPoint: [s.zeroPoint],
    quantizedDimension: 0,
  });
  const g: Graph = {
    name: "",
    tensors: [
      { name: "x", dtype: x.dtype, shape: x.shape, quantization: xq && q(xq) },
      {
        name: "y",
        dtype: y.dtype,
        shape: x.shape,
        quantization: y.dtype === "float32" ? undefined : q(y),
      },
    ],
    nodes: [{ op, version: 1, inputs: [0], outputs: [1], options: {} }],
    inputs: [0],
    outputs: [1],
  };
  const graph: ExecGraph = buildExecGraph(g, kernelFor);
  const input = { ...x, quantization: xq && q(xq) };
  const [want] = new ReferenceExecutor(graph).run([input]);
  const cpu = await CpuExecutor.create(graph, { threads: 2 });
  try {
    strictEqual(cpu.placement[0].backend, "cpu-fast", `${op} fell back to the reference`);
    const [got] = await cpu.run([input]);
    strictEqual(got.dtype, want.dtype);
    for (let i = 0; i < want.data.length; i++) {
      if (!Object.is(got.data[i], want.data[i])) {
        throw new Error(`${op}: element ${i} is ${got.data[i]}, want ${want.data[i]}`);
      }
    }
  } finally {
    cpu.dispose();
  }
}

Deno.test("QUANTIZE and DEQUANTIZE run on the fast path, bit for bit like the reference", async () => {
  const r = seededRandom(5);
  const n = 3 * 70 * 50 * 3;
  for (
    const [dtype, scale, zp] of [["int8", 0.0235, -3], ["uint8", 0.1, 128], ["int8", 1, 0]] as const
  ) {
    const special = [NaN, Infinity, -Infinity, -0, 0, 1e30, -1e30];
    const data = Float32Array.from({ length: n }, (_, i) => {
      if (i < special.length) return special[i];
      const k = Math.floor(r() * 300) - 150;
      // ties (k + 0.5) * scale, near-ties and plain random values
      return i % 3 === 0
        ? (k + 0.5) * scale
        : i % 3 === 1
        ? (k + 0.5) * scale * (1 + 1e-7)
        : k * r() * scale;
    });
    await checkConvert("QUANTIZE", { dtype: "float32", shape: [3, 70, 50, 3], data }, {
      dtype,
      scale,
      zeroPoint: zp,
    });
    const qdata = dtype === "int8"
      ? Int8Array.from({ length: 256 }, (_, i) => i - 128)
      : Uint8Array.from({ length: 256 }, (_, i) => i);
    await checkConvert(
      "DEQUANTIZE",
      { dtype, shape: [1, 256], data: qdata },
      { dtype: "float32", scale: 0, zeroPoint: 0 },
      { scale, zeroPoint: zp },
    );
  }
});
