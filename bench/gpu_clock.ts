/**
 * The GPU's current SM clock, where `nvidia-smi` exists: a GPU that idles lowers its clock (an H100
 * drops from 1980 to 345 MHz within a second or two of going quiet), so a latency means little
 * without the clock it ran at. The report asks right after each GPU configuration's timed runs.
 *
 * @module
 */

/**
 * The first GPU's SM clock in MHz from `nvidia-smi --query-gpu=clocks.sm
 * --format=csv,noheader,nounits` output.
 *
 * @example
 * ```ts
 * import { parseSmClock } from "./gpu_clock.ts";
 * if (parseSmClock("1980\n345\n") !== 1980) throw new Error("parseSmClock");
 * if (parseSmClock("[N/A]") !== undefined) throw new Error("parseSmClock N/A");
 * ```
 *
 * @param text The command's standard output.
 * @returns The clock, or `undefined` when the first line holds no number.
 */
export function parseSmClock(text: string): number | undefined {
  const first = text.trim().split("\n")[0]?.trim() ?? "";
  return /^\d+(\.\d+)?$/.test(first) ? Number(first) : undefined;
}

/**
 * Asks `nvidia-smi` for the first GPU's SM clock.
 *
 * @example
 * ```ts ignore
 * import { smClockMhz } from "./gpu_clock.ts";
 * console.log(await smClockMhz()); // e.g. 1980, or undefined without nvidia-smi
 * ```
 *
 * @returns MHz, or `undefined` without `nvidia-smi`, without permission to run it, or on failure.
 */
export async function smClockMhz(): Promise<number | undefined> {
  try {
    const out = await new Deno.Command("nvidia-smi", {
      args: ["--query-gpu=clocks.sm", "--format=csv,noheader,nounits"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? parseSmClock(new TextDecoder().decode(out.stdout)) : undefined;
  } catch {
    return undefined;
  }
}
