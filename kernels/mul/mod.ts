/**
 * MUL: elementwise product `a * b`.
 *
 * Broadcasts NumPy-style and applies the fused activation (`fusedActivationFunction`).
 * int32 runs on the GPU too (wrapping, like C).
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { mulInteger } from "./quant.ts";
import { binaryBuilder } from "../_cpu/elementwise.ts";

/**
 * The MUL kernel.
 *
 * @example
 * ```ts
 * import { mul } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = mul.reference({
 *   inputs: [t([5, 1]), t([2, 3])],
 *   options: { activation: "NONE" },
 *   outputs: [t([5, 1])],
 * });
 * if (y.data[0] !== 10) throw new Error("wrong");
 * ```
 */
export const mul: KernelDef<BinaryOptions> = {
  ...binaryKernel({
    name: "MUL",
    optionsType: "MulOptions",
    hasActivation: true,
    fn: (a, b) => a * b,
    wgsl: (a, b) => `(${a} * ${b})`,
    intFn: (a, b) => Math.imul(a, b),
    wgslInt: (a, b) => `(${a} * ${b})`,
    edges: [{ a: [0, -0, 1e30, 1e-30, -3, 0.5], b: [-5, 5, 1e30, 1e-30, 1e-20, -0] }],
  }),
  quant: mulInteger,
  traits: { cheap: true, inPlace: true },
  cpu: { float: binaryBuilder("mul") },
};
