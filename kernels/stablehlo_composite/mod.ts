/**
 * STABLEHLO_COMPOSITE: a named composite op (`odml.group_norm`, `odml.l2_norm`, ...) that carries
 * its own decomposition as a subgraph of the model. gpulite runs the decomposition on the
 * reference kernels, bound for the node's input shapes.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { HostTensor, KernelDef, TensorSpec } from "../../core/kernel.ts";
import { OpError } from "../../core/errors.ts";
import { runGraphOnHost } from "../run_node.ts";
import { bindCalled, outputSpecs, subgraphsOf } from "../_shared/subgraph.ts";

/** Parsed options of STABLEHLO_COMPOSITE. */
export interface CompositeOptions {
  /** The composite's name (`odml.group_norm`). */
  name: string;
  /** Index of the decomposition subgraph. */
  decompositionIndex: number;
  /** The decomposition, bound for the node's inputs. */
  decomposition: ExecGraph;
  /** Output specs of the decomposition. */
  outputs: TensorSpec[];
}

/**
 * The STABLEHLO_COMPOSITE kernel.
 *
 * @example
 * ```ts
 * import { stablehloComposite } from "./mod.ts";
 * if (stablehloComposite.optionsType !== "StableHLOCompositeOptions") throw new Error("wrong");
 * ```
 */
export const stablehloComposite: KernelDef<CompositeOptions> = {
  name: "STABLEHLO_COMPOSITE",
  optionsType: "StableHLOCompositeOptions",
  parse(args) {
    const binder = subgraphsOf("STABLEHLO_COMPOSITE", args);
    const specs = args.inputs.map((t, i): TensorSpec => {
      if (!t) throw new OpError(`STABLEHLO_COMPOSITE: input ${i} is omitted`);
      return { dtype: t.dtype, shape: [...t.shape], quantization: t.quantization };
    });
    const d = bindCalled("STABLEHLO_COMPOSITE", {
      binder,
      options: args.options,
      field: "decompositionSubgraphIndex",
      inputs: specs,
    });
    const name = typeof args.options.name === "string" ? args.options.name : "(unnamed)";
    return {
      name,
      decompositionIndex: d.index,
      decomposition: d.graph,
      outputs: outputSpecs(d.graph),
    };
  },
  infer({ options }): TensorSpec[] {
    return options.outputs.map((s) => ({ ...s, shape: [...s.shape] }));
  },
  reference({ inputs, options }): HostTensor[] {
    const outs = runGraphOnHost(options.decomposition, inputs as HostTensor[]);
    return outs.map((t) => ({ ...t, shape: [...t.shape], data: t.data.slice() }));
  },
  // Cases need a model with a decomposition subgraph: the test runs LiteRT's composite models.
  cases: () => [],
};
