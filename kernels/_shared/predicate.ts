/**
 * A factory for elementwise ops whose result is a boolean: comparisons (EQUAL, LESS, ...) with NumPy
 * broadcasting over numeric or bool inputs, and the logical ops (LOGICAL_AND, LOGICAL_OR,
 * LOGICAL_NOT) over bool inputs. Bool tensors live on the host (one byte per element, 0 or 1), so
 * these ops run on the reference wherever the graph places them.
 *
 * @module
 */
import type { DType } from "../../core/ir.ts";
import type { CaseInput, HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, broadcastIndex, broadcastShapes, readNumber } from "./tensor.ts";

/** How to build one boolean-valued elementwise op. */
export interface PredicateSpec {
  /** Builtin op name. */
  name: string;
  /** Options table name, when the op has one. */
  optionsType?: string;
  /** Number of operands: 1 (LOGICAL_NOT) or 2. */
  arity: 1 | 2;
  /** Input dtypes the op accepts. */
  dtypes: readonly DType[];
  /** The predicate on the operands' values (bools read as 0 and 1; the second is 0 for arity 1). */
  fn: (a: number, b: number) => boolean;
}

/** Numeric dtypes the comparisons accept. */
export const COMPARE_DTYPES: readonly DType[] = [
  "float32",
  "int32",
  "int64",
  "uint8",
  "int8",
  "int16",
];

const SHAPES: [number[], number[]][] = [
  [[2, 3, 4], [2, 3, 4]],
  [[4, 1, 3], [5, 1]],
  [[1, 8, 8, 3], [3]],
  [[7], []],
];

function caseInput(dtype: DType, shape: number[]): CaseInput {
  // Narrow ranges so that equal operands occur; float values on a grid of halves.
  if (dtype === "bool") return { dtype, shape, range: [0, 2] };
  if (dtype === "float32") {
    const n = shape.reduce((a, b) => a * b, 1);
    return { dtype, shape, data: Array.from({ length: n }, (_, i) => ((i * 7) % 9) / 2 - 2) };
  }
  return { dtype, shape, range: dtype === "uint8" ? [0, 5] : [-3, 3] };
}

/** Element reader of a tensor: quantized tensors compare by their real values, as in TFLite. */
function realValue(t: HostTensor): (i: number) => number {
  const q = t.quantization;
  if (!q?.scale.length || t.dtype === "bool") return (i) => readNumber(t, i);
  const scale = q.scale[0], zero = q.zeroPoint[0] ?? 0;
  return (i) => (readNumber(t, i) - zero) * scale;
}

/**
 * Builds the kernel of a boolean-valued elementwise op.
 *
 * @example
 * ```ts
 * import { predicateKernel } from "./predicate.ts";
 * const less = predicateKernel({ name: "LESS", arity: 2, dtypes: ["float32"], fn: (a, b) => a < b });
 * const a = { dtype: "float32" as const, shape: [2], data: new Float32Array([1, 3]) };
 * const b = { dtype: "float32" as const, shape: [], data: new Float32Array([2]) };
 * const [y] = less.reference({ inputs: [a, b], options: {}, outputs: [{ dtype: "bool", shape: [2] }] });
 * if (y.data[0] !== 1 || y.data[1] !== 0) throw new Error("wrong");
 * ```
 *
 * @param spec The op's semantics.
 * @returns The kernel.
 */
export function predicateKernel(spec: PredicateSpec): KernelDef<Record<string, never>> {
  const op = spec.name;
  return {
    name: op,
    optionsType: spec.optionsType,
    traits: { cheap: true },
    parse({ inputs }) {
      if (inputs.length !== spec.arity || inputs.some((t) => !t)) {
        throw new OpError(`${op} needs ${spec.arity} input${spec.arity > 1 ? "s" : ""}`);
      }
      return {};
    },
    infer({ inputs }): TensorSpec[] {
      const ts = inputs as TensorSpec[];
      if (ts.some((t) => t.dtype !== ts[0].dtype)) {
        throw new OpError(`${op}: input dtypes differ (${ts.map((t) => t.dtype).join(", ")})`);
      }
      if (!spec.dtypes.includes(ts[0].dtype)) {
        throw new OpError(`${op}: dtype ${ts[0].dtype} is not supported`);
      }
      const shape = ts.length === 2
        ? broadcastShapes(op, ts[0].shape, ts[1].shape)
        : [...ts[0].shape];
      return [{ dtype: "bool", shape }];
    },
    reference({ inputs, outputs }): HostTensor[] {
      const ts = inputs as HostTensor[];
      const out = allocTensor("bool", outputs[0].shape);
      const [ra, rb] = ts.map(realValue);
      for (let i = 0; i < out.data.length; i++) {
        const a = ra(broadcastIndex(i, out.shape, ts[0].shape));
        const b = rb ? rb(broadcastIndex(i, out.shape, ts[1].shape)) : 0;
        out.data[i] = spec.fn(a, b) ? 1 : 0;
      }
      return [out];
    },
    cases(): OpCase[] {
      const cases: OpCase[] = [];
      for (const dtype of spec.dtypes) {
        SHAPES.forEach(([sa, sb], i) => {
          const shapes = spec.arity === 1 ? [sa] : [sa, sb];
          cases.push({
            name: `${dtype} ${shapes.map((s) => `[${s}]`).join(" x ")}`,
            inputs: shapes.map((s, k) => ({
              ...caseInput(dtype, s),
              constant: k === 1 && i === 3,
            })),
          });
        });
      }
      return cases;
    },
  };
}
