/**
 * Output arrays a caller hands to `session.run` to be filled in place: checked against the plan's
 * outputs (typed-array class for the dtype, element count), then filled where the backend did not
 * already write into them. The GPU backend copies its readback straight into them, so a run
 * allocates no output memory.
 *
 * @module
 */
import { numElements } from "../core/ir.ts";
import type { DType } from "../core/ir.ts";
import type { HostTensor, TensorData } from "../core/kernel.ts";
import { UsageError } from "../core/errors.ts";
import { arrayClassOf } from "../kernels/_shared/tensor.ts";
import { namedPosition } from "./options.ts";
import type { OutputTargets } from "./session_types.ts";

/** One output of the current plan, as the checks need it. */
export interface OutputSpec {
  /** Tensor name. */
  name: string;
  /** Other names it answers to (the signature's). */
  aliases?: readonly string[];
  /** Element type. */
  dtype: DType;
  /** Shape in the current plan. */
  shape: readonly number[];
}

/**
 * The caller's output arrays in output order, each checked against its output, or a `UsageError`
 * naming the output and what does not fit.
 *
 * @example
 * ```ts
 * import { resolveOutputTargets } from "./run_outputs.ts";
 * const specs = [{ name: "scores", dtype: "float32" as const, shape: [1, 4] }];
 * const [t] = resolveOutputTargets({ scores: new Float32Array(4) }, specs);
 * if (t?.length !== 4) throw new Error("wrong");
 * let refused = false;
 * try {
 *   resolveOutputTargets([new Float32Array(3)], specs);
 * } catch { refused = true; }
 * if (!refused) throw new Error("a short array passed");
 * ```
 *
 * @param given The `outputs` option of `run`.
 * @param specs The plan's outputs, in order.
 * @returns One array or `undefined` per output.
 */
export function resolveOutputTargets(
  given: OutputTargets,
  specs: readonly OutputSpec[],
): (TensorData | undefined)[] {
  if (typeof given !== "object" || given === null || ArrayBuffer.isView(given)) {
    throw new UsageError(
      "run's outputs must be an array with one typed array (or undefined) per model output, or an object keyed by output name",
    );
  }
  let list: (TensorData | undefined)[];
  if (Array.isArray(given)) {
    if (given.length > specs.length) {
      throw new UsageError(
        `run was given ${given.length} output arrays; the model has ${specs.length} outputs`,
      );
    }
    list = specs.map((_, i) => given[i]);
  } else {
    list = specs.map(() => undefined);
    for (const [key, v] of Object.entries(given as Record<string, TensorData | undefined>)) {
      list[namedPosition(specs, key, "output")] = v;
    }
  }
  const seen = new Set<ArrayBufferLike>();
  list.forEach((t, i) => {
    if (t === undefined) return;
    const s = specs[i];
    const where = `Output ${i} "${s.name}"`;
    const want = arrayClassOf(s.dtype);
    if (!want || !(t instanceof want)) {
      const got = ArrayBuffer.isView(t) ? t.constructor.name : typeof t;
      throw new UsageError(
        `${where} holds ${s.dtype} values; a ${got} was given to fill (use ${
          want?.name ?? "none"
        })`,
      );
    }
    const n = numElements(s.shape);
    if (t.length !== n) {
      throw new UsageError(
        `${where}: the array given holds ${t.length} elements; the output [${s.shape}] has ${n}`,
      );
    }
    if (seen.has(t.buffer)) {
      throw new UsageError(`${where}: its array shares memory with another output's`);
    }
    seen.add(t.buffer);
  });
  return list;
}

/**
 * The run's outputs with each target array holding its output's values: arrays the backend wrote
 * into are kept, the rest are copied into.
 *
 * @example
 * ```ts
 * import { fillOutputTargets } from "./run_outputs.ts";
 * const target = new Float32Array(2);
 * const [y] = fillOutputTargets([{ dtype: "float32", shape: [2], data: new Float32Array([1, 2]) }], [target]);
 * if (y.data !== target || target[1] !== 2) throw new Error("wrong");
 * ```
 *
 * @param outs The run's outputs.
 * @param targets One array or `undefined` per output (from {@linkcode resolveOutputTargets}).
 * @returns The outputs, their data the target arrays where given.
 */
export function fillOutputTargets(
  outs: readonly HostTensor[],
  targets: readonly (TensorData | undefined)[],
): HostTensor[] {
  return outs.map((o, i) => {
    const t = targets[i];
    if (!t || o.data === t) return o;
    (t as Float32Array).set(o.data as Float32Array);
    return { ...o, data: t };
  });
}
