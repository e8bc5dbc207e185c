/**
 * A small seeded pseudo-random generator (mulberry32) for deterministic benchmark weights.
 *
 * @module
 */

import { seededRandom } from "../core/random.ts";

/** A deterministic stream of numbers from a 32-bit seed. */
export class Random {
  #uniform: () => number;
  #spare: number | undefined;

  /**
   * Starts a stream.
   *
   * @example
   * ```ts
   * import { Random } from "./_random.ts";
   * if (new Random(7).next() !== new Random(7).next()) throw new Error("wrong");
   * ```
   *
   * @param seed Any integer; equal seeds give equal streams.
   */
  constructor(seed: number) {
    this.#uniform = seededRandom(seed);
  }

  /**
   * The next uniform number in `[0, 1)`.
   *
   * @example
   * ```ts
   * import { Random } from "./_random.ts";
   * const u = new Random(1).next();
   * if (u < 0 || u >= 1) throw new Error("wrong");
   * ```
   *
   * @returns A uniform number.
   */
  next(): number {
    return this.#uniform();
  }

  /**
   * The next standard normal number (Box-Muller, two per pair of uniforms).
   *
   * @example
   * ```ts
   * import { Random } from "./_random.ts";
   * if (!Number.isFinite(new Random(3).normal())) throw new Error("wrong");
   * ```
   *
   * @returns A number drawn from N(0, 1).
   */
  normal(): number {
    if (this.#spare !== undefined) {
      const s = this.#spare;
      this.#spare = undefined;
      return s;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}
