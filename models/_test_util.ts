/**
 * Helpers of this folder's tests: reading the shared real models in place.
 *
 * @module
 */

import type { Graph } from "../core/ir.ts";
import { readModel } from "../format/tflite/reader.ts";

/**
 * The main graph of a model under `shared/models/`.
 *
 * @example
 * ```ts ignore
 * const g = sharedGraph("networks/mobilenet_v1_0.25_224.tflite");
 * ```
 *
 * @param rel Path under `shared/models/`.
 * @returns The graph.
 */
export function sharedGraph(rel: string): Graph {
  return readModel(Deno.readFileSync(new URL(`../../shared/models/${rel}`, import.meta.url)))
    .subgraphs[0];
}
