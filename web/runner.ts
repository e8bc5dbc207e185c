/**
 * What the browser page runs, without the page: the conformance cases of chosen ops on the GPU
 * against the reference, and a whole model on the GPU and on the reference with per-output errors
 * and timings. Uses only the engine and WebGPU, so it runs in a browser and under Deno alike.
 *
 * @module
 */
import { createSession, loadModel } from "../engine/session.ts";
import type { GpuContext } from "../engine/backends/gpu/device.ts";
import { KERNELS } from "../kernels/registry.ts";
import type { AnyKernelDef, HostTensor, Precision, TensorData } from "../core/kernel.ts";
import { numElements } from "../core/ir.ts";
import { seededRandom } from "../core/random.ts";
import { UsageError } from "../core/errors.ts";
import { type CaseResult, runCase } from "../conformance/harness.ts";
import { loaderGraph } from "../conformance/loader_graph.ts";
import { compareTensors } from "../conformance/compare.ts";

/** One row of the conformance table: one op in one precision. */
export interface ConformanceRow {
  /** Op name. */
  op: string;
  /** Precision. */
  precision: Precision;
  /** Cases run. */
  cases: number;
  /** Cases passed. */
  passed: number;
  /** Cases failed. */
  failed: number;
  /** Worst max abs error. */
  maxAbs: number;
  /** Worst relative error. */
  rel: number;
  /** The first failing case with its reason, else the case with the worst relative error. */
  worst: string;
}

/** One output of a model run, GPU against the reference. */
export interface OutputRow {
  /** Tensor name. */
  name: string;
  /** Shape. */
  shape: number[];
  /** Max abs difference. */
  maxAbs: number;
  /** Relative error `||gpu - ref|| / ||ref||`. */
  rel: number;
  /** Largest relative error accepted. */
  tolerance: number;
  /** Whether `rel <= tolerance` and no NaN differs. */
  passed: boolean;
}

/** A model run on the GPU and on the reference. */
export interface ModelResult {
  /** Nodes after graph passes. */
  nodes: number;
  /** Nodes that ran on the GPU (the rest fell back to the CPU). */
  onGpu: number;
  /** Per output. */
  outputs: OutputRow[];
  /** Milliseconds per step: GPU session (compile), first GPU run, mean of later GPU runs, reference. */
  timings: Record<string, number>;
  /** Worst relative error of the `cpu` backend (one thread) against the reference, when it ran. */
  cpuRel?: number;
  /** Whether every output passed, on the GPU and, when it ran, on the `cpu` backend. */
  passed: boolean;
}

/** Relative error accepted for a network's outputs, as in `gpulite compare`. */
export const MODEL_TOLERANCE: Readonly<Record<Precision, number>> = { f32: 1e-4, f16: 1e-2 };

/**
 * The ops named in a comma list (`all`, or empty, for every op), case-insensitively.
 *
 * @example
 * ```ts
 * import { selectOps } from "./runner.ts";
 * if (selectOps("add, conv_2d").map((k) => k.name).join() !== "ADD,CONV_2D") throw new Error("wrong");
 * ```
 *
 * @param list Op names, comma separated.
 * @returns The ops, in registry order.
 */
export function selectOps(list: string): AnyKernelDef[] {
  const wanted = list.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean);
  if (!wanted.length || (wanted.length === 1 && wanted[0] === "ALL")) return [...KERNELS];
  const unknown = wanted.filter((w) => !KERNELS.some((k) => k.name.toUpperCase() === w));
  if (unknown.length) throw new UsageError(`Unknown op ${unknown.join(", ")}`);
  return KERNELS.filter((k) => wanted.includes(k.name.toUpperCase()));
}

/**
 * Sums case results of one op and precision into a table row.
 *
 * @example
 * ```ts
 * import { summarizeCases } from "./runner.ts";
 * const r = summarizeCases("ADD", "f32", [
 *   { op: "ADD", name: "a", precision: "f32", passed: true, rel: 1e-7, maxAbs: 1e-7, onGpu: true },
 * ]);
 * if (r.passed !== 1 || r.worst !== "a") throw new Error("wrong");
 * ```
 *
 * @param op Op name.
 * @param precision Precision.
 * @param results Case results.
 * @returns The row.
 */
export function summarizeCases(
  op: string,
  precision: Precision,
  results: CaseResult[],
): ConformanceRow {
  const failing = results.find((r) => !r.passed);
  const worst = results.reduce<CaseResult | undefined>(
    (w, r) => (!w || r.rel > w.rel ? r : w),
    undefined,
  );
  return {
    op,
    precision,
    cases: results.length,
    passed: results.filter((r) => r.passed).length,
    failed: results.filter((r) => !r.passed).length,
    maxAbs: Math.max(0, ...results.map((r) => r.maxAbs)),
    rel: Math.max(0, ...results.map((r) => r.rel)),
    worst: failing ? `${failing.name}: ${failing.error}` : worst?.name ?? "",
  };
}

/**
 * Runs the conformance cases of `ops` on the GPU against the reference, each case through the
 * `.tflite` writer and reader; f16 too where the adapter has `shader-f16`. Ops without a GPU kernel
 * are skipped.
 *
 * @example
 * ```ts ignore
 * const rows = await runConformance(gpu, selectOps("ADD"), { onRow: console.log });
 * ```
 *
 * @param gpu The device.
 * @param ops The ops.
 * @param options `onRow`: called after each row; `seed` of the inputs (default 1).
 * @returns One row per op and precision run.
 */
export async function runConformance(
  gpu: GpuContext,
  ops: AnyKernelDef[],
  options: { onRow?: (row: ConformanceRow) => void; seed?: number } = {},
): Promise<ConformanceRow[]> {
  const precisions: Precision[] = gpu.device.features.has("shader-f16") ? ["f32", "f16"] : ["f32"];
  const rows: ConformanceRow[] = [];
  for (const k of ops) {
    if (!k.gpu) continue;
    for (const precision of precisions) {
      if (precision === "f16" && k.f16 === false) continue;
      const results: CaseResult[] = [];
      for (const c of k.cases()) {
        if (precision === "f16" && c.f16 === false) continue;
        results.push(
          await runCase(gpu, k, c, { precision, seed: options.seed ?? 1, buildGraph: loaderGraph }),
        );
      }
      if (!results.length) continue;
      const row = summarizeCases(k.name, precision, results);
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return rows;
}

const ARRAYS: Record<string, { make: new (n: number) => TensorData; lo: number; hi: number }> = {
  float32: { make: Float32Array, lo: -1, hi: 1 },
  int32: { make: Int32Array, lo: 0, hi: 10 },
  uint8: { make: Uint8Array, lo: 0, hi: 255 },
  int8: { make: Int8Array, lo: -128, hi: 127 },
};

/**
 * Deterministic inputs for a model: uniform in `[-1, 1)` for float inputs, over the dtype's range
 * (0 to 10 for int32) for integer inputs.
 *
 * @example
 * ```ts
 * import { modelInputs } from "./runner.ts";
 * const [x] = modelInputs([{ name: "x", dtype: "float32", shape: [2, 3] }], 1);
 * if (x.data.length !== 6 || !(x.data instanceof Float32Array)) throw new Error("wrong");
 * ```
 *
 * @param inputs The model's inputs (name, dtype, shape).
 * @param seed Seed.
 * @returns One host tensor per input.
 */
export function modelInputs(
  inputs: { name: string; dtype: string; shape: number[] }[],
  seed: number,
): HostTensor[] {
  const rnd = seededRandom(seed);
  return inputs.map((info) => {
    const kind = ARRAYS[info.dtype];
    if (!kind) {
      throw new UsageError(
        `Input "${info.name}" has dtype ${info.dtype}, which the page cannot fill`,
      );
    }
    const data = new kind.make(numElements(info.shape));
    const float = info.dtype === "float32";
    for (let i = 0; i < data.length; i++) {
      const v = kind.lo + (kind.hi - kind.lo) * rnd();
      data[i] = float ? v : Math.round(v);
    }
    return { dtype: info.dtype, shape: info.shape, data } as HostTensor;
  });
}

/**
 * Runs a model on the GPU (f32) and on the reference with the same deterministic inputs, and
 * compares every output.
 *
 * @example
 * ```ts ignore
 * const result = await runModel(gpu, bytes, { runs: 3 });
 * ```
 *
 * @param gpu The device (kept; sessions do not destroy it).
 * @param source The `.tflite` bytes, or a URL to fetch.
 * @param options `runs`: GPU runs after the first, timed on average (default 3); `seed` (default 1);
 *   `cpu`: also run the `cpu` backend on one thread (it needs shared WebAssembly memory, so a
 *   cross-origin isolated page in a browser).
 * @returns Outputs, errors and timings.
 */
export async function runModel(
  gpu: GpuContext,
  source: Uint8Array | string | URL,
  options: { runs?: number; seed?: number; cpu?: boolean } = {},
): Promise<ModelResult> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const model = await loadModel(source);
  timings["load and validate"] = performance.now() - t;
  t = performance.now();
  const session = await createSession(model, { backend: "gpu", device: gpu });
  const reference = await createSession(model, { backend: "reference" });
  try {
    timings["GPU session (passes, plan, compile)"] = performance.now() - t;
    const feed = modelInputs(session.inputs, options.seed ?? 1);
    t = performance.now();
    const got = await session.run(feed);
    timings["GPU first run"] = performance.now() - t;
    const runs = options.runs ?? 3;
    if (runs > 0) {
      t = performance.now();
      for (let i = 0; i < runs; i++) await session.run(feed);
      timings[`GPU run (mean of ${runs})`] = (performance.now() - t) / runs;
    }
    t = performance.now();
    const want = await reference.run(feed);
    timings["reference run (CPU, float64)"] = performance.now() - t;
    let cpuRel: number | undefined;
    if (options.cpu) {
      t = performance.now();
      const cpu = await createSession(model, { backend: "cpu", threads: 1 });
      try {
        const out = await cpu.run(feed);
        timings["cpu backend session and run (WebAssembly SIMD, 1 thread)"] = performance.now() - t;
        cpuRel = Math.max(...out.map((o, k) => compareTensors(o, want[k]).rel));
      } finally {
        cpu.dispose();
      }
    }
    const tolerance = MODEL_TOLERANCE.f32;
    const outputs = session.outputs.map((info, k): OutputRow => {
      const d = compareTensors(got[k], want[k]);
      const passed = d.nanMismatches === 0 && d.rel <= tolerance;
      return {
        name: info.name,
        shape: info.shape,
        maxAbs: d.maxAbs,
        rel: d.rel,
        tolerance,
        passed,
      };
    });
    const placement = session.placement ?? [];
    return {
      nodes: session.placement.length,
      onGpu: placement.filter((p) => p.backend === "gpu").length,
      outputs,
      timings,
      cpuRel,
      passed: outputs.every((o) => o.passed) && (cpuRel === undefined || cpuRel <= tolerance),
    };
  } finally {
    session.dispose();
    reference.dispose();
  }
}
