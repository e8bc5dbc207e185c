/**
 * SELECT and SELECT_V2: `condition ? x : y` elementwise. SELECT_V2 broadcasts all three operands
 * NumPy-style; SELECT (v1) takes operands of one shape, or a vector condition that picks whole rows
 * along the first axis. The condition is a bool tensor, so both run on the host.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, broadcastIndex, broadcastShapes } from "./tensor.ts";
import { COPY_DTYPES } from "./shape_util.ts";

/** How the condition reaches the data. */
export type SelectMode = "broadcast" | "rows";

function selectShape(op: string, v2: boolean, shapes: readonly number[][]): {
  shape: number[];
  rows: boolean;
} {
  const [c, x, y] = shapes;
  if (v2) return { shape: broadcastShapes(op, broadcastShapes(op, c, x), y), rows: false };
  if (x.join() !== y.join()) {
    throw new OpError(`${op}: x [${x}] and y [${y}] must have the same shape`);
  }
  if (c.join() === x.join()) return { shape: [...x], rows: false };
  if (c.length === 1 && x.length > 1 && c[0] === x[0]) return { shape: [...x], rows: true };
  throw new OpError(`${op}: condition [${c}] must match x [${x}] or its first axis`);
}

/**
 * Builds SELECT (`v2: false`) or SELECT_V2 (`v2: true`).
 *
 * @example
 * ```ts
 * import { selectKernel } from "./select.ts";
 * const sel = selectKernel({ name: "SELECT_V2", optionsType: "SelectV2Options", v2: true });
 * const c = { dtype: "bool" as const, shape: [2], data: new Uint8Array([1, 0]) };
 * const x = { dtype: "float32" as const, shape: [2], data: new Float32Array([1, 2]) };
 * const y = { dtype: "float32" as const, shape: [], data: new Float32Array([9]) };
 * const [out] = sel.reference({ inputs: [c, x, y], options: {}, outputs: [{ dtype: "float32", shape: [2] }] });
 * if (out.data[0] !== 1 || out.data[1] !== 9) throw new Error("wrong");
 * ```
 *
 * @param spec The op's name, options table and version.
 * @returns The kernel.
 */
export function selectKernel(
  spec: { name: string; optionsType: string; v2: boolean },
): KernelDef<Record<string, never>> {
  const op = spec.name;
  return {
    name: op,
    optionsType: spec.optionsType,
    traits: { cheap: true },
    parse({ inputs }) {
      if (inputs.length !== 3 || inputs.some((t) => !t)) {
        throw new OpError(`${op} needs 3 inputs (condition, x, y), got ${inputs.length}`);
      }
      return {};
    },
    infer({ inputs }): TensorSpec[] {
      const [c, x, y] = inputs as TensorSpec[];
      if (c.dtype !== "bool") throw new OpError(`${op}: condition must be bool, got ${c.dtype}`);
      if (x.dtype !== y.dtype) {
        throw new OpError(`${op}: x and y dtypes differ (${x.dtype}, ${y.dtype})`);
      }
      if (!COPY_DTYPES.includes(x.dtype)) {
        throw new OpError(`${op}: dtype ${x.dtype} is not supported`);
      }
      const { shape } = selectShape(op, spec.v2, [c.shape, x.shape, y.shape]);
      const out: TensorSpec = { dtype: x.dtype, shape };
      if (x.quantization) out.quantization = x.quantization;
      return [out];
    },
    reference({ inputs, outputs }): HostTensor[] {
      const [c, x, y] = inputs as HostTensor[];
      const out = allocTensor(outputs[0].dtype, outputs[0].shape);
      if (x.quantization) out.quantization = x.quantization;
      const { rows } = selectShape(op, spec.v2, [c.shape, x.shape, y.shape]);
      const row = rows ? out.data.length / Math.max(1, c.shape[0]) : 1;
      const o = out.data as unknown as unknown[];
      for (let i = 0; i < out.data.length; i++) {
        const ci = rows ? Math.floor(i / row) : broadcastIndex(i, out.shape, c.shape);
        const src = c.data[ci] ? x : y;
        o[i] = src.data[rows ? i : broadcastIndex(i, out.shape, src.shape)];
      }
      return [out];
    },
    cases(): OpCase[] {
      const shapes: [number[], number[], number[]][] = spec.v2
        ? [[[2, 3, 4], [2, 3, 4], [2, 3, 4]], [[3, 1], [1, 4], [3, 4]], [[5], [1, 5], []]]
        : [[[2, 3, 4], [2, 3, 4], [2, 3, 4]], [[3], [3, 4], [3, 4]]];
      const cases: OpCase[] = [];
      for (const dtype of ["float32", "int32"] as const) {
        shapes.forEach(([c, x, y], i) => {
          cases.push({
            name: `${dtype} [${c}] ? [${x}] : [${y}]`,
            inputs: [
              { dtype: "bool", shape: c, range: [0, 2] },
              { dtype, shape: x, range: [-5, 5] },
              { dtype, shape: y, range: [-5, 5], constant: i === 1 },
            ],
          });
        });
      }
      return cases;
    },
  };
}
