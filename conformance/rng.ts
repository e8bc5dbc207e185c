/**
 * Seeded random numbers for conformance inputs (re-exported from `engine/random.ts`).
 *
 * @module
 */
export { hashString, seededRandom } from "../core/random.ts";
