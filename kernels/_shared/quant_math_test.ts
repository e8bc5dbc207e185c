import { strictEqual } from "node:assert";
import {
  lookupTable,
  multiplyByQuantizedMultiplier,
  outputRange,
  quantizeMultiplier,
  requantize,
  roundHalfAway,
  roundingDivideByPot,
  srdhm,
} from "./quant_math.ts";

function srdhmBig(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n));
}

Deno.test("srdhm() equals gemmlowp's 64-bit definition", () => {
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    return s;
  };
  for (let i = 0; i < 20000; i++) {
    const a = i % 4 === 0 ? next() % 5000 : next();
    const b = i % 3 === 0 ? next() : next() & 0x7fffffff;
    strictEqual(srdhm(a, b), srdhmBig(a, b), `${a} * ${b}`);
  }
  strictEqual(srdhm(-2147483648, -2147483648), 2147483647);
});

Deno.test("roundingDivideByPot() rounds half away from zero", () => {
  strictEqual(roundingDivideByPot(5, 1), 3);
  strictEqual(roundingDivideByPot(-5, 1), -3);
  strictEqual(roundingDivideByPot(-6, 2), -2);
  strictEqual(roundingDivideByPot(7, 0), 7);
});

Deno.test("quantizeMultiplier() keeps the multiplier in [2^30, 2^31)", () => {
  for (const m of [1e-6, 0.0042, 0.25, 0.5, 0.9999999999, 1, 3.7, 1234.5]) {
    const q = quantizeMultiplier(m);
    if (q.multiplier < 2 ** 30 || q.multiplier >= 2 ** 31) throw new Error(`${m}: ${q.multiplier}`);
    const back = q.multiplier * 2 ** (q.shift - 31);
    if (Math.abs(back - m) > m * 1e-9) throw new Error(`${m}: ${back}`);
  }
  strictEqual(multiplyByQuantizedMultiplier(1000, quantizeMultiplier(0.3)), 300);
  strictEqual(multiplyByQuantizedMultiplier(-1000, quantizeMultiplier(2.5)), -2500);
});

Deno.test("requantize() stays within one step of the exact real-valued rescale and saturates", () => {
  const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
  const data = Uint8Array.from({ length: 256 }, (_, i) => i);
  const x = { dtype: "uint8" as const, shape: [256], quantization: q(0.037, 131), data };
  const spec = { dtype: "int8" as const, shape: [256], quantization: q(0.029, -7) };
  const y = requantize(x, spec);
  let saturated = 0;
  for (let i = 0; i < 256; i++) {
    const exact = (0.037 * (i - 131)) / 0.029 - 7;
    const clamped = Math.min(127, Math.max(-128, exact));
    if (clamped !== exact) saturated++;
    strictEqual(Math.abs(Number(y.data[i]) - clamped) <= 0.5 + 1e-9, true, `${i}: ${y.data[i]}`);
  }
  strictEqual(saturated > 0, true);
});

Deno.test("lookupTable() is monotonic for LOGISTIC and hits both ends of the output range", () => {
  const q = (s: number, z: number) => ({ scale: [s], zeroPoint: [z], quantizedDimension: 0 });
  const lut = lookupTable({
    dtype: "int8",
    input: q(0.1, 0),
    output: q(1 / 256, -128),
    fn: (v) => 1 / (1 + Math.exp(-v)),
  });
  const ordered = Array.from({ length: 256 }, (_, k) => lut[(k - 128) & 255]);
  for (let k = 1; k < 256; k++) strictEqual(ordered[k] >= ordered[k - 1], true);
  strictEqual(ordered[0], -128);
  strictEqual(ordered[255], 127);
});

Deno.test("outputRange() rounds the activation bounds half away from zero in float32", () => {
  const spec = (s: number, z: number) => ({
    dtype: "uint8" as const,
    shape: [1],
    quantization: { scale: [s], zeroPoint: [z], quantizedDimension: 0 },
  });
  // 6 / 0.024 = 250 exactly: RELU6 reaches 250 + zero point.
  strictEqual(outputRange("ADD", "RELU6", spec(0.024, 3))[1], 253);
  strictEqual(outputRange("ADD", "RELU", spec(0.1, 200))[0], 200);
  strictEqual(roundHalfAway(-0.5), -1);
});
