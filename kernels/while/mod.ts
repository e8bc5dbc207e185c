/**
 * WHILE: runs the body subgraph on the loop variables while the cond subgraph returns true; the
 * outputs are the final loop variables. Both subgraphs are bound once, for the node's input
 * shapes (loop variables keep their shapes), and run on the reference kernels.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { HostTensor, KernelDef, TensorSpec } from "../../core/kernel.ts";
import { OpError, UnsupportedError } from "../../core/errors.ts";
import { runGraphOnHost } from "../run_node.ts";
import { bindCalled, outputSpecs, subgraphsOf, truthy } from "../_shared/subgraph.ts";

/** Parsed options of WHILE. */
export interface WhileOptions {
  /** Index of the cond subgraph. */
  condIndex: number;
  /** Index of the body subgraph. */
  bodyIndex: number;
  /** The cond subgraph, bound for the loop variables. */
  cond: ExecGraph;
  /** The body subgraph, bound for the loop variables. */
  body: ExecGraph;
}

/** Iterations after which a loop is taken to be endless. */
export const MAX_ITERATIONS = 1_000_000;

function specsOf(inputs: readonly (TensorSpec | undefined)[]): TensorSpec[] {
  return inputs.map((t, i) => {
    if (!t) throw new OpError(`WHILE: input ${i} is omitted`);
    const spec: TensorSpec = { dtype: t.dtype, shape: [...t.shape] };
    if (t.quantization) spec.quantization = t.quantization;
    return spec;
  });
}

/** The WHILE kernel. */
export const whileKernel: KernelDef<WhileOptions> = {
  name: "WHILE",
  optionsType: "WhileOptions",
  parse(args) {
    const binder = subgraphsOf("WHILE", args);
    const specs = specsOf(args.inputs);
    const common = { binder, options: args.options, inputs: specs };
    const cond = bindCalled("WHILE", { ...common, field: "condSubgraphIndex" });
    const body = bindCalled("WHILE", { ...common, field: "bodySubgraphIndex" });
    const condOut = outputSpecs(cond.graph);
    if (condOut.length !== 1 || condOut[0].shape.reduce((a, b) => a * b, 1) !== 1) {
      throw new OpError(`WHILE: cond subgraph ${cond.index} must return one scalar`);
    }
    const bodyOut = outputSpecs(body.graph);
    if (bodyOut.length !== specs.length) {
      throw new OpError(
        `WHILE: body subgraph ${body.index} returns ${bodyOut.length} values for ${specs.length} loop variables`,
      );
    }
    bodyOut.forEach((s, i) => {
      if (s.shape.join() !== specs[i].shape.join() || s.dtype !== specs[i].dtype) {
        throw new UnsupportedError(
          `WHILE: loop variable ${i} changes from ${specs[i].dtype}[${
            specs[i].shape
          }] to ${s.dtype}[${s.shape}] in the body; loop variables must keep their shapes`,
        );
      }
    });
    return { condIndex: cond.index, bodyIndex: body.index, cond: cond.graph, body: body.graph };
  },
  infer({ inputs }): TensorSpec[] {
    return specsOf(inputs);
  },
  reference({ inputs, options, state }): HostTensor[] {
    let vars = inputs as HostTensor[];
    for (let i = 0; truthy(runGraphOnHost(options.cond, vars, state)[0]); i++) {
      if (i >= MAX_ITERATIONS) {
        throw new OpError(`WHILE: the loop did not end after ${MAX_ITERATIONS} iterations`);
      }
      vars = runGraphOnHost(options.body, vars, state);
    }
    return vars.map((t) => ({ ...t, shape: [...t.shape], data: t.data.slice() }));
  },
  cases: () => [],
  traits: { stateful: true },
};
