/**
 * GATHER: picks slices of `params` (input 0) along `axis` by `indices` (input 1, int32 or int64,
 * constant or not), with `batchDims` leading dimensions shared by both. Output shape:
 * `params[:axis] + indices[batchDims:] + params[axis+1:]`. An index outside `[0, params[axis])` is an
 * error, as in TensorFlow Lite (on the GPU, for non-constant indices, it reads 0).
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import { intOption } from "../_shared/options.ts";
import { dataCase, moveKernel } from "../_shared/shape_kernel.ts";
import { normalizeAxis } from "../_shared/shape_util.ts";
import { readNumber } from "../_shared/tensor.ts";
import { flatIndex, logicalCoords, pad4, readInput, scalarOf } from "../_gpu/gather.ts";
import type { OpCase, OpInput } from "../../core/kernel.ts";
import { stridesOf } from "../_shared/tensor.ts";

/** Parsed options of GATHER. */
export interface GatherOptions {
  /** Output shape. */
  shape: number[];
  /** The gathered axis of `params`. */
  axis: number;
  /** Leading dimensions shared by `params` and `indices`. */
  batchDims: number;
  /** The indices, when constant. */
  indices?: Int32Array;
}

function checkIndex(i: number, size: number): number {
  if (!(i >= 0 && i < size)) {
    throw new OpError(`GATHER: index ${i} is outside [0, ${size})`);
  }
  return i;
}

const isConst = (inputs: readonly (OpInput | undefined)[]) => inputs[1]?.value !== undefined;

const CASES: [number[], number[], number, number, boolean, "float32" | "int32"][] = [
  [[5, 3], [4], 0, 0, true, "float32"],
  [[1, 6, 7, 5], [4], 1, 0, true, "float32"],
  [[6, 5], [3, 2], 0, 0, true, "float32"],
  [[2, 4, 7], [5], -1, 0, false, "float32"],
  [[2, 6, 3], [2, 4], 1, 1, true, "int32"],
  [[2, 5, 3, 7], [2, 3], 2, -1, false, "float32"],
  [[10], [2, 2, 3], 0, 0, false, "int32"],
  [[4, 9], [3, 1], 1, 0, true, "float32"],
];

/** The GATHER kernel. */
export const gather = {
  ...moveKernel<GatherOptions>({
    name: "GATHER",
    optionsType: "GatherOptions",
    inputCount: [2, 2],
    dataInputs: (inputs) => (isConst(inputs) ? [0] : [0, 1]),
    parse({ inputs, options }) {
      const [p, idx] = inputs as OpInput[];
      if (idx.dtype !== "int32" && idx.dtype !== "int64") {
        throw new OpError(`GATHER: indices must be int32 or int64, got ${idx.dtype}`);
      }
      const rp = p.shape.length;
      const ri = idx.shape.length;
      const axis = normalizeAxis("GATHER", intOption("GATHER", options, "axis", 0), rp);
      let batchDims = intOption("GATHER", options, "batchDims", 0);
      if (batchDims < 0) batchDims += ri;
      if (batchDims < 0 || batchDims > ri || batchDims > axis) {
        throw new OpError(
          `GATHER: batchDims ${batchDims} must be in [0, min(axis ${axis}, indices rank ${ri})]`,
        );
      }
      for (let i = 0; i < batchDims; i++) {
        if (p.shape[i] !== idx.shape[i]) {
          throw new OpError(
            `GATHER: batch dimension ${i} differs: params [${p.shape}], indices [${idx.shape}]`,
          );
        }
      }
      const options_: GatherOptions = {
        shape: [
          ...p.shape.slice(0, axis),
          ...idx.shape.slice(batchDims),
          ...p.shape.slice(axis + 1),
        ],
        axis,
        batchDims,
      };
      if (idx.value) {
        const v = idx.value;
        options_.indices = Int32Array.from(
          { length: v.data.length },
          (_, i) => checkIndex(readNumber(v, i), p.shape[axis]),
        );
      }
      return options_;
    },
    source(o, { axis, batchDims }, [p, idx]) {
      const ri = idx.shape.length;
      const ic = [...o.slice(0, batchDims), ...o.slice(axis, axis + ri - batchDims)];
      const st = stridesOf(idx.shape);
      const g = checkIndex(
        readNumber(idx, ic.reduce((f, c, d) => f + c * st[d], 0)),
        p.shape[axis],
      );
      return [0, [...o.slice(0, axis), g, ...o.slice(axis + ri - batchDims)]];
    },
    wgsl({ inputs, options: { axis, batchDims, indices, shape } }) {
      const [p, idx] = inputs as NonNullable<(typeof inputs)[number]>[];
      const ri = idx.shape.length;
      const o = logicalCoords(shape.length);
      const ic = [...o.slice(0, batchDims), ...o.slice(axis, axis + ri - batchDims)];
      const read = indices
        ? `idx[${flatIndex(ic, idx.shape)}]`
        : `x1_at(${pad4(ic, "0").join(", ")})`;
      const coords = [...o.slice(0, axis), "g", ...o.slice(axis + ri - batchDims)];
      const S = scalarOf(p.dtype);
      return {
        body: `  let g = ${read};\n` +
          readInput({ name: "x0", shape: p.shape, coords, pad: `${S}(0)` }),
        consts: indices
          ? [{
            kind: "const",
            name: "idx",
            elem: "i32",
            data: indices.length ? indices : new Int32Array(1),
          }]
          : undefined,
      };
    },
    cases: () =>
      CASES.map(([ps, is, axis, bd, constant, dtype]): OpCase => {
        const size = ps.at(axis < 0 ? axis : axis - ps.length)!;
        return {
          name: `[${ps}] by [${is}] axis ${axis} batchDims ${bd} ${
            constant ? "constant" : "input"
          } ${dtype}`,
          inputs: [
            dataCase(ps, dtype),
            { dtype: "int32", shape: is, range: [0, size], constant },
          ],
          options: { axis, batchDims: bd },
        };
      }),
  }),
  traits: { dataMovement: true, cheap: true },
};
