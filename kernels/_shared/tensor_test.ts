import { strictEqual } from "node:assert";
import { f16BitsToNumber, halvesToFloat32, numberToF16Bits } from "./tensor.ts";

/** IEEE half-precision decoded from its definition, in float64 arithmetic. */
function byDefinition(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

Deno.test("every half bit pattern decodes to its defined value, signed zeros and subnormals included", () => {
  const all = Uint16Array.from({ length: 65536 }, (_, h) => h);
  const table = halvesToFloat32(all);
  for (let h = 0; h < 65536; h++) {
    const want = byDefinition(h);
    if (!Object.is(table[h], want) || !Object.is(f16BitsToNumber(h), want)) {
      throw new Error(`half 0x${h.toString(16)}: got ${table[h]}, want ${want}`);
    }
  }
});

Deno.test("decoding then encoding a half gives back its bits (NaNs stay NaN)", () => {
  for (let h = 0; h < 65536; h++) {
    const v = f16BitsToNumber(h);
    if (Number.isNaN(v)) continue;
    strictEqual(numberToF16Bits(v), h, `half 0x${h.toString(16)}`);
  }
});
