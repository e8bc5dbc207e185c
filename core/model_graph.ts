/**
 * Binding a whole model: its entry subgraph for the input shapes asked for, with the other
 * subgraphs bound on demand (memoised per input shapes) for the control-flow nodes that run them.
 *
 * @module
 */
import type { Model } from "./ir.ts";
import type { TensorSpec } from "./kernel.ts";
import { ModelFormatError, UsageError } from "./errors.ts";
import {
  buildExecGraph,
  type BuildOptions,
  type ExecGraph,
  type KernelLookup,
  type SubgraphBinder,
} from "./exec_graph.ts";

/** Options of {@linkcode buildModelGraph}. */
export interface ModelGraphOptions {
  /** Shapes of the entry subgraph's inputs, in input order (`undefined`: the file's). */
  inputShapes?: BuildOptions["inputShapes"];
  /** Values of the entry subgraph's inputs that decide shapes, in input order. */
  inputValues?: BuildOptions["inputValues"];
  /** The subgraph to bind (default 0, the main graph). */
  subgraph?: number;
}

/**
 * A binder of a model's subgraphs: `bind(i, specs)` binds subgraph `i` for inputs of those specs,
 * once per distinct shape set.
 *
 * @example
 * ```ts
 * import { subgraphBinder } from "./model_graph.ts";
 * const model = { version: 3, description: "", signatures: [], metadata: [], subgraphs: [] };
 * const binder = subgraphBinder(model, () => undefined);
 * if (binder.count !== 0) throw new Error("wrong");
 * ```
 *
 * @param model The model.
 * @param lookup Kernel lookup.
 * @returns The binder.
 */
export function subgraphBinder(model: Model, lookup: KernelLookup): SubgraphBinder {
  const cache = new Map<string, ExecGraph>();
  const binding = new Set<number>();
  const binder: SubgraphBinder = {
    count: model.subgraphs.length,
    name: (index) => model.subgraphs[index]?.name ?? "",
    bind(index: number, inputs: readonly TensorSpec[]): ExecGraph {
      const graph = model.subgraphs[index];
      if (!Number.isInteger(index) || !graph) {
        throw new ModelFormatError(
          `Subgraph ${index} does not exist (the model has ${model.subgraphs.length})`,
        );
      }
      if (inputs.length !== graph.inputs.length) {
        throw new ModelFormatError(
          `Subgraph ${index} "${graph.name}" takes ${graph.inputs.length} inputs, given ${inputs.length}`,
        );
      }
      const key = `${index}:${inputs.map((s) => s.shape.join("x")).join(",")}`;
      let exec = cache.get(key);
      if (!exec) {
        if (binding.has(index)) {
          throw new ModelFormatError(`Subgraph ${index} "${graph.name}" calls itself`);
        }
        binding.add(index);
        try {
          exec = buildExecGraph(graph, lookup, {
            inputShapes: inputs.map((s) => s.shape),
            subgraphs: binder,
          });
        } finally {
          binding.delete(index);
        }
        cache.set(key, exec);
      }
      return exec;
    },
  };
  return binder;
}

/**
 * Binds a model's entry subgraph (see `buildExecGraph`) with the model's other subgraphs available
 * to control-flow nodes.
 *
 * @example
 * ```ts ignore
 * import { buildModelGraph } from "./model_graph.ts";
 * import { kernelFor } from "../kernels/registry.ts";
 * const exec = buildModelGraph(model, kernelFor, { inputShapes: [[1, 64, 64, 3]] });
 * ```
 *
 * @param model The model.
 * @param lookup Kernel lookup (usually `kernelFor` of `kernels/registry.ts`).
 * @param options Input shapes, and which subgraph to bind.
 * @returns The executable graph.
 */
export function buildModelGraph(
  model: Model,
  lookup: KernelLookup,
  options: ModelGraphOptions = {},
): ExecGraph {
  const index = options.subgraph ?? 0;
  const graph = model.subgraphs[index];
  if (!graph) {
    throw new ModelFormatError(
      `Subgraph ${index} does not exist (the model has ${model.subgraphs.length})`,
    );
  }
  const subgraphs = model.subgraphs.length > 1 ? subgraphBinder(model, lookup) : undefined;
  return buildExecGraph(graph, lookup, {
    inputShapes: options.inputShapes,
    inputValues: options.inputValues,
    subgraphs,
  });
}

/** The subgraph a model runs and the signature names of its inputs and outputs. */
export interface ModelEntry {
  /** Index of the subgraph. */
  subgraph: number;
  /** Signature name of each input of the subgraph (`undefined`: none). */
  inputNames: (string | undefined)[];
  /** Signature name of each output of the subgraph (`undefined`: none). */
  outputNames: (string | undefined)[];
}

/**
 * The entry of a model: the named signature's subgraph, else the main graph (named by a signature
 * of subgraph 0 when there is one).
 *
 * @example
 * ```ts
 * import { modelEntry } from "./model_graph.ts";
 * const graph = { name: "", tensors: [{ name: "x:0", dtype: "float32" as const, shape: [1] }], nodes: [], inputs: [0], outputs: [0] };
 * const model = {
 *   version: 3, description: "", metadata: [], subgraphs: [graph],
 *   signatures: [{ key: "serving", subgraph: 0, inputs: [{ name: "x", tensor: 0 }], outputs: [{ name: "y", tensor: 0 }] }],
 * };
 * const entry = modelEntry(model, undefined);
 * if (entry.inputNames[0] !== "x" || entry.outputNames[0] !== "y") throw new Error("wrong");
 * ```
 *
 * @param model The model.
 * @param signature A signature key, or `undefined` for the main graph.
 * @returns The subgraph and names.
 * @throws {UsageError} For an unknown signature.
 */
export function modelEntry(model: Model, signature: string | undefined): ModelEntry {
  const sig = signature === undefined
    ? model.signatures.find((s) => s.subgraph === 0)
    : model.signatures.find((s) => s.key === signature);
  if (signature !== undefined && !sig) {
    throw new UsageError(
      `The model has no signature ${JSON.stringify(signature)}; it has ${
        model.signatures.map((s) => JSON.stringify(s.key)).join(", ") || "none"
      }`,
    );
  }
  const subgraph = sig?.subgraph ?? 0;
  const graph = model.subgraphs[subgraph];
  if (!graph) throw new UsageError("The model has no subgraph to run");
  const name = (list: { name: string; tensor: number }[] | undefined, t: number) =>
    list?.find((x) => x.tensor === t)?.name;
  return {
    subgraph,
    inputNames: graph.inputs.map((t) => name(sig?.inputs, t)),
    outputNames: graph.outputs.map((t) => name(sig?.outputs, t)),
  };
}
