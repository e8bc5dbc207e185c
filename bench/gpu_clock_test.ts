import { strictEqual } from "node:assert";
import { parseSmClock, smClockMhz } from "./gpu_clock.ts";

Deno.test("parseSmClock() reads the first GPU's clock and refuses what is not a number", () => {
  strictEqual(parseSmClock("345\n"), 345);
  strictEqual(parseSmClock(" 1980 \n 1755\n"), 1980);
  strictEqual(parseSmClock(""), undefined);
  strictEqual(parseSmClock("[N/A]\n"), undefined);
  strictEqual(parseSmClock("NVIDIA-SMI has failed"), undefined);
});

Deno.test("smClockMhz() answers a number or undefined, never throws", async () => {
  const mhz = await smClockMhz();
  strictEqual(mhz === undefined || (Number.isFinite(mhz) && mhz > 0), true);
});
