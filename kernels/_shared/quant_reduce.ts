/**
 * Reductions of 8-bit tensors over constant axes: where each input element lands in the output,
 * and REDUCE_MAX/REDUCE_MIN on raw values (TFLite keeps the input's scale and zero point).
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import type { ReduceOptions } from "./pool_reduce.ts";
import { allocQuant } from "./quant_math.ts";

/**
 * The output index of every input element of a reduction over `axes` (row-major).
 *
 * @example
 * ```ts
 * import { reducedIndex } from "./quant_reduce.ts";
 * if (reducedIndex([2, 3], [1]).join() !== "0,0,0,1,1,1") throw new Error("wrong");
 * ```
 *
 * @param shape Input shape.
 * @param axes Reduced axes.
 * @returns One output index per input element.
 */
export function reducedIndex(shape: readonly number[], axes: readonly number[]): Int32Array {
  const reduced = new Set(axes);
  const n = shape.reduce((a, b) => a * b, 1);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const kept = shape.map((_, d) => d).filter((d) => !reduced.has(d));
  const outStrides = kept.map((_, k) => kept.slice(k + 1).reduce((a, d) => a * shape[d], 1));
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let o = 0;
    for (let k = 0; k < kept.length; k++) {
      const d = kept[k];
      o += (Math.floor(i / strides[d]) % shape[d]) * outStrides[k];
    }
    out[i] = o;
  }
  return out;
}

/**
 * The 8-bit half of REDUCE_MAX (`max`) or REDUCE_MIN (`min`).
 *
 * @example
 * ```ts
 * import { quantExtreme } from "./quant_reduce.ts";
 * const q = { scale: [1], zeroPoint: [0], quantizedDimension: 0 };
 * const x = { dtype: "int8" as const, shape: [2, 2], quantization: q, data: new Int8Array([1, -5, 7, 2]) };
 * const [y] = quantExtreme("min").reference({ inputs: [x], options: { axes: [1], keepDims: false }, outputs: [{ ...x, shape: [2] }] });
 * if (y.data.join() !== "-5,2") throw new Error("wrong");
 * ```
 *
 * @param kind `max` or `min`.
 * @returns The 8-bit kernel half.
 */
export function quantExtreme(kind: "max" | "min"): QuantKernelDef<ReduceOptions> {
  return {
    reference({ inputs, options, outputs }): HostTensor[] {
      const x = inputs[0]!;
      const y = allocQuant({
        ...outputs[0],
        quantization: outputs[0].quantization ?? x.quantization,
      });
      const best = new Float64Array(y.data.length).fill(kind === "max" ? -Infinity : Infinity);
      const index = reducedIndex(x.shape, options.axes);
      for (let i = 0; i < index.length; i++) {
        const v = Number(x.data[i]), o = index[i];
        if (kind === "max" ? v > best[o] : v < best[o]) best[o] = v;
      }
      for (let o = 0; o < best.length; o++) y.data[o] = best[o];
      return [y];
    },
  };
}
