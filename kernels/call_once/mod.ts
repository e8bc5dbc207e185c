/**
 * CALL_ONCE: runs an initialisation subgraph (no inputs, no outputs), as converters emit to set up
 * resource variables. It runs on the reference kernels, once per executor (the executor's state
 * remembers it; without one, at every run).
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { HostTensor, KernelDef, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { runGraphOnHost } from "../run_node.ts";
import { bindCalled, subgraphsOf } from "../_shared/subgraph.ts";

/** Parsed options of CALL_ONCE. */
export interface CallOnceOptions {
  /** Index of the initialisation subgraph. */
  initIndex: number;
  /** The initialisation subgraph, bound. */
  init: ExecGraph;
}

/** The CALL_ONCE kernel. */
export const callOnce: KernelDef<CallOnceOptions> = {
  name: "CALL_ONCE",
  optionsType: "CallOnceOptions",
  parse(args) {
    const binder = subgraphsOf("CALL_ONCE", args);
    if (args.inputs.length > 0) {
      throw new OpError(`CALL_ONCE: takes no inputs, the node has ${args.inputs.length}`);
    }
    const init = bindCalled("CALL_ONCE", {
      binder,
      options: args.options,
      field: "initSubgraphIndex",
      inputs: [],
    });
    return { initIndex: init.index, init: init.graph };
  },
  infer(): TensorSpec[] {
    return [];
  },
  reference({ options, state }): HostTensor[] {
    const key = `call_once:${options.initIndex}`;
    if (state?.get(key)) return [];
    runGraphOnHost(options.init, [], state);
    state?.set(key, true);
    return [];
  },
  cases: () => [],
  traits: { stateful: true },
};
