/**
 * SUB: elementwise difference `a - b`.
 *
 * Broadcasts NumPy-style and applies the fused activation (`fusedActivationFunction`).
 * int32 runs on the GPU too (wrapping).
 *
 * @module
 */
import { binaryKernel, type BinaryOptions } from "../_shared/binary.ts";
import type { KernelDef } from "../../core/kernel.ts";
import { subInteger } from "./quant.ts";
import { binaryBuilder } from "../_cpu/elementwise.ts";

/**
 * The SUB kernel.
 *
 * @example
 * ```ts
 * import { sub } from "./mod.ts";
 * const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: new Float32Array(v) });
 * const [y] = sub.reference({
 *   inputs: [t([5, 1]), t([2, 3])],
 *   options: { activation: "NONE" },
 *   outputs: [t([5, 1])],
 * });
 * if (y.data[0] !== 3) throw new Error("wrong");
 * ```
 */
export const sub: KernelDef<BinaryOptions> = {
  ...binaryKernel({
    name: "SUB",
    optionsType: "SubOptions",
    hasActivation: true,
    fn: (a, b) => a - b,
    wgsl: (a, b) => `(${a} - ${b})`,
    intFn: (a, b) => (a - b) | 0,
    wgslInt: (a, b) => `(${a} - ${b})`,
    edges: [{ a: [0, -0, 0, 1e30, -1e30, 5, 1e-30], b: [-0, 0, 0, -1e30, 1e30, 5, -1e-30] }],
  }),
  quant: subInteger,
  traits: { cheap: true, inPlace: true },
  cpu: { float: binaryBuilder("sub") },
};
