/**
 * RELU: `max(x, 0)`; NaN stays NaN on every backend.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import { activationWgsl } from "../_gpu/wgsl.ts";
import { unaryBuilder } from "../_cpu/elementwise.ts";
import { reluInteger } from "./quant.ts";

/** The RELU kernel. */
export const relu = {
  ...unaryKernel({
    name: "RELU",
    fn: (x) => (Number.isNaN(x) ? x : Math.max(0, x)),
    wgsl: (x) => activationWgsl("RELU", x),
  }),
  traits: { cheap: true, inPlace: true },
  cpu: { float: unaryBuilder("un_clamp", [0, Infinity]) },
  quant: reluInteger,
};
