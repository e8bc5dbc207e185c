/**
 * ADD: elementwise sum with NumPy broadcasting and a fused activation.
 *
 * @module
 */
import { binaryKernel } from "../_shared/binary.ts";
import { addInteger } from "./quant.ts";
import { binaryBuilder } from "../_cpu/elementwise.ts";
import { addCpuQuant } from "./cpu.ts";

/** The ADD kernel. */
export const add = {
  ...binaryKernel({
    name: "ADD",
    optionsType: "AddOptions",
    hasActivation: true,
    fn: (a, b) => a + b,
    intFn: (a, b) => (a + b) | 0,
    wgsl: (a, b) => `(${a} + ${b})`,
  }),
  quant: addInteger,
  traits: { cheap: true, inPlace: true },
  cpu: { float: binaryBuilder("add"), quant: addCpuQuant },
};
