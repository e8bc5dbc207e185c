/**
 * RSQRT of quantized tensors, as TFLite's integer kernels compute it:
 *
 * - int8: per element, `1 / sqrt(x - z_in)` as a fixed-point multiplier (Newton-Raphson in
 *   gemmlowp arithmetic), applied to 1 with 20 guard bits, then scaled by
 *   `1 / (sqrt(s_in) * s_out)`; an input at the zero point gives 127.
 * - int16 (zero points 0): the 513-entry interpolated table of `1 / sqrt(x)`, with 32767 for 0.
 *
 * Inputs below the zero point (negative values) are refused at run time, as TFLite refuses them.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import {
  allocQuant,
  dtypeRange,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  tensorQuant,
} from "../_shared/quant_math.ts";
import { invSqrtQuantizedMultiplierExp } from "../_shared/fixed_point.ts";
import { int16Lookup, int16Table } from "../_shared/quant_int16.ts";

const OP = "RSQRT";
const GUARD_BITS = 20;

function rsqrtInt8(x: HostTensor, y: HostTensor): void {
  const a = tensorQuant(OP, x), b = tensorQuant(OP, y);
  const f = Math.fround;
  // TFLite: 1. / (std::sqrt(float) * float), the product in float32, the quotient in double.
  const m = quantizeMultiplier(1 / f(f(Math.sqrt(a.scale)) * f(b.scale)));
  const [lo, hi] = dtypeRange(y.dtype);
  for (let i = 0; i < y.data.length; i++) {
    const v = Number(x.data[i]) - a.zeroPoint;
    if (v === 0) {
      y.data[i] = hi;
      continue;
    }
    const inv = invSqrtQuantizedMultiplierExp(v, -1);
    const data = multiplyByQuantizedMultiplier(1, {
      multiplier: inv.multiplier,
      shift: inv.shift + GUARD_BITS,
    });
    const r = multiplyByQuantizedMultiplier(data, { ...m, shift: m.shift - GUARD_BITS }) +
      b.zeroPoint;
    y.data[i] = r < lo ? lo : r > hi ? hi : r;
  }
}

function rsqrtInt16(x: HostTensor, y: HostTensor): void {
  for (const t of [x, y]) {
    if (tensorQuant(OP, t).zeroPoint !== 0) {
      throw new OpError(`${OP}: int16 tensors must have zero point 0`);
    }
  }
  const outScale = Math.fround(y.quantization!.scale[0]);
  const lut = int16Table({
    input: x.quantization!,
    output: y.quantization!,
    fn: (v) => v <= 0 ? 32767 * outScale : 1 / Math.fround(Math.sqrt(v)),
  });
  for (let i = 0; i < y.data.length; i++) y.data[i] = int16Lookup(lut, Number(x.data[i]));
}

/**
 * The integer RSQRT (int8 and int16).
 *
 * @example
 * ```ts
 * import { rsqrtInteger } from "./quant.ts";
 * const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
 * const x = { dtype: "int8" as const, shape: [1], quantization: q(1 / 64, -128), data: new Int8Array([-112]) };
 * const [y] = rsqrtInteger.reference({ inputs: [x], options: {}, outputs: [{ dtype: "int8", shape: [1], quantization: q(1 / 64, -128) }] });
 * if (y.data[0] !== 0) throw new Error("wrong"); // rsqrt(0.25) = 2 = (0 + 128) / 64
 * ```
 */
export const rsqrtInteger: QuantKernelDef<unknown> = {
  int16: true,
  reference({ inputs, outputs }): HostTensor[] {
    const x = inputs[0]!;
    const y = allocQuant({ ...outputs[0], shape: x.shape });
    if (y.dtype !== x.dtype) {
      throw new OpError(`${OP}: output dtype ${y.dtype} differs from input dtype ${x.dtype}`);
    }
    const z = tensorQuant(OP, x).zeroPoint;
    for (let i = 0; i < x.data.length; i++) {
      if (Number(x.data[i]) < z) {
        throw new OpError(
          `${OP}: element ${i} is ${
            x.data[i]
          }, below the zero point ${z} (RSQRT of a negative value)`,
        );
      }
    }
    if (x.dtype === "int8") rsqrtInt8(x, y);
    else if (x.dtype === "int16") rsqrtInt16(x, y);
    else throw new OpError(`${OP}: dtype ${x.dtype} has no integer kernel (int8, int16)`);
    return [y];
  },
};
