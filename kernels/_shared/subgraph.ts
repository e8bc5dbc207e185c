/**
 * What the control-flow ops (WHILE, IF, CALL_ONCE) share: reading a subgraph index option, binding
 * the subgraph for the node's input specs, and the specs of a bound graph's outputs.
 *
 * @module
 */
import type { ExecGraph, SubgraphBinder } from "../../core/exec_graph.ts";
import type { HostTensor, ParseArgs, TensorSpec } from "../../core/kernel.ts";
import { GpuliteError, OpError, UnsupportedError } from "../../core/errors.ts";
import { intOption } from "./options.ts";

/**
 * The model's subgraphs as a node's parse sees them, or an `UnsupportedError` when the node is
 * bound outside a model.
 *
 * @example
 * ```ts
 * import { subgraphsOf } from "./subgraph.ts";
 * let threw = false;
 * try { subgraphsOf("WHILE", { options: {}, inputs: [] }); } catch { threw = true; }
 * if (!threw) throw new Error("wrong");
 * ```
 *
 * @param op Op name, for errors.
 * @param args The parse arguments.
 * @returns The binder.
 */
export function subgraphsOf(op: string, args: ParseArgs): SubgraphBinder {
  if (!args.subgraphs) {
    throw new UnsupportedError(`${op} runs other subgraphs of its model, and none were given`);
  }
  return args.subgraphs;
}

/**
 * Binds the subgraph an option names, for inputs of the given specs.
 *
 * @example
 * ```ts ignore
 * const body = bindCalled("WHILE", { binder, options, field: "bodySubgraphIndex", inputs });
 * ```
 *
 * @param op Op name, for errors.
 * @param args The binder, the node's options, the option naming the subgraph, the input specs.
 * @returns The subgraph's index and its bound graph.
 */
export function bindCalled(
  op: string,
  args: {
    binder: SubgraphBinder;
    options: ParseArgs["options"];
    field: string;
    inputs: readonly TensorSpec[];
  },
): { index: number; graph: ExecGraph } {
  const index = intOption(op, args.options, args.field, -1);
  if (index < 1 || index >= args.binder.count) {
    throw new OpError(
      `${op}: option ${args.field} is ${index}, not a subgraph of the model (1..${
        args.binder.count - 1
      })`,
    );
  }
  try {
    return { index, graph: args.binder.bind(index, args.inputs) };
  } catch (e) {
    if (!(e instanceof GpuliteError)) throw e;
    const C = e.constructor as new (m: string, o?: ErrorOptions) => Error;
    const name = args.binder.name(index);
    throw new C(`in subgraph ${index}${name ? ` "${name}"` : ""}: ${e.message}`, { cause: e });
  }
}

/**
 * Output specs of a bound graph.
 *
 * @example
 * ```ts
 * import { outputSpecs } from "./subgraph.ts";
 * const g = { tensors: [{ name: "y", dtype: "int32" as const, shape: [2] }], nodes: [], inputs: [], outputs: [0] };
 * if (outputSpecs(g)[0].shape.join() !== "2") throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns One spec per output.
 */
export function outputSpecs(graph: ExecGraph): TensorSpec[] {
  return graph.outputs.map((t) => {
    const e = graph.tensors[t];
    const spec: TensorSpec = { dtype: e.dtype, shape: [...e.shape] };
    if (e.quantization) spec.quantization = e.quantization;
    return spec;
  });
}

/**
 * Whether a host tensor's first element is true (non-zero): a condition's value.
 *
 * @example
 * ```ts
 * import { truthy } from "./subgraph.ts";
 * if (!truthy({ dtype: "bool", shape: [], data: new Uint8Array([1]) })) throw new Error("wrong");
 * ```
 *
 * @param t The condition.
 * @returns Its truth.
 */
export function truthy(t: HostTensor): boolean {
  if (t.data.length === 0) throw new OpError("A condition tensor holds no element");
  return Number(t.data[0]) !== 0;
}
