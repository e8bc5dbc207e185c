/**
 * The WebAssembly binary encoding the emitter writes: value types, LEB128 integers, names, and the
 * opcode tables (plain, SIMD and memory instructions) by their text-format names.
 *
 * @module
 */

/** A WebAssembly value type. */
export type ValType = "i32" | "i64" | "f32" | "v128";

/** Binary code of each value type. */
export const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, v128: 0x7b };

/** Appends an unsigned LEB128 integer. */
export function uleb(out: number[], v: number): void {
  v >>>= 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

/** Appends a signed LEB128 integer. */
export function sleb(out: number[], v: number): void {
  v |= 0;
  while (true) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** Appends a length-prefixed UTF-8 name. */
export function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  uleb(out, b.length);
  out.push(...b);
}

/** Plain opcodes without immediates, by their text-format names. */
export const OPS: Record<string, number> = {
  "unreachable": 0x00,
  "nop": 0x01,
  "else": 0x05,
  "end": 0x0b,
  "return": 0x0f,
  "drop": 0x1a,
  "select": 0x1b,
  "i32.eqz": 0x45,
  "i32.eq": 0x46,
  "i32.ne": 0x47,
  "i32.lt_s": 0x48,
  "i32.lt_u": 0x49,
  "i32.gt_s": 0x4a,
  "i32.gt_u": 0x4b,
  "i32.le_s": 0x4c,
  "i32.le_u": 0x4d,
  "i32.ge_s": 0x4e,
  "i32.ge_u": 0x4f,
  "f32.lt": 0x5d,
  "f32.gt": 0x5e,
  "i32.add": 0x6a,
  "i32.sub": 0x6b,
  "i32.mul": 0x6c,
  "i32.div_s": 0x6d,
  "i32.div_u": 0x6e,
  "i32.rem_u": 0x70,
  "i32.and": 0x71,
  "i32.or": 0x72,
  "i32.shl": 0x74,
  "i32.shr_s": 0x75,
  "i32.shr_u": 0x76,
  "i64.add": 0x7c,
  "i64.shl": 0x86,
  "i64.ge_s": 0x59,
  "i64.div_s": 0x7f,
  "i64.mul": 0x7e,
  "i64.shr_s": 0x87,
  "f32.add": 0x92,
  "f32.sub": 0x93,
  "f32.mul": 0x94,
  "f32.div": 0x95,
  "f32.min": 0x96,
  "f32.max": 0x97,
  "i32.wrap_i64": 0xa7,
  "i32.trunc_f32_s": 0xa8,
  "i64.extend_i32_s": 0xac,
  "f32.convert_i32_s": 0xb2,
  "f32.reinterpret_i32": 0xbe,
};

/** SIMD opcodes (prefix 0xfd) without immediates. */
export const SIMD: Record<string, number> = {
  "i8x16.swizzle": 0x0e,
  "i32x4.splat": 0x11,
  "f32x4.splat": 0x13,
  "v128.not": 0x4d,
  "v128.and": 0x4e,
  "v128.or": 0x50,
  "v128.xor": 0x51,
  "v128.bitselect": 0x52,
  "i16x8.extend_low_i8x16_s": 0x87,
  "i16x8.extend_high_i8x16_s": 0x88,
  "i16x8.extend_low_i8x16_u": 0x89,
  "i16x8.extend_high_i8x16_u": 0x8a,
  "i16x8.sub": 0x91,
  "i32x4.extend_low_i16x8_s": 0xa7,
  "i32x4.extend_high_i16x8_s": 0xa8,
  "i32x4.add": 0xae,
  "i32x4.shl": 0xab,
  "i32x4.shr_s": 0xac,
  "i32x4.eq": 0x37,
  "i32x4.lt_s": 0x39,
  "i32x4.gt_s": 0x3b,
  "i64x2.splat": 0x12,
  "i64x2.add": 0xce,
  "i64x2.mul": 0xd5,
  "i64x2.extend_low_i32x4_s": 0xc7,
  "i64x2.extend_high_i32x4_s": 0xc8,
  "i64x2.shr_s": 0xcc,
  "i64x2.extmul_low_i32x4_s": 0xdc,
  "i64x2.extmul_high_i32x4_s": 0xdd,
  "i64x2.extmul_low_i32x4_u": 0xde,
  "i64x2.extmul_high_i32x4_u": 0xdf,
  "i16x8.narrow_i32x4_s": 0x85,
  "i8x16.narrow_i16x8_s": 0x65,
  "i8x16.narrow_i16x8_u": 0x66,
  "i32x4.extend_low_i16x8_u": 0xa9,
  "i32x4.extend_high_i16x8_u": 0xaa,
  "i32x4.sub": 0xb1,
  "i32x4.mul": 0xb5,
  "i32x4.min_s": 0xb6,
  "i32x4.max_s": 0xb8,
  "i32x4.dot_i16x8_s": 0xba,
  "i32x4.extmul_low_i16x8_s": 0xbc,
  "i32x4.extmul_high_i16x8_s": 0xbd,
  "i16x8.splat": 0x10,
  "f32x4.lt": 0x43,
  "f32x4.abs": 0xe0,
  "f32x4.nearest": 0x6a,
  "f32x4.neg": 0xe1,
  "f32x4.sqrt": 0xe3,
  "f32x4.add": 0xe4,
  "f32x4.sub": 0xe5,
  "f32x4.mul": 0xe6,
  "f32x4.div": 0xe7,
  "f32x4.min": 0xe8,
  "f32x4.max": 0xe9,
  "f32x4.pmin": 0xea,
  "f32x4.pmax": 0xeb,
  "i32x4.trunc_sat_f32x4_s": 0xf8,
  "i32x4.trunc_sat_f64x2_s_zero": 0xfc,
  "f64x2.promote_low_f32x4": 0x5f,
  "f32x4.demote_f64x2_zero": 0x5e,
  "f64x2.lt": 0x49,
  "f64x2.floor": 0x75,
  "f64x2.abs": 0xec,
  "f64x2.neg": 0xed,
  "f64x2.add": 0xf0,
  "f64x2.div": 0xf3,
  "f64x2.min": 0xf4,
  "f64x2.max": 0xf5,
  "f32x4.convert_i32x4_s": 0xfa,
};

/** Loads and stores: opcode and natural alignment (log2 bytes). */
export const MEM: Record<string, [number, number, boolean]> = {
  "i32.load": [0x28, 2, false],
  "i64.load": [0x29, 3, false],
  "f32.load": [0x2a, 2, false],
  "i32.load8_s": [0x2c, 0, false],
  "i32.load8_u": [0x2d, 0, false],
  "i32.load16_s": [0x2e, 1, false],
  "i32.store": [0x36, 2, false],
  "f32.store": [0x38, 2, false],
  "i32.store8": [0x3a, 0, false],
  "v128.load": [0x00, 4, true],
  "v128.load64_zero": [0x5d, 3, true],
  "v128.load32_zero": [0x5c, 2, true],
  "v128.load32_splat": [0x09, 2, true],
  "v128.load64_splat": [0x0a, 3, true],
  "v128.load8x8_s": [0x01, 3, true],
  "v128.load8x8_u": [0x02, 3, true],
  "v128.store": [0x0b, 4, true],
};
