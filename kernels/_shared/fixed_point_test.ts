import { strictEqual } from "node:assert";
import {
  invSqrtQuantizedMultiplierExp,
  logistic16,
  saturatingRoundingMultiplyByPot,
  tanh16,
} from "./fixed_point.ts";

Deno.test("invSqrtQuantizedMultiplierExp() gives 1/sqrt to 1e-5 from 2 to 2^31", () => {
  for (let v = 2; v < 2 ** 31; v = Math.floor(v * 1.37) + 1) {
    const m = invSqrtQuantizedMultiplierExp(v, -1);
    const got = m.multiplier * 2 ** (m.shift - 31);
    const rel = Math.abs(got * Math.sqrt(v) - 1);
    if (rel > 1e-5) throw new Error(`1/sqrt(${v}): ${got} (relative error ${rel})`);
  }
  strictEqual(invSqrtQuantizedMultiplierExp(1, -1).multiplier, 2147483647);
  strictEqual(invSqrtQuantizedMultiplierExp(0, -1).multiplier, 2147483647);
});

Deno.test("saturatingRoundingMultiplyByPot() saturates left shifts and rounds right shifts", () => {
  strictEqual(saturatingRoundingMultiplyByPot(1 << 20, 3), 1 << 23);
  strictEqual(saturatingRoundingMultiplyByPot(1 << 28, 3), 2147483647);
  strictEqual(saturatingRoundingMultiplyByPot(-(1 << 28), 3), -2147483648);
  strictEqual(saturatingRoundingMultiplyByPot(-5, -1), -3);
  strictEqual(saturatingRoundingMultiplyByPot(5, -1), 3);
});

Deno.test("logistic16() and tanh16() follow the float functions within 12 steps of 2^-15 over every int16 input", () => {
  for (const bits of [0, 3, 5]) {
    const unit = 2 ** (15 - bits);
    for (let a = -32768; a < 32768; a++) {
      const x = a / unit;
      const l = logistic16(a, bits), t = tanh16(a, bits);
      if (Math.abs(l - 32768 / (1 + Math.exp(-x))) > 12) {
        throw new Error(`logistic ${a}/${bits}: ${l}`);
      }
      if (Math.abs(t - 32768 * Math.tanh(x)) > 12) throw new Error(`tanh ${a}/${bits}: ${t}`);
    }
  }
  strictEqual(logistic16(0, 3), 16384);
  strictEqual(tanh16(0, 3), 0);
  strictEqual(tanh16(-4096, 3), -tanh16(4096, 3));
});
