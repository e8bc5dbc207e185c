/**
 * HARD_SWISH of 8-bit tensors in TFLite's fixed-point arithmetic: the input on a "high-resolution"
 * scale (x 128) in int16, rescaled once to the output's pre-shift scale and once to a "relu-ish"
 * factor in [0, 1] (Q15, 3.0 at 32768, saturating), the two multiplied without rounding, then
 * shifted to the output scale. Multipliers are computed in float32 as TFLite's Prepare does and
 * narrowed to Q15. Evaluated once per input value into a 256-entry table.
 *
 * @module
 */
import type { HostTensor, QuantKernelDef } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import {
  allocQuant,
  dtypeRange,
  quantizeMultiplier,
  roundingDivideByPot,
  tensorQuant,
} from "../_shared/quant_math.ts";

const I16_MIN = -32768, I16_MAX = 32767;

function saturate16(v: number): number {
  return v < I16_MIN ? I16_MIN : v > I16_MAX ? I16_MAX : v;
}

/** gemmlowp's int16 `SaturatingRoundingDoublingHighMul`: `round(a * b / 2^15)`, ties as TFLite. */
function srdhm16(a: number, b: number): number {
  if (a === I16_MIN && b === I16_MIN) return I16_MAX;
  const ab = a * b;
  return Math.trunc((ab + (ab >= 0 ? 1 << 14 : 1 - (1 << 14))) / 32768);
}

/** TFLite's int16 `SaturatingDoublingHighMul`: `a * b / 2^15` truncated toward zero. */
function sdhm16(a: number, b: number): number {
  if (a === I16_MIN && b === I16_MIN) return I16_MAX;
  return Math.trunc((a * b) / 32768);
}

/** TFLite's `DownScaleInt32ToInt16Multiplier`. */
function toQ15(m: number): number {
  return m >= 2147483647 - 32768 ? I16_MAX : (m + 32768) >> 16;
}

/**
 * The 256 outputs of TFLite's 8-bit HARD_SWISH for one pair of quantizations.

 *
 * @param a Output dtype and the input and output scales and zero points.
 * @returns Output value for each input byte (index: the byte, `& 255` for int8).
 */
function hardSwishTable(
  a: {
    dtype: string;
    x: { scale: number; zeroPoint: number };
    y: { scale: number; zeroPoint: number };
  },
): Int32Array {
  const f = Math.fround;
  const hires = f(f(1 / 128) * f(a.x.scale));
  const out = quantizeMultiplier(f(hires / f(a.y.scale)));
  const reluish = quantizeMultiplier(f(hires / f(3 / 32768)));
  if (out.shift > 0) {
    throw new OpError(
      `HARD_SWISH: the output scale must be at least the input scale / 128, got ${a.y.scale}`,
    );
  }
  const out16 = toQ15(out.multiplier), reluish16 = toQ15(reluish.multiplier);
  const [lo, hi] = dtypeRange(a.dtype);
  const table = new Int32Array(256);
  for (let q = lo; q <= hi; q++) {
    const hiresValue = (q - a.x.zeroPoint) * 128;
    const preshift = srdhm16(hiresValue, out16);
    let r = hiresValue;
    if (reluish.shift > 0) r = saturate16(r * 2 ** (reluish.shift - 1));
    r = srdhm16(r, reluish16);
    if (reluish.shift > 0) r = saturate16(r * 2);
    if (reluish.shift < 0) r = roundingDivideByPot(r, -reluish.shift);
    r = (r + 32768) >> 1;
    const y = roundingDivideByPot(sdhm16(r, preshift), -out.shift) + a.y.zeroPoint;
    table[q & 255] = y < lo ? lo : y > hi ? hi : y;
  }
  return table;
}

/** The 8-bit HARD_SWISH. */
export const hardSwishInteger: QuantKernelDef<unknown> = {
  reference({ inputs, outputs }): HostTensor[] {
    const x = inputs[0]!;
    const y = allocQuant({ ...outputs[0], shape: x.shape });
    const table = hardSwishTable({
      dtype: y.dtype,
      x: tensorQuant("HARD_SWISH", x),
      y: tensorQuant("HARD_SWISH", y),
    });
    for (let i = 0; i < y.data.length; i++) y.data[i] = table[Number(x.data[i]) & 255];
    return [y];
  },
};
