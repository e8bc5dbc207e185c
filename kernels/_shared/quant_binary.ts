/**
 * TFLite's 8-bit ADD, SUB and MUL with NumPy broadcasting: ADD and SUB rescale both inputs to twice
 * the larger input scale after a left shift of 20 bits (SUB negates the second multiplier), MUL
 * multiplies the zero-point-corrected inputs in int32 and requantizes once by
 * `s1 * s2 / s_out`. Fused activations clamp in the quantized domain.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import type { BinaryOptions } from "./binary.ts";
import { broadcastIndex } from "./tensor.ts";
import {
  allocQuant,
  multiplyByQuantizedMultiplier,
  outputRange,
  quantAdd,
  quantAddParams,
  quantizeMultiplier,
  tensorQuant,
} from "./quant_math.ts";

type ElementFn = (a: number, b: number) => number;
type Prepare = (
  op: string,
  a: HostTensor,
  b: HostTensor,
  y: HostTensor,
  act: BinaryOptions,
) => ElementFn;

function prepareAdd(negate: boolean): Prepare {
  return (op, a, b, y, o) => {
    const p = quantAddParams(
      [a.quantization!, b.quantization!, y.quantization!],
      outputRange(op, o.activation, y),
      // TFLite's int16 ADD with general (not power-of-two) scales shifts by 15 bits, not 20. With
      // every scale a power of two TFLite takes a shift-only path that may round 1 unit apart.
      y.dtype === "int16" ? 15 : 20,
    );
    if (negate) p.m[1] = { ...p.m[1], multiplier: -p.m[1].multiplier };
    return (u, v) => quantAdd(u, v, p);
  };
}

/** `a * b / c` in float32 steps, as C++ evaluates it on float operands. */
function f32Product(a: number, b: number, c: number): number {
  const f = Math.fround;
  return f(f(f(a) * f(b)) / f(c));
}

const prepareMul: Prepare = (op, a, b, y, o) => {
  const qa = tensorQuant(op, a), qb = tensorQuant(op, b), qy = tensorQuant(op, y);
  // TFLite's Prepare multiplies and divides the float32 scales in float32.
  const m = quantizeMultiplier(f32Product(qa.scale, qb.scale, qy.scale));
  const [lo, hi] = outputRange(op, o.activation, y);
  return (u, v) => {
    const r = multiplyByQuantizedMultiplier((u - qa.zeroPoint) * (v - qb.zeroPoint), m) +
      qy.zeroPoint;
    return r < lo ? lo : r > hi ? hi : r;
  };
};

const preparePrelu: Prepare = (op, a, b, y) => {
  const qa = tensorQuant(op, a), qb = tensorQuant(op, b), qy = tensorQuant(op, y);
  const identity = quantizeMultiplier(Math.fround(Math.fround(qa.scale) / Math.fround(qy.scale)));
  const slope = quantizeMultiplier(f32Product(qa.scale, qb.scale, qy.scale));
  const [lo, hi] = outputRange(op, "NONE", y);
  return (u, v) => {
    const x = u - qa.zeroPoint;
    const r =
      (x >= 0
        ? multiplyByQuantizedMultiplier(x, identity)
        : multiplyByQuantizedMultiplier(x * (v - qb.zeroPoint), slope)) + qy.zeroPoint;
    return r < lo ? lo : r > hi ? hi : r;
  };
};

function quantBinary(op: string, prepare: Prepare): QuantKernelDef<BinaryOptions> {
  return {
    reference({ inputs, options, outputs }): HostTensor[] {
      const a = inputs[0]!, b = inputs[1]!;
      const y = allocQuant(outputs[0]);
      for (const t of [a, b, y]) tensorQuant(op, t);
      const f = prepare(op, a, b, y, options);
      const same = a.data.length === y.data.length && b.data.length === y.data.length;
      for (let i = 0; i < y.data.length; i++) {
        const ia = same ? i : broadcastIndex(i, y.shape, a.shape);
        const ib = same ? i : broadcastIndex(i, y.shape, b.shape);
        y.data[i] = f(Number(a.data[ia]), Number(b.data[ib]));
      }
      return [y];
    },
  };
}

/**
 * The 8-bit ADD.
 *
 * @example
 * ```ts
 * import { addInteger } from "./quant_binary.ts";
 * const q = { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 };
 * const t = (v: number) => ({ dtype: "uint8" as const, shape: [1], quantization: q, data: new Uint8Array([v]) });
 * const [y] = addInteger.reference({ inputs: [t(2), t(4)], options: { activation: "NONE" }, outputs: [t(0)] });
 * if (y.data[0] !== 6) throw new Error("wrong");
 * ```
 */
export const addInteger: QuantKernelDef<BinaryOptions> = {
  ...quantBinary("ADD", prepareAdd(false)),
  int16: true,
};

/**
 * The 8-bit SUB.
 *
 * @example
 * ```ts
 * import { subInteger } from "./quant_binary.ts";
 * const q = { scale: [0.5], zeroPoint: [10], quantizedDimension: 0 };
 * const t = (v: number) => ({ dtype: "uint8" as const, shape: [1], quantization: q, data: new Uint8Array([v]) });
 * const [y] = subInteger.reference({ inputs: [t(20), t(14)], options: { activation: "NONE" }, outputs: [t(0)] });
 * if (y.data[0] !== 16) throw new Error("wrong");
 * ```
 */
export const subInteger: QuantKernelDef<BinaryOptions> = quantBinary("SUB", prepareAdd(true));

/**
 * The 8-bit MUL.
 *
 * @example
 * ```ts
 * import { mulInteger } from "./quant_binary.ts";
 * const q = { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 };
 * const t = (v: number) => ({ dtype: "int8" as const, shape: [1], quantization: q, data: new Int8Array([v]) });
 * const [y] = mulInteger.reference({ inputs: [t(4), t(-6)], options: { activation: "NONE" }, outputs: [t(0)] });
 * if (y.data[0] !== -12) throw new Error("wrong");
 * ```
 */
export const mulInteger: QuantKernelDef<BinaryOptions> = {
  ...quantBinary("MUL", prepareMul),
  int16: true,
};

/**
 * The 8-bit PRELU: non-negative inputs rescaled by `s_x / s_out`, negative ones multiplied by the
 * zero-point-corrected alpha and rescaled by `s_x * s_alpha / s_out` (TFLite's two multipliers).
 *
 * @example
 * ```ts
 * import { preluInteger } from "./quant_binary.ts";
 * const q = { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 };
 * const t = (v: number) => ({ dtype: "int8" as const, shape: [1], quantization: q, data: new Int8Array([v]) });
 * const [y] = preluInteger.reference({ inputs: [t(-4), t(1)], options: { activation: "NONE" }, outputs: [t(0)] });
 * if (y.data[0] !== -2) throw new Error("wrong");
 * ```
 */
export const preluInteger: QuantKernelDef<BinaryOptions> = quantBinary("PRELU", preparePrelu);

/**
 * The 8-bit MAXIMUM: the larger raw value (TFLite requires the inputs and the output to share one
 * scale and zero point).
 *
 * @example
 * ```ts
 * import { maximumInteger } from "./quant_binary.ts";
 * const q = { scale: [0.5], zeroPoint: [3], quantizedDimension: 0 };
 * const t = (v: number) => ({ dtype: "uint8" as const, shape: [1], quantization: q, data: new Uint8Array([v]) });
 * const [y] = maximumInteger.reference({ inputs: [t(4), t(9)], options: { activation: "NONE" }, outputs: [t(0)] });
 * if (y.data[0] !== 9) throw new Error("wrong");
 * ```
 */
export const maximumInteger: QuantKernelDef<BinaryOptions> = quantBinary(
  "MAXIMUM",
  () => (u, v) => (u > v ? u : v),
);

/**
 * The 8-bit MINIMUM: the smaller raw value (one shared scale and zero point, as TFLite requires).
 *
 * @example
 * ```ts
 * import { minimumInteger } from "./quant_binary.ts";
 * const q = { scale: [0.5], zeroPoint: [3], quantizedDimension: 0 };
 * const t = (v: number) => ({ dtype: "int8" as const, shape: [1], quantization: q, data: new Int8Array([v]) });
 * const [y] = minimumInteger.reference({ inputs: [t(-4), t(9)], options: { activation: "NONE" }, outputs: [t(0)] });
 * if (y.data[0] !== -4) throw new Error("wrong");
 * ```
 */
export const minimumInteger: QuantKernelDef<BinaryOptions> = quantBinary(
  "MINIMUM",
  () => (u, v) => (u < v ? u : v),
);
