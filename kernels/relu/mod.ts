/**
 * RELU: `max(x, 0)`.
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import { unaryBuilder } from "../_cpu/elementwise.ts";

/** The RELU kernel. */
export const relu = {
  ...unaryKernel({
    name: "RELU",
    fn: (x) => (Number.isNaN(x) ? x : Math.max(0, x)),
    wgsl: (x) => `max(${x}, vec4<f32>(0.0))`,
  }),
  traits: { cheap: true },
  cpu: { float: unaryBuilder("un_clamp", [0, Infinity]) },
};
