/**
 * Blockwise-quantized constants (TensorFlow Lite's `BlockwiseQuantization`: int4 or int8 weights
 * whose every `blockSize` consecutive elements along the last axis share a scale and a zero point
 * held in other tensors of the graph). Binding dequantizes such a constant once to float32, as the
 * TFLite GPU delegate dequantizes weights: `w = scale[block] * (q - zeroPoint[block])`.
 *
 * @module
 */
import type { Tensor } from "./ir.ts";
import { numElements } from "./ir.ts";
import type { HostTensor } from "./kernel.ts";
import { ModelFormatError, UnsupportedError } from "./errors.ts";
import { f16BitsToNumber } from "./half.ts";

/** Element `i` of a constant, as a number (int4 packed two per byte, low nibble first). */
function reader(t: Tensor): (i: number) => number {
  const b = t.data!;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const table: Partial<Record<string, (i: number) => number>> = {
    int4: (i) => ((b[i >> 1] >> ((i & 1) * 4)) & 0xf) << 28 >> 28,
    int8: (i) => view.getInt8(i),
    uint8: (i) => b[i],
    int16: (i) => view.getInt16(2 * i, true),
    int32: (i) => view.getInt32(4 * i, true),
    int64: (i) => Number(view.getBigInt64(8 * i, true)),
    float16: (i) => f16BitsToNumber(view.getUint16(2 * i, true)),
    float32: (i) => view.getFloat32(4 * i, true),
  };
  const read = table[t.dtype];
  if (!read) {
    throw new UnsupportedError(
      `Constant "${t.name}" has dtype ${t.dtype}, which gpulite cannot read`,
    );
  }
  return read;
}

/**
 * The float32 values of a blockwise-quantized constant.
 *
 * @example
 * ```ts
 * import { dequantizeBlockwise } from "./blockwise.ts";
 * // int4 [1, 4] = [1, -1, 2, 7] (packed 0xF1, 0x72) in blocks of 2 with scales [0.5, 2].
 * const w = {
 *   name: "w", dtype: "int4" as const, shape: [1, 4], data: Uint8Array.of(0xf1, 0x72),
 *   quantization: { scale: [], zeroPoint: [], quantizedDimension: 0, blockwise: { scales: 1, zeroPoints: -1, blockSize: 2 } },
 * };
 * const s = { name: "s", dtype: "float32" as const, shape: [1, 2], data: new Uint8Array(new Float32Array([0.5, 2]).buffer) };
 * const d = dequantizeBlockwise(w, [w, s]);
 * if (Array.from(d.data as Float32Array).join() !== "0.5,-0.5,4,14") throw new Error("wrong");
 * ```
 *
 * @param t The constant (with `quantization.blockwise` and `data`).
 * @param tensors The graph's tensors (the scales and zero points are among them).
 * @returns A float32 tensor of the constant's shape.
 * @throws {ModelFormatError} When the scales or zero points do not fit the blocks.
 */
export function dequantizeBlockwise(t: Tensor, tensors: readonly Tensor[]): HostTensor {
  const bw = t.quantization!.blockwise!;
  const where = `Constant "${t.name}" (blockwise quantized)`;
  const n = numElements(t.shape);
  const last = t.shape.at(-1) ?? 1;
  if (last % bw.blockSize !== 0) {
    throw new ModelFormatError(
      `${where}: last dimension ${last} is not a multiple of block size ${bw.blockSize}`,
    );
  }
  const blocks = n / bw.blockSize;
  const scales = tensors[bw.scales];
  const zeros = bw.zeroPoints >= 0 ? tensors[bw.zeroPoints] : undefined;
  for (const [what, p] of [["scales", scales], ["zero points", zeros]] as const) {
    if (p && (!p.data || numElements(p.shape) !== blocks)) {
      throw new ModelFormatError(
        `${where}: ${what} tensor "${p.name}" must be a constant of ${blocks} values, one per block`,
      );
    }
  }
  const q = reader(t);
  const scale = reader(scales);
  const zero = zeros ? reader(zeros) : () => 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(i / bw.blockSize);
    out[i] = scale(b) * (q(i) - zero(b));
  }
  return { dtype: "float32", shape: [...t.shape], data: out };
}
