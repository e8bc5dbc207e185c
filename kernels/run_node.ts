/**
 * Running one node on the host: the kernel's reference (float, or the 8-bit integer reference for
 * nodes bound in 8-bit mode), then the node's fused epilogue. Shared by the reference backend and by
 * the GPU and CPU backends' fallbacks, so an epilogue means the same everywhere.
 *
 * @module
 */
import type { EpilogueStep, ExecGraph, ExecNode } from "../core/exec_graph.ts";
import type { HostTensor } from "../core/kernel.ts";
import { numElements } from "../core/ir.ts";
import { OpError } from "../core/errors.ts";
import { broadcastIndex } from "./_shared/tensor.ts";

/**
 * Applies fused epilogue steps in place to the values of a node's output 0.
 *
 * @example
 * ```ts
 * import { applyEpilogue } from "./run_node.ts";
 * const data = new Float32Array([-1, 2]);
 * const relu = { op: "RELU", wgsl: "max(v, vec4(0.0))", extra: [], apply: (v: number) => Math.max(v, 0) };
 * applyEpilogue(data, [2], [relu], () => { throw new Error("no operands"); });
 * if (data[0] !== 0 || data[1] !== 2) throw new Error("wrong");
 * ```
 *
 * @param data The output's values (row-major), updated in place.
 * @param shape The output's shape.
 * @param steps The node's epilogue.
 * @param value Values of the steps' extra operands.
 */
export function applyEpilogue(
  data: Float32Array,
  shape: readonly number[],
  steps: readonly EpilogueStep[],
  value: (t: number) => HostTensor,
): void {
  const n = Math.min(data.length, numElements(shape));
  const c = shape.at(-1) ?? 1;
  for (const st of steps) {
    const extras = st.extra.map((e) => ({ v: value(e.tensor), mode: e.mode }));
    const ex: number[] = new Array(extras.length);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < extras.length; k++) {
        const e = extras[k];
        ex[k] = Number(e.v.data[e.mode === "same" ? i : broadcastIndex(i % c, [c], e.v.shape)]);
      }
      data[i] = st.apply(data[i], ex);
    }
  }
}

/**
 * Runs one node on its reference kernel and applies its epilogue.
 *
 * @example
 * ```ts ignore
 * const outs = runNodeOnHost(graph, graph.nodes[0], (t) => values.get(t)!);
 * ```
 *
 * @param graph The exec graph.
 * @param node The node.
 * @param value Values of the node's inputs and epilogue operands.
 * @param state State of stateful ops (default: one per graph object, kept across runs).
 * @returns The node's outputs.
 */
export function runNodeOnHost(
  graph: ExecGraph,
  node: ExecNode,
  value: (t: number) => HostTensor,
  state: Map<string, unknown> = stateOf(graph),
): HostTensor[] {
  // Values fed by the caller carry no quantization: the graph's tensor has it.
  const inputs = node.inputs.map((t) => {
    if (t < 0) return undefined;
    const v = value(t);
    const q = graph.tensors[t].quantization;
    return v.quantization || !q?.scale.length ? v : { ...v, quantization: q };
  });
  const outputs = node.outputs.map((t) => graph.tensors[t]);
  const quant = node.quant ? node.kernel.quant : undefined;
  const result = (quant ?? node.kernel).reference({
    inputs,
    options: node.options,
    outputs,
    state,
  });
  if (node.epilogue.length > 0) {
    applyEpilogue(result[0].data as Float32Array, result[0].shape, node.epilogue, value);
  }
  return result;
}

/**
 * Runs a whole exec graph on the host, node by node on the reference kernels: how control-flow ops
 * (WHILE, IF, CALL_ONCE) run the subgraphs they call.
 *
 * @example
 * ```ts
 * import { runGraphOnHost } from "./run_node.ts";
 * const x = { dtype: "float32" as const, shape: [1], data: new Float32Array([3]) };
 * const graph = { tensors: [{ name: "x", dtype: "float32" as const, shape: [1] }], nodes: [], inputs: [0], outputs: [0] };
 * if (runGraphOnHost(graph, [x])[0] !== x) throw new Error("wrong");
 * ```
 *
 * @param graph The exec graph.
 * @param inputs One value per graph input.
 * @param state State of stateful ops, shared with the caller (a control-flow node's executor).
 * @returns The graph's outputs.
 */
export function runGraphOnHost(
  graph: ExecGraph,
  inputs: readonly HostTensor[],
  state: Map<string, unknown> = stateOf(graph),
): HostTensor[] {
  const values = new Map<number, HostTensor>();
  graph.inputs.forEach((t, i) => values.set(t, inputs[i]));
  const value = (t: number): HostTensor => {
    const v = values.get(t) ?? graph.tensors[t].value;
    if (!v) throw new OpError(`Tensor ${t} "${graph.tensors[t].name}" was never computed`);
    return v;
  };
  for (const node of graph.nodes) {
    const outs = runNodeOnHost(graph, node, value, state);
    node.outputs.forEach((t, i) => values.set(t, outs[i]));
  }
  return graph.outputs.map(value);
}

const STATES = new WeakMap<ExecGraph, Map<string, unknown>>();

/**
 * The state of stateful ops of executors that keep none of their own: one per graph object, kept
 * from run to run (a session's graph is its own).
 *
 * @example
 * ```ts
 * import { stateOf } from "./run_node.ts";
 * const g = { tensors: [], nodes: [], inputs: [], outputs: [] };
 * if (stateOf(g) !== stateOf(g)) throw new Error("wrong");
 * ```
 *
 * @param graph The graph.
 * @returns Its state.
 */
export function stateOf(graph: ExecGraph): Map<string, unknown> {
  let s = STATES.get(graph);
  if (!s) STATES.set(graph, s = new Map());
  return s;
}
