/**
 * Measuring a quantized model against its float original: seeded random input sets, the error of
 * each output (absolute, relative, top-1 agreement) on the CPU backend, and `quantizeModel`, which
 * calibrates, quantizes and measures in one call.
 *
 * @module
 */
import type { DType, Model } from "../../core/ir.ts";
import { numElements } from "../../core/ir.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import { ReferenceExecutor } from "../backends/reference/executor.ts";
import { CpuExecutor, type CpuPlacement } from "../backends/cpu/executor.ts";
import { UsageError } from "../../core/errors.ts";
import { seededRandom } from "../../core/random.ts";
import { kernelFor } from "../../kernels/registry.ts";
import type { HostTensor } from "../../core/kernel.ts";
import {
  checkInputs,
  type OutputError,
  quantizedCpuGraph,
  quantizeGraphs,
  type QuantizeOptions,
  type QuantizeReport,
} from "./calibrate.ts";

/**
 * Seeded random input sets, floats uniform in [-1, 1), integers in [0, 10).
 *
 * @example
 * ```ts
 * import { randomInputSets } from "./measure.ts";
 * const sets = randomInputSets([{ dtype: "float32", shape: [2, 3] }], 4, 1);
 * if (sets.length !== 4 || sets[3][0].data.length !== 6) throw new Error("wrong");
 * ```
 *
 * @param inputs Dtype and shape of each graph input.
 * @param count Number of sets.
 * @param seed Seed.
 * @returns `count` sets of one tensor per input.
 */
export function randomInputSets(
  inputs: { dtype: DType; shape: number[] }[],
  count: number,
  seed: number,
): HostTensor[][] {
  const r = seededRandom(seed);
  return Array.from({ length: count }, () =>
    inputs.map(({ dtype, shape }) => {
      const n = numElements(shape);
      if (dtype === "float32") {
        return {
          dtype,
          shape: [...shape],
          data: Float32Array.from({ length: n }, () => r() * 2 - 1),
        };
      }
      if (dtype !== "int32" && dtype !== "uint8" && dtype !== "int8") {
        throw new UsageError(`Random inputs of dtype ${dtype} are not supported`);
      }
      const ints = Array.from({ length: n }, () => Math.floor(r() * 10));
      const data = dtype === "int32"
        ? Int32Array.from(ints)
        : dtype === "int8"
        ? Int8Array.from(ints)
        : Uint8Array.from(ints);
      return { dtype, shape: [...shape], data };
    }));
}

/** Error accumulators of one output. */
class ErrorSum {
  num = 0;
  den = 0;
  maxAbs = 0;
  maxRef = 0;
  rows = 0;
  agree = 0;

  add(q: ArrayLike<number>, f: ArrayLike<number>, shape: number[]): void {
    for (let i = 0; i < f.length; i++) {
      const d = q[i] - f[i];
      this.num += d * d;
      this.den += f[i] * f[i];
      this.maxAbs = Math.max(this.maxAbs, Math.abs(d));
      this.maxRef = Math.max(this.maxRef, Math.abs(f[i]));
    }
    const classes = shape.at(-1) ?? 1;
    if (shape.length !== 2 || classes < 2) return;
    for (let r = 0; r < f.length / classes; r++) {
      this.rows++;
      if (argMax(q, r * classes, classes) === argMax(f, r * classes, classes)) this.agree++;
    }
  }
}

function argMax(a: ArrayLike<number>, at: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[at + i] > a[at + best]) best = i;
  return best;
}

/**
 * Runs a quantized model on the CPU executor and its float source on the reference executor over
 * the same inputs, and measures the error of each output.
 *
 * @example
 * ```ts ignore
 * import { measureQuantizationError } from "./measure.ts";
 * const { outputs } = await measureQuantizationError(float, quantized, [[x]], { threads: 2 });
 * console.log(outputs[0].relativeError);
 * ```
 *
 * @param float The float model.
 * @param quantized Its quantized form.
 * @param sets Held-out input sets.
 * @param options CPU threads (default 1).
 * @returns Per-output errors and where the quantized nodes ran.
 */
export async function measureQuantizationError(
  float: Model,
  quantized: Model,
  sets: HostTensor[][],
  options: { threads?: number } = {},
): Promise<{ outputs: OutputError[]; placement: CpuPlacement[] }> {
  const ref = new ReferenceExecutor(buildExecGraph(float.subgraphs[0], kernelFor));
  checkInputs(ref.graph, sets, "Evaluation");
  const cpu = await CpuExecutor.create(quantizedCpuGraph(quantized), {
    threads: options.threads ?? 1,
  });
  try {
    const sums = ref.graph.outputs.map(() => new ErrorSum());
    for (const inputs of sets) {
      const want = ref.run(inputs);
      const got = await cpu.run(inputs);
      want.forEach((f, k) => {
        sums[k].add(got[k].data as Float32Array, f.data as Float32Array, f.shape);
      });
    }
    const outputs = sums.map((s, k): OutputError => {
      const e: OutputError = {
        name: ref.graph.tensors[ref.graph.outputs[k]].name,
        relativeError: Math.sqrt(s.num) / Math.max(Math.sqrt(s.den), 1e-30),
        maxAbsError: s.maxAbs,
        maxAbsReference: s.maxRef,
      };
      if (s.rows > 0) e.top1Agreement = s.agree / s.rows;
      return e;
    });
    return { outputs, placement: [...cpu.placement] };
  } finally {
    cpu.dispose();
  }
}

/**
 * Quantizes a float model from a few calibration inputs and reports the error of the quantized run
 * (CPU executor, 8-bit kernels) against the float reference on held-out inputs.
 *
 * @example
 * ```ts ignore
 * import { quantizeModel, randomInputSets } from "./measure.ts";
 * const calibration = randomInputSets([{ dtype: "float32", shape: [1, 224, 224, 3] }], 4, 1);
 * const { model: q, report } = await quantizeModel(model, { calibration, scheme: "int8" });
 * console.log(report.outputs[0].relativeError, report.floatNodes);
 * ```
 *
 * @param model A float model.
 * @param options Calibration inputs, scheme, held-out inputs, CPU threads.
 * @returns The quantized model and the report.
 */
export async function quantizeModel(
  model: Model,
  options: QuantizeOptions,
): Promise<{ model: Model; report: QuantizeReport }> {
  const q = quantizeGraphs(model, options);
  const g = model.subgraphs[0];
  const evaluation = options.evaluation ?? randomInputSets(
    g.inputs.map((t) => g.tensors[t]),
    options.evaluationRuns ?? 2,
    options.evaluationSeed ?? 0x5eed,
  );
  const m = await measureQuantizationError(model, q.model, evaluation, options);
  const reference = m.placement.filter((p) => p.backend === "reference").map((p) => p.op);
  return {
    model: q.model,
    report: {
      scheme: options.scheme ?? "int8",
      calibrationSets: options.calibration.length,
      evaluationSets: evaluation.length,
      quantizedNodes: q.quantizedNodes,
      floatNodes: q.floatNodes,
      conversions: q.conversions,
      placement: {
        nodes: m.placement.length,
        fast: m.placement.length - reference.length,
        reference,
      },
      outputs: m.outputs,
    },
  };
}
