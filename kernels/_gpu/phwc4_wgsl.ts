/**
 * Layout conversion on the GPU: WGSL programs that turn a host tensor's bytes (row-major NHWC,
 * 4-byte elements, exactly as the caller's `Float32Array` or `Int32Array` holds them) into PHWC4
 * storage and back. The engine runs them at graph edges so that an upload is one `writeBuffer` of
 * the caller's array and a readback one copy into a new array, with no JavaScript loop.
 *
 * The programs move bits as `u32`, never as floats, so f32 and i32 data arrive bit for bit (NaN
 * payloads and subnormals included). f16 storage converts with integer arithmetic that gives the
 * same bits as `numberToF16Bits` and `f16BitsToNumber` on the host: round to nearest even for
 * normal halves, round half up for subnormal ones, NaN as `0x7e00` one way and `0x7fc00000` the
 * other.
 *
 * Bindings: 0 is the source (read-only), 1 the destination. For `pack` the source is the host
 * array (`array<u32>`) and the destination the tensor's storage buffer; for `unpack` the reverse.
 *
 * @module
 */
import type { StorageKind } from "./phwc4.ts";
import { dispatch1d, main1d, toShape4 } from "./wgsl.ts";

/** Which way a layout program converts. */
export type LayoutDirection = "pack" | "unpack";

/** What {@linkcode layoutProgram} needs. */
export interface LayoutProgramArgs {
  /** `pack`: host NHWC to PHWC4; `unpack`: PHWC4 to host NHWC. */
  direction: LayoutDirection;
  /** Logical shape of the tensor (rank at most 4). */
  shape: readonly number[];
  /** Storage kind of the PHWC4 side. */
  kind: StorageKind;
  /** Where the tensor starts in its storage buffer, in bytes (a multiple of its vec4 size). */
  byteOffset?: number;
  /** The device's `maxComputeWorkgroupsPerDimension` (default 65535). */
  maxWorkgroupsPerDimension?: number;
}

/** A layout program: WGSL source and workgroup counts. */
export interface LayoutProgram {
  /** WGSL source with entry point `main`. */
  code: string;
  /** Workgroup counts. */
  dispatch: [number, number, number];
}

/** f32 bits to f16 bits, as `numberToF16Bits` rounds. */
const F16_OF_F32 = `fn f16_of_f32(x: u32) -> u32 {
  let sign = (x >> 16u) & 0x8000u;
  let a = x & 0x7fffffffu;
  if (a > 0x7f800000u) { return 0x7e00u; }
  if (a >= 0x477ff000u) { return sign | 0x7c00u; }
  if (a >= 0x38800000u) {
    let r = a - 0x38000000u;
    return sign | ((r + 0xfffu + ((r >> 13u) & 1u)) >> 13u);
  }
  if (a < 0x33000000u) { return sign; }
  let shift = 126u - (a >> 23u);
  let mant = (a & 0x7fffffu) | 0x800000u;
  return sign | ((mant + (1u << (shift - 1u))) >> shift);
}
`;

/** f16 bits to f32 bits, as `f16BitsToNumber` stored into a `Float32Array` gives them. */
const F32_OF_F16 = `fn f32_of_f16(h: u32) -> u32 {
  let sign = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0u) {
    if (m == 0u) { return sign; }
    let p = firstLeadingBit(m);
    return sign | ((p + 103u) << 23u) | ((m << (23u - p)) & 0x7fffffu);
  }
  if (e == 31u) {
    if (m != 0u) { return 0x7fc00000u; }
    return sign | 0x7f800000u;
  }
  return sign | ((e + 112u) << 23u) | (m << 13u);
}
`;

/**
 * Number of 4-byte host elements of a tensor: what the host side of a layout program holds.
 *
 * @example
 * ```ts
 * import { hostElements } from "./phwc4_wgsl.ts";
 * if (hostElements([1, 2, 2, 5]) !== 20) throw new Error("wrong");
 * ```
 *
 * @param shape Logical shape.
 * @returns Element count.
 */
export function hostElements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Whether a tensor's PHWC4 storage holds exactly its host bytes (4-byte storage, whole slices, and
 * one slice or one pixel per batch): then no program is needed, only a copy.
 *
 * @example
 * ```ts
 * import { sameLayout } from "./phwc4_wgsl.ts";
 * if (!sameLayout([1, 8, 8, 4], "f32") || sameLayout([1, 8, 8, 3], "f32")) throw new Error("wrong");
 * ```
 *
 * @param shape Logical shape.
 * @param kind Storage kind.
 * @returns `true` when host and storage bytes coincide.
 */
export function sameLayout(shape: readonly number[], kind: StorageKind): boolean {
  if (kind === "f16") return false;
  const [, H, W, C] = toShape4(shape);
  return C % 4 === 0 && (C === 4 || H * W === 1);
}

function lanes(C: number, each: (lane: number) => string): string {
  let code = "";
  for (let l = 0; l < 4; l++) {
    const line = each(l);
    code += C % 4 === 0 ? `  ${line}\n` : `  if (c0 + ${l}u < ${C}u) { ${line} }\n`;
  }
  return code;
}

/**
 * The WGSL program converting one tensor between host NHWC bytes and PHWC4 storage, one thread per
 * vec4 of storage (padding lanes are written as zero when packing).
 *
 * @example
 * ```ts
 * import { layoutProgram } from "./phwc4_wgsl.ts";
 * const p = layoutProgram({ direction: "pack", shape: [1, 4, 4, 3], kind: "f16" });
 * if (!p.code.includes("f16_of_f32") || p.dispatch[0] !== 1) throw new Error("wrong");
 * ```
 *
 * @param args Direction, shape, storage kind, offset in the storage buffer, device limit.
 * @returns Source and workgroup counts.
 */
export function layoutProgram(args: LayoutProgramArgs): LayoutProgram {
  const [B, H, W, C] = toShape4(args.shape);
  const S = Math.ceil(C / 4);
  const n = B * S * H * W;
  const half = args.kind === "f16";
  const unit = half ? 8 : 16;
  const offset = (args.byteOffset ?? 0) / unit;
  if (!Number.isInteger(offset)) {
    throw new RangeError(`Storage offset ${args.byteOffset} is not a multiple of ${unit} bytes`);
  }
  const store = half ? "vec2<u32>" : "vec4<u32>";
  const pack = args.direction === "pack";
  let code = pack
    ? `@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<${store}>;
`
    : `@group(0) @binding(0) var<storage, read> src: array<${store}>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
`;
  if (half) code += pack ? F16_OF_F32 : F32_OF_F16;
  const at = offset ? `i + ${offset}` : "i";
  let body = `  let u = u32(i);
  let w = u % ${W}u;
  let h = (u / ${W}u) % ${H}u;
  let s = (u / ${W * H}u) % ${S}u;
  let b = u / ${W * H * S}u;
  let c0 = s * 4u;
  let base = ((b * ${H}u + h) * ${W}u + w) * ${C}u + c0;
`;
  if (pack) {
    body += "  var v = vec4<u32>(0u);\n";
    body += lanes(
      C,
      (l) => `v[${l}] = ${half ? `f16_of_f32(src[base + ${l}u])` : `src[base + ${l}u]`};`,
    );
    body += half
      ? `  dst[${at}] = vec2<u32>(v.x | (v.y << 16u), v.z | (v.w << 16u));\n`
      : `  dst[${at}] = v;\n`;
  } else {
    body += half
      ? `  let p = src[${at}];
  let v = vec4<u32>(f32_of_f16(p.x & 0xffffu), f32_of_f16(p.x >> 16u), f32_of_f16(p.y & 0xffffu), f32_of_f16(p.y >> 16u));
`
      : `  let v = src[${at}];\n`;
    body += lanes(C, (l) => `dst[base + ${l}u] = v[${l}];`);
  }
  code += main1d(n, body);
  return { code, dispatch: dispatch1d(n, undefined, args.maxWorkgroupsPerDimension) };
}
