/**
 * Test support for 8-bit graphs: binds a graph (nodes with int8/uint8 activations bind in 8-bit
 * mode) and runs it on the reference executor.
 *
 * @module
 */
import type { Graph } from "../../core/ir.ts";
import { buildExecGraph } from "../../core/exec_graph.ts";
import type { HostTensor } from "../../core/kernel.ts";
import { kernelFor } from "../registry.ts";
import { ReferenceExecutor } from "../../engine/backends/reference/executor.ts";

/**
 * Runs a graph (8-bit nodes on their integer references) on the reference executor.
 *
 * @example
 * ```ts ignore
 * const [probs] = runQuantGraph(readModel(bytes).subgraphs[0], [image]);
 * ```
 *
 * @param graph The source graph.
 * @param inputs One host tensor per graph input.
 * @returns The outputs.
 */
export function runQuantGraph(graph: Graph, inputs: HostTensor[]): HostTensor[] {
  return new ReferenceExecutor(buildExecGraph(graph, kernelFor)).run(inputs);
}
