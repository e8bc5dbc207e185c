/**
 * Tolerances per op and precision, in one place. A case passes when the relative error
 * `||gpu - ref|| / ||ref||` and the max absolute error are both within bounds (max abs is checked
 * relative to the reference's scale: `abs <= absTol * max(1, max|ref|)`). NaN never passes unless the
 * reference is NaN at the same place.
 *
 * @module
 */
import type { Precision } from "../core/kernel.ts";
import { flexTwin } from "../kernels/flex/mod.ts";

/** Bounds for one op and precision. */
export interface Tolerance {
  /** Max relative error. */
  rel: number;
  /** Max absolute error, scaled by `max(1, max|ref|)`. */
  abs: number;
}

/** Defaults per precision. */
export const DEFAULT_TOLERANCE: Readonly<Record<Precision, Tolerance>> = {
  f32: { rel: 1e-5, abs: 1e-4 },
  f16: { rel: 4e-3, abs: 2e-2 },
};

/**
 * How far the GPU's 8-bit results may be from the integer reference, in quantized units (LSB). The
 * GPU runs 8-bit graphs dequantized (weights in float, activations in f32) and quantizes at the
 * edges: rounding the float result once differs from TFLite's fixed-point requantization (and its
 * lookup tables for LOGISTIC, TANH, SOFTMAX) by at most one step; the CPU backend must match the
 * integer reference exactly.
 */
export const QUANT_GPU_LSB = 1;

/** Per-op overrides, each with the reason. */
export const TOLERANCE_OVERRIDES: Readonly<
  Record<string, Partial<Record<Precision, Tolerance>>>
> = {
  // Transcendentals: GPU exp/log/pow/trig are not correctly rounded.
  EXP: { f32: { rel: 1e-5, abs: 1e-3 } },
  POW: { f32: { rel: 1e-4, abs: 1e-3 }, f16: { rel: 1e-2, abs: 5e-2 } },
  // WGSL bounds sin and cos by 2^-11 absolute on [-pi, pi] (the kernels reduce the argument
  // there first); Chromium's SwiftShader reaches 1.1e-4 relative on the Flex twins' cases.
  SIN: { f32: { rel: 5e-4, abs: 2 ** -11 } },
  COS: { f32: { rel: 5e-4, abs: 2 ** -11 } },
  // Long reductions in f16 storage accumulate rounding of the inputs.
  SUM: { f16: { rel: 5e-3, abs: 5e-2 } },
};

/**
 * The tolerance of an op in a precision.
 *
 * @example
 * ```ts
 * import { toleranceFor } from "./tolerances.ts";
 * if (toleranceFor("ADD", "f32").rel !== 1e-5) throw new Error("wrong");
 * if (toleranceFor("FlexExp", "f32").abs !== toleranceFor("EXP", "f32").abs) throw new Error("wrong");
 * ```
 *
 * @param op Op name.
 * @param precision Precision.
 * @returns The bounds.
 */
export function toleranceFor(op: string, precision: Precision): Tolerance {
  // A Flex op runs its twin's kernel (FlexExp is EXP): it has the twin's bounds.
  const own = flexTwin(op) ?? op;
  return TOLERANCE_OVERRIDES[own]?.[precision] ?? DEFAULT_TOLERANCE[precision];
}
