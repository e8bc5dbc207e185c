/**
 * The version of gpulite, from `deno.json`.
 *
 * @module
 */
import config from "../deno.json" with { type: "json" };

/**
 * The package version, e.g. `"0.1.0"`.
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 * if (!/^\d+\.\d+\.\d+/.test(VERSION)) throw new Error("wrong");
 * ```
 */
export const VERSION: string = config.version;
