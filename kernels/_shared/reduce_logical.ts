/**
 * REDUCE_ANY and REDUCE_ALL: logical OR and AND of a bool tensor over constant axes (negative axes
 * count from the end, an empty set copies the input), with or without `keepDims`. Bool tensors live
 * on the host, so both run on the reference.
 *
 * @module
 */
import type { HostTensor, KernelDef, OpCase, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { allocTensor, stridesOf } from "./tensor.ts";
import { parseReduceOptions, reducedShape, type ReduceOptions } from "./pool_reduce.ts";

/**
 * Builds REDUCE_ANY (`any: true`) or REDUCE_ALL (`any: false`).
 *
 * @example
 * ```ts
 * import { logicalReduceKernel } from "./reduce_logical.ts";
 * const any = logicalReduceKernel({ name: "REDUCE_ANY", any: true });
 * const x = { dtype: "bool" as const, shape: [2, 2], data: new Uint8Array([0, 0, 1, 0]) };
 * const [y] = any.reference({ inputs: [x], options: { axes: [1], keepDims: false }, outputs: [{ dtype: "bool", shape: [2] }] });
 * if (y.data[0] !== 0 || y.data[1] !== 1) throw new Error("wrong");
 * ```
 *
 * @param spec The op's name and whether it is the OR (`any`) or the AND.
 * @returns The kernel.
 */
export function logicalReduceKernel(
  spec: { name: string; any: boolean },
): KernelDef<ReduceOptions> {
  const op = spec.name;
  return {
    name: op,
    optionsType: "ReducerOptions",
    parse: (args) => parseReduceOptions(op, args),
    infer({ inputs, options }): TensorSpec[] {
      const x = inputs[0]!;
      if (x.dtype !== "bool") throw new OpError(`${op}: input must be bool, got ${x.dtype}`);
      return [{ dtype: "bool", shape: reducedShape(x.shape, options) }];
    },
    reference({ inputs, options }): HostTensor[] {
      const x = inputs[0]!;
      const out = allocTensor("bool", reducedShape(x.shape, options));
      // Start at the identity (false for OR, true for AND) and flip on the first deciding element.
      (out.data as Uint8Array).fill(spec.any ? 0 : 1);
      const kept = stridesOf(x.shape.map((d, i) => (options.axes.includes(i) ? 1 : d)));
      const strides = stridesOf(x.shape);
      for (let i = 0; i < x.data.length; i++) {
        let oi = 0;
        for (let d = 0; d < x.shape.length; d++) {
          if (!options.axes.includes(d)) oi += (Math.floor(i / strides[d]) % x.shape[d]) * kept[d];
        }
        const v = x.data[i] ? 1 : 0;
        if (spec.any ? v === 1 : v === 0) out.data[oi] = v;
      }
      return [out];
    },
    cases(): OpCase[] {
      const shapes: [number[], number[], boolean][] = [
        [[2, 3, 4], [1], false],
        [[2, 3, 4], [0, -1], true],
        [[1, 8, 8, 3], [1, 2], false],
        [[5], [0], true],
        [[3, 4], [], false],
      ];
      return shapes.map(([shape, axes, keepDims]) => ({
        name: `[${shape}] axes [${axes}] keepDims ${keepDims}`,
        // Mostly one value so that both outcomes occur: 1 in 8 elements differs.
        inputs: [
          {
            dtype: "bool",
            shape,
            data: Array.from({ length: 37 }, (_, i) => (i % 8 === 3) === spec.any ? 1 : 0),
          },
          { dtype: "int32", shape: [axes.length], data: axes, constant: true },
        ],
        options: { keepDims },
      }));
    },
  };
}
