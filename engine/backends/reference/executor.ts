/**
 * The reference executor: runs an {@linkcode ExecGraph} node by node on the CPU reference kernels.
 * It is the oracle of conformance and of `compare`, and the CPU fallback of the GPU executor.
 *
 * @module
 */
import type { HostTensor } from "../../../core/kernel.ts";
import { UsageError } from "../../../core/errors.ts";
import type { ExecGraph } from "../../../core/exec_graph.ts";

export { runNodeOnHost } from "../../../kernels/run_node.ts";
import { runNodeOnHost } from "../../../kernels/run_node.ts";

/** Outputs of a reference run; `allValues` holds every tensor when asked for. */
export type ReferenceRun = HostTensor[] & {
  allValues?: Map<number, HostTensor>;
};

/** Runs a whole exec graph on the CPU reference kernels. */
export class ReferenceExecutor {
  /** The graph. */
  readonly graph: ExecGraph;
  #disposed = false;
  /** State of stateful ops (resource variables, CALL_ONCE), kept from run to run. */
  #state = new Map<string, unknown>();

  /**
   * Creates the executor.
   *
   * @param graph The exec graph.
   */
  constructor(graph: ExecGraph) {
    this.graph = graph;
  }

  /**
   * Runs the graph once.
   *
   * @example
   * ```ts ignore
   * const outs = new ReferenceExecutor(graph).run([input]);
   * ```
   *
   * @param inputs One host tensor per graph input.
   * @param options `keep: true` returns every intermediate too (for divergence search).
   * @returns Outputs, and all values when asked.
   */
  run(
    inputs: HostTensor[],
    options: { keep?: boolean } = {},
  ): ReferenceRun {
    if (this.#disposed) {
      throw new UsageError("This executor was disposed; create a new session");
    }
    const g = this.graph;
    const values = new Map<number, HostTensor>();
    g.inputs.forEach((t, i) => values.set(t, inputs[i]));
    const value = (t: number): HostTensor => {
      const v = values.get(t) ?? g.tensors[t].value;
      if (!v) {
        throw new UsageError(
          `Tensor ${t} "${g.tensors[t].name}" was never computed`,
        );
      }
      return v;
    };
    for (const node of g.nodes) {
      const outs = runNodeOnHost(g, node, value, this.#state);
      node.outputs.forEach((t, i) => values.set(t, outs[i]));
    }
    const result: ReferenceRun = g.outputs.map(value);
    if (options.keep) result.allValues = values;
    return result;
  }

  /** Marks the executor disposed. */
  dispose(): void {
    this.#disposed = true;
  }
}
