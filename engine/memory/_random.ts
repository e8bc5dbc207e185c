// Internal: seeded random usage records for tests and benchmarks. Not part of the public API.

import type { UsageRecord } from "./types.ts";
import { seededRandom } from "../../core/random.ts";

/** mulberry32: a tiny, fast, seeded PRNG returning floats in [0, 1). */
export const prng: (seed: number) => () => number = seededRandom;

/** Uniformly random records: `n` tensors over `tasks` tasks, lifetimes up to `maxLife`. */
export function randomRecords(
  seed: number,
  n: number,
  options: { tasks?: number; maxLife?: number; maxSize?: number } = {},
): UsageRecord[] {
  const random = prng(seed);
  const tasks = options.tasks ?? Math.max(1, n);
  const maxLife = options.maxLife ?? Math.max(1, Math.floor(tasks / 4));
  const maxSize = options.maxSize ?? 1000;
  return Array.from({ length: n }, () => {
    const firstOp = Math.floor(random() * tasks);
    const lastOp = Math.min(
      tasks - 1,
      firstOp + Math.floor(random() * maxLife),
    );
    return { size: 1 + Math.floor(random() * maxSize), firstOp, lastOp };
  });
}

/**
 * A network-like chain: op k produces tensor k, read by op k + 1 and, now and then, by a later op
 * (residual or U-Net style skips). Sizes follow stages of a CNN (spatial size halves, channels
 * double) with per-op channel noise, in bytes of f32 PHWC4 tensors.
 */
export function randomChainRecords(seed: number, n: number): UsageRecord[] {
  const random = prng(seed);
  const records: UsageRecord[] = [];
  let side = 112, channels = 16;
  for (let k = 0; k < n; k++) {
    if (random() < 0.04 && side > 7) {
      side = Math.ceil(side / 2);
      channels = Math.min(1024, channels * 2);
    }
    const c = Math.max(4, Math.round(channels * (0.5 + random() * 2)));
    const size = side * side * Math.ceil(c / 4) * 16;
    let lastOp = Math.min(n, k + 1);
    const roll = random();
    if (roll < 0.2) lastOp = Math.min(n, k + 2 + Math.floor(random() * 8));
    else if (roll < 0.23) {
      lastOp = Math.min(n, k + 10 + Math.floor(random() * 60));
    }
    records.push({ size, firstOp: k, lastOp });
  }
  return records;
}
