/**
 * DENSIFY: expands a constant stored in TensorFlow Lite's sparse format (traversal order, block
 * map, dense and CSR dimensions) into a dense tensor. Reference only: the result is a constant,
 * computed once when the node is parsed.
 *
 * `buildExecGraph` decodes a sparse constant to its stored values and binds the node with the
 * tensor's `sparsity` on its input ({@linkcode SparseOpInput}); constant folding then replaces the
 * node by the dense result.
 *
 * @module
 */
import { OpError } from "../../core/errors.ts";
import type { Sparsity } from "../../core/ir.ts";
import { numElements } from "../../core/ir.ts";
import type { HostTensor, KernelDef, OpInput, TensorSpec } from "../../core/kernel.ts";
import { allocTensor } from "../_shared/tensor.ts";
import { expectInputs, ravel } from "../_shared/shape_util.ts";

/** An op input that carries the sparsity parameters of its constant. */
export interface SparseOpInput extends OpInput {
  /** Sparsity parameters of the constant (its `value` holds the stored, compressed values). */
  sparsity?: Sparsity;
}

/** Parsed options of DENSIFY: the dense result. */
export interface DensifyOptions {
  /** The dense tensor. */
  dense: HostTensor;
}

/**
 * Expands sparse-stored values into a dense row-major tensor, following TensorFlow Lite's format
 * converter: dimensions are traversed in `traversalOrder`; dense ones count `denseSize`, CSR ones
 * visit `arrayIndices[arraySegments[p] .. arraySegments[p + 1])`; block dimensions (after the
 * first `rank` of the traversal) refine the original dimension `blockMap` names.
 *
 * @example
 * ```ts
 * import { densify } from "./mod.ts";
 * // [[1, 0], [0, 2]] as CSR: row 0 has column 0, row 1 has column 1.
 * const values = { dtype: "float32" as const, shape: [2], data: new Float32Array([1, 2]) };
 * const d = densify(values, [2, 2], {
 *   traversalOrder: [0, 1],
 *   blockMap: [],
 *   dimMetadata: [
 *     { format: "dense", denseSize: 2 },
 *     { format: "sparse_csr", denseSize: 0, arraySegments: [0, 1, 2], arrayIndices: [0, 1] },
 *   ],
 * });
 * if (Array.from(d.data as Float32Array).join() !== "1,0,0,2") throw new Error("wrong");
 * ```
 *
 * @param values The stored values, in traversal order.
 * @param shape The dense shape.
 * @param sparsity The sparsity parameters.
 * @returns The dense tensor.
 */
export function densify(
  values: HostTensor,
  shape: readonly number[],
  sparsity: Sparsity,
): HostTensor {
  const op = "DENSIFY";
  const { traversalOrder: order, blockMap, dimMetadata: meta } = sparsity;
  const rank = shape.length;
  if (order.length !== meta.length || order.length !== rank + blockMap.length) {
    throw new OpError(
      `${op}: traversalOrder (${order.length}), dimMetadata (${meta.length}) and blockMap (${blockMap.length}) do not fit rank ${rank}`,
    );
  }
  const blockSize = blockMap.map((_, j) => meta[rank + j].denseSize);
  const out = allocTensor(values.dtype, shape);
  const dst = out.data as { [i: number]: number | bigint };
  const idx = new Array<number>(order.length).fill(0);
  let next = 0;
  const visit = (level: number, prev: number): void => {
    if (level === order.length) {
      const orig = new Array<number>(rank).fill(0);
      for (let i = 0; i < rank; i++) orig[order[i]] = idx[i];
      for (let i = rank; i < order.length; i++) {
        const b = order[i] - rank;
        orig[blockMap[b]] = orig[blockMap[b]] * blockSize[b] + idx[i];
      }
      if (orig.some((v, d) => v < 0 || v >= shape[d]) || next >= values.data.length) {
        throw new OpError(`${op}: sparse index [${orig}] or value ${next} is out of range`);
      }
      dst[ravel(orig, shape)] = values.data[next++];
      return;
    }
    const m = meta[level];
    if (m.format === "dense") {
      for (let i = 0; i < m.denseSize; i++) {
        idx[level] = i;
        visit(level + 1, prev * m.denseSize + i);
      }
      return;
    }
    const seg = m.arraySegments ?? [];
    const ind = m.arrayIndices ?? [];
    if (prev + 1 >= seg.length) {
      throw new OpError(`${op}: arraySegments of traversal dimension ${level} are too short`);
    }
    for (let i = seg[prev]; i < seg[prev + 1] && i < ind.length; i++) {
      idx[level] = ind[i];
      visit(level + 1, i);
    }
  };
  visit(0, 0);
  return out;
}

/** The DENSIFY kernel (reference only). */
export const densifyKernel: KernelDef<DensifyOptions> = {
  name: "DENSIFY",
  optionsType: "DensifyOptions",
  parse({ inputs }) {
    expectInputs("DENSIFY", inputs, 1);
    const x = inputs[0] as SparseOpInput | undefined;
    if (!x?.value) {
      throw new OpError(
        "DENSIFY: input 0 must be a constant tensor (dynamic values are not supported)",
      );
    }
    if (!x.sparsity) {
      throw new OpError(
        "DENSIFY: input 0 carries no sparsity parameters (its tensor is not stored sparse)",
      );
    }
    return { dense: densify(x.value, x.shape, x.sparsity) };
  },
  infer({ inputs, options }): TensorSpec[] {
    const x = inputs[0]!;
    if (numElements(options.dense.shape) !== numElements(x.shape)) {
      throw new OpError(`DENSIFY: dense result does not match shape [${x.shape}]`);
    }
    return [{ dtype: x.dtype, shape: [...x.shape] }];
  },
  reference({ options }): HostTensor[] {
    return [options.dense];
  },
  cases: () => [],
};
