/**
 * BATCH_MATMUL of quantized tensors in TFLite's integer arithmetic: sums of zero-point-corrected
 * products over the inner dimension, a fixed-point multiplier (`s_x * s_y / s_out`), the output
 * zero point, a clamp to the dtype; batch dimensions broadcast, `adjX`/`adjY` transpose.
 *
 * - 8-bit (`x` and `y` int8, or uint8): int32 accumulators and the 32-bit requantization.
 * - 16x8 (`x` int16 with zero point 0, `y` int16 or int8 with zero point 0, output int16): int64
 *   accumulators and TFLite's 64-bit `MultiplyByQuantizedMultiplier`.
 *
 * Per-channel `y` (one scale per output column, as the 16x8 einsum files carry for their int8
 * weights) requantizes each column with its own multiplier, the way FULLY_CONNECTED does. TFLite
 * itself reads only the legacy per-tensor scale of such a tensor, which its interpreter leaves at
 * 0, so its multiplier is 0 and every output is the zero point; gpulite computes the product the
 * file's scales describe instead.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { broadcastIndex } from "../_shared/tensor.ts";
import {
  allocQuant,
  dtypeRange,
  multiplyByQuantizedMultiplier,
  type QuantizedMultiplier,
  quantizeMultiplier,
  tensorQuant,
} from "../_shared/quant_math.ts";
import { multiplyByQuantizedMultiplier64 } from "../_shared/quant_int16.ts";

const OP = "BATCH_MATMUL";

/** One multiplier per output column: per-tensor `y` repeats the same one. */
function columnMultipliers(
  o: { x: TensorSpec; y: TensorSpec; out: TensorSpec; n: number; adjY: boolean },
): QuantizedMultiplier[] {
  const sx = tensorQuant(OP, o.x).scale, so = tensorQuant(OP, o.out).scale;
  const q = o.y.quantization!;
  tensorQuant(OP, o.y);
  const rank = o.y.shape.length;
  if (q.scale.length > 1) {
    const axis = o.adjY ? rank - 2 : rank - 1;
    if (q.quantizedDimension !== axis || q.scale.length !== o.n) {
      throw new OpError(
        `${OP}: y's ${q.scale.length} scales on axis ${q.quantizedDimension} are not one per output column (axis ${axis}, ${o.n} columns)`,
      );
    }
  }
  // TFLite multiplies the two scales in float32, then divides in double.
  return Array.from(
    { length: o.n },
    (_, j) => quantizeMultiplier(Math.fround(sx * q.scale[q.scale.length > 1 ? j : 0]) / so),
  );
}

function checkInt16(x: TensorSpec, y: TensorSpec, out: TensorSpec): void {
  if (y.dtype !== "int16" && y.dtype !== "int8") {
    throw new OpError(`${OP}: int16 x needs int16 or int8 y, got ${y.dtype}`);
  }
  if (out.dtype !== "int16") throw new OpError(`${OP}: int16 x needs an int16 output`);
  for (const [t, what] of [[x, "x"], [y, "y"], [out, "the output"]] as const) {
    if ((t.quantization?.zeroPoint ?? []).some((z) => z !== 0)) {
      throw new OpError(`${OP}: ${what} of a 16x8 node must have zero point 0`);
    }
  }
}

/**
 * The integer BATCH_MATMUL (8-bit, and 16x8).
 *
 * @example
 * ```ts
 * import { batchMatMulInteger } from "./quant.ts";
 * const q = (z: number) => ({ scale: [1], zeroPoint: [z], quantizedDimension: 0 });
 * const x = { dtype: "int8" as const, shape: [1, 2], quantization: q(1), data: new Int8Array([3, 4]) };
 * const y = { dtype: "int8" as const, shape: [2, 1], quantization: q(0), data: new Int8Array([1, 2]) };
 * const [z] = batchMatMulInteger.reference({ inputs: [x, y], options: { adjX: false, adjY: false }, outputs: [{ dtype: "int8", shape: [1, 1], quantization: q(0) }] });
 * if (z.data[0] !== 8) throw new Error("wrong");
 * ```
 */
export const batchMatMulInteger: QuantKernelDef<{ adjX: boolean; adjY: boolean }> = {
  int16: true,
  reference({ inputs, options, outputs }): HostTensor[] {
    const [x, y] = inputs as HostTensor[];
    const out = allocQuant(outputs[0]);
    const wide = x.dtype === "int16";
    if (wide) checkInt16(x, y, out);
    else if (y.dtype !== x.dtype) {
      throw new OpError(`${OP}: x is ${x.dtype} but y is ${y.dtype}`);
    }
    const zx = tensorQuant(OP, x).zeroPoint, zy = tensorQuant(OP, y).zeroPoint;
    const zo = tensorQuant(OP, out).zeroPoint;
    const [lo, hi] = dtypeRange(out.dtype);
    const xr = x.shape.at(-1)!, yr = y.shape.at(-1)!;
    const M = options.adjX ? xr : x.shape.at(-2)!, K = options.adjX ? x.shape.at(-2)! : xr;
    const N = options.adjY ? y.shape.at(-2)! : yr;
    const mult = columnMultipliers({ x, y, out, n: N, adjY: options.adjY });
    // int8 sums wrap at 32 bits as TFLite's int32 accumulator does; 16x8 sums stay below 2^47.
    const scale = wide
      ? (acc: number, j: number) => multiplyByQuantizedMultiplier64(acc, mult[j])
      : (acc: number, j: number) => multiplyByQuantizedMultiplier(acc | 0, mult[j]);
    const batch = out.shape.slice(0, -2);
    const nb = batch.reduce((a, b) => a * b, 1);
    for (let bi = 0; bi < nb; bi++) {
      const xb = broadcastIndex(bi, batch, x.shape.slice(0, -2)) * M * K;
      const yb = broadcastIndex(bi, batch, y.shape.slice(0, -2)) * K * N;
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let k = 0; k < K; k++) {
            const xi = options.adjX ? k * xr + i : i * xr + k;
            const yi = options.adjY ? j * yr + k : k * yr + j;
            acc += (Number(x.data[xb + xi]) - zx) * (Number(y.data[yb + yi]) - zy);
          }
          const r = scale(acc, j) + zo;
          out.data[(bi * M + i) * N + j] = r < lo ? lo : r > hi ? hi : r;
        }
      }
    }
    return [out];
  },
};
