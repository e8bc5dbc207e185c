/**
 * Elementwise TensorFlow ops that have no TensorFlow Lite builtin twin, built with the shared unary
 * factory: they run only as Flex ops (`FlexSoftplus`, `FlexIdentity`, `FlexDouble`).
 *
 * @module
 */
import { unaryKernel } from "../_shared/unary.ts";
import type { KernelDef } from "../../core/kernel.ts";

/** Below this `e^-|x|`, `log1p` runs as its series (WGSL has no `log1p`; `log(1 + u)` loses `u`). */
const SERIES_BELOW = 1 / 16;

/**
 * Softplus, `log(1 + e^x)`, computed as `max(x, 0) + log1p(e^-|x|)` so that neither large positive
 * nor large negative inputs overflow or lose the small term (TensorFlow's `Softplus`; its gradient
 * is the sigmoid). On the GPU, `log1p(u)` for `u < 1/16` is its series to `u^6` (error below
 * `u^7 / 7`, under 1e-8 relative).
 *
 * @example
 * ```ts
 * import { softplus } from "./unary_ops.ts";
 * const x = { dtype: "float32" as const, shape: [3], data: new Float32Array([0, 100, -100]) };
 * const [y] = softplus.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (Math.abs(Number(y.data[0]) - Math.LN2) > 1e-7 || y.data[1] !== 100 || y.data[2] <= 0) {
 *   throw new Error("wrong");
 * }
 * ```
 */
export const softplus: KernelDef<Record<string, never>> = unaryKernel({
  name: "FlexSoftplus",
  fn: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  wgsl: (x) => {
    const u = `exp(-abs(${x}))`;
    const series = `${u} * (1.0 - ${u} * (0.5 - ${u} * (1.0 / 3.0 - ${u} * (0.25 - ${u} * ` +
      `(0.2 - ${u} / 6.0)))))`;
    const log1p = `select(log(1.0 + ${u}), ${series}, ${u} < vec4<f32>(${SERIES_BELOW}))`;
    return `ew_keepnan(max(${x}, vec4<f32>(0.0)) + ${log1p}, ${x})`;
  },
  helpers: ["keepnan"],
  range: [-12, 12],
  edges: [0, -0, 1e-7, -1e-7, 1, -1, 5, -5, 15, -15, 20, -20, 40, -40, 88, -88, 100, -100],
  specials: [NaN, Infinity, -Infinity],
});

/**
 * Identity: the input unchanged (TensorFlow's `Identity`), float32 and int32.
 *
 * @example
 * ```ts
 * import { identity } from "./unary_ops.ts";
 * const x = { dtype: "int32" as const, shape: [2], data: new Int32Array([7, -3]) };
 * const [y] = identity.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[1] !== -3) throw new Error("wrong");
 * ```
 */
export const identity: KernelDef<Record<string, never>> = unaryKernel({
  name: "FlexIdentity",
  fn: (x) => x,
  wgsl: (x) => `${x}`,
  intFn: (x) => x,
  wgslInt: (x) => `${x}`,
  edges: [0, -0, 1e-7, 65504, -65504],
  specials: [NaN, Infinity, -Infinity],
});

/**
 * Double: `2 * x` for int32 (wrapping) and float32, the user-defined op of TensorFlow Lite's
 * converter tests (`tensorflow/lite/python/testdata/double_op.cc`, `Attr("T: {int32, float}")`).
 *
 * @example
 * ```ts
 * import { double } from "./unary_ops.ts";
 * const x = { dtype: "int32" as const, shape: [2], data: new Int32Array([3, 2 ** 30]) };
 * const [y] = double.reference({ inputs: [x], options: {}, outputs: [x] });
 * if (y.data[0] !== 6 || y.data[1] !== -(2 ** 31)) throw new Error("wrong");
 * ```
 */
export const double: KernelDef<Record<string, never>> = unaryKernel({
  name: "FlexDouble",
  fn: (x) => 2 * x,
  wgsl: (x) => `(2.0 * ${x})`,
  intFn: (x) => (2 * x) | 0,
  wgslInt: (x) => `(2 * ${x})`,
  edges: [0, -0, 1e-7, -1e-7, 3.5, 1e30, -1e30],
  specials: [NaN, Infinity, -Infinity],
});
