/**
 * IF: runs the then subgraph or the else subgraph on inputs 1.. according to the boolean input 0.
 * Both branches are bound for the node's input shapes and must return outputs of the same dtypes
 * and shapes; they run on the reference kernels.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { HostTensor, KernelDef, TensorSpec } from "../../core/kernel.ts";
import { OpError, UnsupportedError } from "../../core/errors.ts";
import { runGraphOnHost } from "../run_node.ts";
import { bindCalled, outputSpecs, subgraphsOf, truthy } from "../_shared/subgraph.ts";

/** Parsed options of IF. */
export interface IfOptions {
  /** Index of the then subgraph. */
  thenIndex: number;
  /** Index of the else subgraph. */
  elseIndex: number;
  /** The then branch, bound for inputs 1... */
  then: ExecGraph;
  /** The else branch, bound for inputs 1... */
  else: ExecGraph;
  /** Output specs (those of both branches). */
  outputs: TensorSpec[];
}

/** The IF kernel. */
export const ifKernel: KernelDef<IfOptions> = {
  name: "IF",
  optionsType: "IfOptions",
  parse(args) {
    const binder = subgraphsOf("IF", args);
    if (args.inputs.length < 1 || !args.inputs[0]) throw new OpError("IF: needs a condition input");
    const cond = args.inputs[0];
    if (cond.shape.reduce((a, b) => a * b, 1) !== 1) {
      throw new OpError(`IF: the condition must hold one element, it has shape [${cond.shape}]`);
    }
    const specs = args.inputs.slice(1).map((t, i): TensorSpec => {
      if (!t) throw new OpError(`IF: input ${i + 1} is omitted`);
      return { dtype: t.dtype, shape: [...t.shape], quantization: t.quantization };
    });
    const common = { binder, options: args.options, inputs: specs };
    const then = bindCalled("IF", { ...common, field: "thenSubgraphIndex" });
    const other = bindCalled("IF", { ...common, field: "elseSubgraphIndex" });
    const a = outputSpecs(then.graph);
    const b = outputSpecs(other.graph);
    const same = a.length === b.length &&
      a.every((s, i) => s.dtype === b[i].dtype && s.shape.join() === b[i].shape.join());
    if (!same) {
      throw new UnsupportedError(
        `IF: the branches return different outputs (${a.map((s) => `${s.dtype}[${s.shape}]`)} and ${
          b.map((s) => `${s.dtype}[${s.shape}]`)
        })`,
      );
    }
    return {
      thenIndex: then.index,
      elseIndex: other.index,
      then: then.graph,
      else: other.graph,
      outputs: a,
    };
  },
  infer({ options }): TensorSpec[] {
    return options.outputs.map((s) => ({ ...s, shape: [...s.shape] }));
  },
  reference({ inputs, options, state }): HostTensor[] {
    const branch = truthy(inputs[0]!) ? options.then : options.else;
    const outs = runGraphOnHost(branch, inputs.slice(1) as HostTensor[], state);
    return outs.map((t) => ({ ...t, shape: [...t.shape], data: t.data.slice() }));
  },
  cases: () => [],
  traits: { stateful: true },
};
