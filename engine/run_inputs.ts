/**
 * Checks of one run input against the plan's input: typed-array class for the dtype, shape (with
 * the file's `-1` dimensions named), element count, and NaN where the session rejects it.
 *
 * @module
 */
import { numElements } from "../core/ir.ts";
import type { HostTensor, TensorData } from "../core/kernel.ts";
import { UsageError } from "../core/errors.ts";
import { arrayClassOf } from "../kernels/_shared/tensor.ts";

/**
 * Whether an array may hold NaN: `x * 0` is NaN for NaN and infinities and 0 otherwise, so one sum
 * over eight lanes answers for the whole array, and the search for the first NaN's index runs only
 * when the sum says there may be one.
 */
function mayHoldNaN(data: Float32Array): boolean {
  const n = data.length;
  let a = 0, b = 0, c = 0, d = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    a += data[i] * 0 + data[i + 4] * 0;
    b += data[i + 1] * 0 + data[i + 5] * 0;
    c += data[i + 2] * 0 + data[i + 6] * 0;
    d += data[i + 3] * 0 + data[i + 7] * 0;
  }
  for (; i < n; i++) a += data[i] * 0;
  return a + b + c + d !== 0;
}

/** Index of the first NaN, or -1. */
function firstNaN(data: Float32Array): number {
  if (!mayHoldNaN(data)) return -1;
  const n = data.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    if (
      data[i] !== data[i] || data[i + 1] !== data[i + 1] || data[i + 2] !== data[i + 2] ||
      data[i + 3] !== data[i + 3]
    ) break;
  }
  for (; i < n; i++) if (data[i] !== data[i]) return i;
  return -1;
}

/**
 * One input of a run as a host tensor of the plan's input, or a `UsageError` naming the input.
 *
 * @example
 * ```ts
 * import { checkRunInput } from "./run_inputs.ts";
 * const spec = { name: "x", dtype: "float32", shape: [1, 2] };
 * const t = checkRunInput(new Float32Array(2), { index: 0, spec, declared: [1, 2] });
 * if (t.shape.join() !== "1,2") throw new Error("wrong");
 * let refused = false;
 * try {
 *   checkRunInput(new Float32Array(3), { index: 0, spec, declared: [1, 2] });
 * } catch { refused = true; }
 * if (!refused) throw new Error("3 elements passed for [1, 2]");
 * ```
 *
 * @param value A typed array (taken as the input's dtype and shape) or a host tensor.
 * @param args The input's position, its name, dtype and shape in the plan, and the file's declared
 * shape. NaN is {@linkcode rejectNaN}'s, which the session runs while the GPU works.
 * @returns The host tensor.
 */
export function checkRunInput(
  value: HostTensor | TensorData,
  args: {
    index: number;
    spec: { name: string; dtype: string; shape: number[] };
    declared: readonly number[];
  },
): HostTensor {
  const { spec, declared } = args;
  const where = `Input ${args.index} "${spec.name}"`;
  const t: HostTensor = ArrayBuffer.isView(value)
    ? { dtype: spec.dtype as HostTensor["dtype"], shape: spec.shape, data: value as TensorData }
    : value as HostTensor;
  const want = arrayClassOf(spec.dtype);
  if (want && !(t.data instanceof want)) {
    throw new UsageError(
      `${where} must be a ${want.name} (dtype ${spec.dtype}), got ${t.data.constructor.name}`,
    );
  }
  if (t.shape.join() !== spec.shape.join()) {
    const shape = declared.some((d) => d < 0) ? `[${declared}] (-1: any size)` : `[${spec.shape}]`;
    throw new UsageError(`${where} must have shape ${shape}, got [${t.shape}]`);
  }
  if (t.data.length !== numElements(spec.shape)) {
    throw new UsageError(
      `${where} needs ${
        numElements(spec.shape)
      } elements for shape [${spec.shape}], got ${t.data.length}`,
    );
  }
  return t;
}

/**
 * Throws a `UsageError` naming the input and the element when a float32 input holds NaN (the
 * message is only built then: the scan runs on every inference).
 *
 * @example
 * ```ts
 * import { rejectNaN } from "./run_inputs.ts";
 * rejectNaN({ dtype: "float32", shape: [2], data: new Float32Array([1, Infinity]) }, 0, "x");
 * let refused = false;
 * try {
 *   rejectNaN({ dtype: "float32", shape: [2], data: new Float32Array([1, NaN]) }, 0, "x");
 * } catch { refused = true; }
 * if (!refused) throw new Error("NaN passed");
 * ```
 *
 * @param t The input.
 * @param index Its position among the model's inputs.
 * @param name Its name.
 */
export function rejectNaN(t: HostTensor, index: number, name: string): void {
  if (!(t.data instanceof Float32Array)) return;
  const bad = firstNaN(t.data);
  if (bad >= 0) throw new UsageError(`Input ${index} "${name}" holds NaN at element ${bad}`);
}
