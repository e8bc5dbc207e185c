import { strictEqual } from "node:assert";
import {
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
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
