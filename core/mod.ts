/**
 * The engine's graph IR and structural utilities over it.
 *
 * @example
 * ```ts
 * import { numElements, producers } from "./mod.ts";
 * if (numElements([2, 2]) !== 4 || typeof producers !== "function") throw new Error("wrong");
 * ```
 *
 * @module
 */

export * from "./ir.ts";
export * from "./topology.ts";
