/**
 * The one seeded PRNG of the project (mulberry32): conformance inputs, broken-file corpora, random
 * usage records, model weights and test data are all reproducible from a seed.
 *
 * @module
 */

/**
 * A seeded generator of floats in `[0, 1)`.
 *
 * @example
 * ```ts
 * import { seededRandom } from "./random.ts";
 * const r = seededRandom(1);
 * const x = r();
 * if (x < 0 || x >= 1) throw new Error("wrong");
 * ```
 *
 * @param seed Any 32-bit integer.
 * @returns The generator.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 32-bit hash of a string, to derive per-case seeds.
 *
 * @example
 * ```ts
 * import { hashString } from "./random.ts";
 * if (hashString("a") === hashString("b")) throw new Error("wrong");
 * ```
 *
 * @param s The string.
 * @returns The hash.
 */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  }
  return h >>> 0;
}
