/**
 * WGSL building blocks shared by the GPU kernels: PHWC4 indexing, 1-D dispatch, fused activations.
 *
 * PHWC4: a tensor of logical shape `[b, h, w, c]` (lower ranks padded on the left with 1s) is stored as
 * `array<vec4<T>>` indexed by `((b * S + s) * H + h) * W + w`, where `S = ceil(c / 4)` and the vec4
 * holds channels `4s .. 4s+3`; lanes past `c` are zero.
 *
 * @module
 */
import type { GpuTensorInfo } from "../../core/kernel.ts";

/**
 * Default workgroup size of 1-D dispatches (elementwise and gather kernels, which are memory-bound):
 * a multiple of every vendor's SIMD width that fits every device limit. Convolutions choose theirs
 * with `kernels/_gpu/workgroup.ts`, measured in `bench/conv_bench.ts`.
 */
export const WG1D = 64;

/**
 * Shape padded on the left to rank 4; a longer shape folds its leading dimensions into the first
 * (`[N, D, H, W, C]` is stored as `[N * D, H, W, C]`).
 *
 * @example
 * ```ts
 * import { toShape4 } from "./wgsl.ts";
 * const s = toShape4([10, 3]); // [1, 1, 10, 3]
 * if (s[2] !== 10) throw new Error("wrong");
 * ```
 *
 * @param shape Logical shape.
 * @returns `[b, h, w, c]`.
 */
export function toShape4(
  shape: readonly number[],
): [number, number, number, number] {
  if (shape.length > 4) {
    const lead = shape.slice(0, -3).reduce((a, b) => a * b, 1);
    return [lead, shape.at(-3)!, shape.at(-2)!, shape.at(-1)!];
  }
  const s = [1, 1, 1, 1, ...shape].slice(-4);
  return [s[0], s[1], s[2], s[3]];
}

/**
 * Number of vec4 elements a PHWC4 tensor of this shape occupies.
 *
 * @example
 * ```ts
 * import { phwc4Length } from "./wgsl.ts";
 * if (phwc4Length([1, 2, 2, 5]) !== 8) throw new Error("wrong");
 * ```
 *
 * @param shape Logical shape of rank at most 4.
 * @returns `b * ceil(c/4) * h * w`.
 */
export function phwc4Length(shape: readonly number[]): number {
  const [b, h, w, c] = toShape4(shape);
  return b * Math.ceil(c / 4) * h * w;
}

/**
 * A compute entry point over `n` threads in one dimension (split over `y` past the per-dimension
 * limit). The body sees `i: i32`, the thread's index, and runs only for `i < n`.
 *
 * @example
 * ```ts
 * import { main1d } from "./wgsl.ts";
 * if (!main1d(100, "out[i] = vec4<T>(0.0);").includes("@compute")) throw new Error("wrong");
 * ```
 *
 * @param n Number of threads.
 * @param body WGSL statements.
 * @param wg Workgroup size.
 * @returns WGSL source of `main`.
 */
export function main1d(n: number, body: string, wg: number = WG1D): string {
  return `@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = i32(gid.x + gid.y * nwg.x * ${wg}u);
  if (i >= ${n}) { return; }
${body}
}
`;
}

/**
 * Workgroup counts for {@linkcode main1d}.
 *
 * @example
 * ```ts
 * import { dispatch1d } from "./wgsl.ts";
 * const [x, y] = dispatch1d(10_000_000, 64);
 * if (x * y * 64 < 10_000_000 || x > 65535) throw new Error("wrong");
 * ```
 *
 * @param n Number of threads.
 * @param wg Workgroup size.
 * @param maxPerDim `maxComputeWorkgroupsPerDimension`.
 * @returns `[x, y, 1]`.
 */
export function dispatch1d(
  n: number,
  wg: number = WG1D,
  maxPerDim = 65535,
): [number, number, number] {
  const groups = Math.max(1, Math.ceil(n / wg));
  if (groups <= maxPerDim) return [groups, 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y, 1];
}

/**
 * WGSL that decomposes a PHWC4 vec4 index `i` of tensor `t` into `b`, `h`, `w`, `s` (declared as lets).
 *
 * @example
 * ```ts
 * import { decompose, toShape4 } from "./wgsl.ts";
 * const t = { dtype: "float32" as const, shape: [1, 2, 2, 5], shape4: toShape4([1, 2, 2, 5]), slices: 2 };
 * if (!decompose(t).includes("let s")) throw new Error("wrong");
 * ```
 *
 * @param t The tensor whose layout `i` indexes.
 * @param i Name of the index variable.
 * @returns WGSL statements.
 */
export function decompose(t: GpuTensorInfo, i = "i"): string {
  const [, h, w] = t.shape4;
  return `  let w = ${i} % ${w};
  let h = (${i} / ${w}) % ${h};
  let s = (${i} / ${w * h}) % ${t.slices};
  let b = ${i} / ${w * h * t.slices};
`;
}

/** TFLite fused activation function names. */
export type FusedActivation =
  | "NONE"
  | "RELU"
  | "RELU_N1_TO_1"
  | "RELU6"
  | "TANH"
  | "SIGN_BIT";

/**
 * WGSL `vec4<bool>` expression that is true in the lanes of a `vec4<f32>` expression holding NaN. It
 * tests the bits (exponent all ones, mantissa non-zero), which no float optimisation can fold away:
 * WGSL lets compilers assume floats are never NaN, so `v != v` may be compiled to `false`.
 *
 * @example
 * ```ts
 * import { isNanWgsl } from "./wgsl.ts";
 * if (!isNanWgsl("v").includes("0x7f800000u")) throw new Error("wrong");
 * ```
 *
 * @param v A `vec4<f32>` expression (evaluated once more).
 * @returns A `vec4<bool>` expression.
 */
export function isNanWgsl(v: string): string {
  return `((bitcast<vec4<u32>>(${v}) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u))`;
}

/**
 * `f(v)` in lanes that are not NaN, `v` (the NaN) in lanes that are: WGSL's `max`, `min` and
 * `clamp` may return the other operand for a NaN, where the reference propagates it.
 */
function keepNan(v: string, f: string): string {
  return `select(${f}, ${v}, ${isNanWgsl(v)})`;
}

const ACTIVATIONS: Readonly<Record<FusedActivation, (v: string) => string>> = {
  NONE: (v) => v,
  RELU: (v) => keepNan(v, `max(${v}, vec4<f32>(0.0))`),
  RELU_N1_TO_1: (v) => keepNan(v, `clamp(${v}, vec4<f32>(-1.0), vec4<f32>(1.0))`),
  RELU6: (v) => keepNan(v, `clamp(${v}, vec4<f32>(0.0), vec4<f32>(6.0))`),
  TANH: (v) => keepNan(v, `tanh(clamp(${v}, vec4<f32>(-10.0), vec4<f32>(10.0)))`),
  SIGN_BIT: (v) => `select(vec4<f32>(0.0), vec4<f32>(1.0), ${v} < vec4<f32>(0.0))`,
};

/**
 * WGSL expression applying a fused activation to a `vec4<f32>` expression. NaN propagates as in the
 * reference (a NaN lane stays NaN); ±Inf saturates.
 *
 * @example
 * ```ts
 * import { activationWgsl } from "./wgsl.ts";
 * if (!activationWgsl("RELU6", "acc").startsWith("select(clamp(acc, vec4<f32>(0.0), vec4<f32>(6.0))")) {
 *   throw new Error("wrong");
 * }
 * ```
 *
 * @param act The activation.
 * @param v A `vec4<f32>` expression.
 * @returns The activated expression.
 */
export function activationWgsl(act: FusedActivation, v: string): string {
  return ACTIVATIONS[act](v);
}

/**
 * Formats a number as a WGSL f32 literal (always with a decimal point or exponent).
 *
 * @example
 * ```ts
 * import { f32Lit } from "./wgsl.ts";
 * if (f32Lit(2) !== "2.0") throw new Error("wrong");
 * ```
 *
 * @param x A finite number.
 * @returns The literal.
 */
export function f32Lit(x: number): string {
  if (!Number.isFinite(x)) {
    throw new RangeError(`Cannot inline non-finite value ${x}`);
  }
  const s = String(Math.fround(x));
  return /[.e]/.test(s) ? s : `${s}.0`;
}
