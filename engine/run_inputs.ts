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

/** Index of the first NaN, or -1; four elements per step (about a quarter faster than one). */
function firstNaN(data: Float32Array): number {
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
 * const t = checkRunInput(new Float32Array(2), { index: 0, spec, declared: [1, 2], rejectNaN: true });
 * if (t.shape.join() !== "1,2") throw new Error("wrong");
 * let refused = false;
 * try {
 *   checkRunInput(new Float32Array([0, NaN]), { index: 0, spec, declared: [1, 2], rejectNaN: true });
 * } catch { refused = true; }
 * if (!refused) throw new Error("NaN passed");
 * ```
 *
 * @param value A typed array (taken as the input's dtype and shape) or a host tensor.
 * @param args The input's position, its name, dtype and shape in the plan, the file's declared
 * shape, and whether NaN is refused.
 * @returns The host tensor.
 */
export function checkRunInput(
  value: HostTensor | TensorData,
  args: {
    index: number;
    spec: { name: string; dtype: string; shape: number[] };
    declared: readonly number[];
    rejectNaN: boolean;
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
  if (args.rejectNaN && t.data instanceof Float32Array) {
    const bad = firstNaN(t.data);
    if (bad >= 0) throw new UsageError(`${where} holds NaN at element ${bad}`);
  }
  return t;
}
