/**
 * IEEE half-precision decoding: every half is exactly a float32, so values come from a 65536-entry
 * table built once from bit patterns (fp16 weights decode at memory speed).
 *
 * @module
 */

/**
 * Decodes IEEE half-precision bits. Every half is exactly a float32, so the values come from a
 * 65536-entry table built once from bit patterns (weights of fp16 models decode at memory speed).
 *
 * @example
 * ```ts
 * import { f16BitsToNumber } from "./half.ts";
 * if (f16BitsToNumber(0x3c00) !== 1) throw new Error("wrong");
 * ```
 *
 * @param h 16-bit pattern.
 * @returns The value.
 */
export function f16BitsToNumber(h: number): number {
  return halfTable()[h & 0xffff];
}

/**
 * Decodes many IEEE half-precision bit patterns into float32 values.
 *
 * @example
 * ```ts
 * import { halvesToFloat32 } from "./half.ts";
 * const out = halvesToFloat32(new Uint16Array([0x3c00, 0xc000]));
 * if (out[0] !== 1 || out[1] !== -2) throw new Error("wrong");
 * ```
 *
 * @param bits Half-precision bit patterns.
 * @param out Where to write (default: a new array of the same length).
 * @returns `out`.
 */
export function halvesToFloat32(
  bits: ArrayLike<number>,
  out: Float32Array = new Float32Array(bits.length),
): Float32Array {
  const table = halfTable();
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i] & 0xffff];
  return out;
}

let HALVES: Float32Array | undefined;

/** float32 value of every half bit pattern: sign, exponent rebiased by 112, mantissa shifted by 13. */
function halfTable(): Float32Array {
  if (HALVES) return HALVES;
  const bits = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 31) bits[h] = m ? 0x7fc00000 : sign | 0x7f800000; // NaN (canonical), infinity
    else if (e > 0) bits[h] = sign | ((e + 112) << 23) | (m << 13);
    else if (m === 0) bits[h] = sign; // signed zero
    else {
      // Subnormal half: normalise the mantissa into a float32 exponent.
      let mm = m, ee = 113;
      while (!(mm & 0x400)) {
        mm <<= 1;
        ee--;
      }
      bits[h] = sign | (ee << 23) | ((mm & 0x3ff) << 13);
    }
  }
  HALVES = new Float32Array(bits.buffer);
  return HALVES;
}
