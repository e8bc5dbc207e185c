import { strictEqual } from "node:assert";
import { int16Lookup, int16Table, multiplyByQuantizedMultiplier64 } from "./quant_int16.ts";
import { quantizeMultiplier } from "./quant_math.ts";
import { seededRandom } from "../../core/random.ts";

/** TFLite's 64-bit definition in BigInt: 15-bit multiplier, one rounding shift, int32 truncation. */
function mbqm64Big(x: number, multiplier: number, shift: number): number {
  const reduced = multiplier < 0x7fff0000 ? (multiplier + (1 << 15)) >> 16 : 0x7fff;
  const total = BigInt(15 - shift);
  const r = (BigInt(x) * BigInt(reduced) + (1n << (total - 1n))) >> total;
  return Number(BigInt.asIntN(32, r));
}

Deno.test("multiplyByQuantizedMultiplier64() equals TFLite's int64 definition up to 2^47", () => {
  const r = seededRandom(5);
  for (let i = 0; i < 20000; i++) {
    const bits = 1 + Math.floor(r() * 47);
    const x = Math.floor((r() * 2 - 1) * 2 ** bits);
    const q = quantizeMultiplier(r() * 2 ** (Math.floor(r() * 40) - 36));
    if (q.shift >= 8) continue;
    strictEqual(
      multiplyByQuantizedMultiplier64(x, q),
      mbqm64Big(x, q.multiplier, q.shift),
      `${x} * ${q.multiplier} >> ${q.shift}`,
    );
  }
});

Deno.test("int16Lookup() follows identity and square-root tables within a few steps", () => {
  const q = { scale: [1 / 32768], zeroPoint: [0], quantizedDimension: 0 };
  const id = int16Table({ input: q, output: q, fn: (x) => x });
  // TFLite scales by 65536 / (output range), which is 32768.5 here, not 32768: one step off at most.
  for (const x of [-32768, -12345, -1, 0, 1, 127, 128, 4097, 32767]) {
    const d = Math.abs(int16Lookup(id, x) - x);
    if (d > 1) throw new Error(`identity at ${x}: off by ${d}`);
  }
  strictEqual(int16Lookup(id, 128), 128);
  const sqrt = int16Table({ input: q, output: q, fn: (x) => Math.sqrt(Math.max(0, x)) });
  for (let x = 1024; x < 32768; x += 997) {
    const want = Math.round(Math.sqrt(x / 32768) * 32768);
    const got = int16Lookup(sqrt, x);
    if (Math.abs(got - want) > 4) throw new Error(`sqrt at ${x}: ${got} vs ${want}`);
  }
});
