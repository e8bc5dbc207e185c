/**
 * Graph inputs whose values decide shapes. Some ops read an input as a constant because its value
 * sets their output shape (TOPK_V2's `k`, TILE's multiples, a STRIDED_SLICE's bounds computed from
 * another input). When such a value comes from graph inputs, the graph can be bound only once those
 * inputs' values are known: binding takes them as `inputValues`, and a session binds one plan per
 * set of values, as it does per set of input shapes.
 *
 * @module
 */
import type { Graph } from "./ir.ts";
import type { HostTensor } from "./kernel.ts";
import { UsageError, ValueNeededError } from "./errors.ts";

/**
 * The positions of the graph inputs a tensor's value derives from, following producers back through
 * the graph (constants end a path).
 *
 * @example
 * ```ts
 * import { inputsFeeding } from "./value_inputs.ts";
 * const graph = {
 *   name: "", inputs: [0, 1], outputs: [3],
 *   tensors: ["x", "k", "k2", "y"].map((name) => ({ name, dtype: "int32" as const, shape: [] })),
 *   nodes: [{ op: "ABS", version: 1, inputs: [1], outputs: [2], options: {} }],
 * };
 * if (inputsFeeding(graph, 2).join() !== "1") throw new Error("wrong");
 * ```
 *
 * @param graph The source graph.
 * @param tensor The tensor whose value is needed.
 * @returns Graph input positions, ascending.
 */
export function inputsFeeding(graph: Graph, tensor: number): number[] {
  const producer = new Map<number, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((t) => producer.set(t, i)));
  const found = new Set<number>();
  const seen = new Set<number>();
  const stack = [tensor];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t < 0 || seen.has(t)) continue;
    seen.add(t);
    const k = graph.inputs.indexOf(t);
    if (k >= 0) found.add(k);
    const p = producer.get(t);
    if (p !== undefined) stack.push(...graph.nodes[p].inputs);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * When `error` (or an error it was raised from) says node `index` needs a value that derives from
 * graph inputs, a {@linkcode ValueNeededError} naming those inputs; `undefined` otherwise.
 *
 * @example
 * ```ts
 * import { valueNeededFrom } from "./value_inputs.ts";
 * import { ValueNeededError } from "./errors.ts";
 * const graph = {
 *   name: "", inputs: [0, 1], outputs: [2],
 *   tensors: [{ name: "x", dtype: "float32" as const, shape: [4] }, { name: "k", dtype: "int32" as const, shape: [] }, { name: "y", dtype: "float32" as const, shape: [-1] }],
 *   nodes: [{ op: "TOPK_V2", version: 1, inputs: [0, 1], outputs: [2], options: {} }],
 * };
 * const e = valueNeededFrom(new ValueNeededError("TOPK_V2: k", { operand: 1 }), { graph, node: 0 });
 * if (e?.inputs.join() !== "1") throw new Error("wrong");
 * ```
 *
 * @param error What binding the node threw.
 * @param at The source graph and the node's position.
 * @returns The error to raise instead, or `undefined`.
 */
export function valueNeededFrom(
  error: unknown,
  at: { graph: Graph; node: number },
): ValueNeededError | undefined {
  // The op's own error carries `operand`; one re-raised by the binding of a nested graph (a WHILE
  // body) carries that graph's `inputs`, which are not this graph's: those are left as they are.
  let e: unknown = error;
  while (
    e instanceof Error &&
    !(e instanceof ValueNeededError && (e.operand !== undefined || e.inputs.length > 0))
  ) {
    e = e.cause;
  }
  if (!(e instanceof ValueNeededError) || e.operand === undefined) return undefined;
  const tensor = at.graph.nodes[at.node].inputs[e.operand];
  const inputs = tensor === undefined ? [] : inputsFeeding(at.graph, tensor);
  if (inputs.length === 0) return undefined;
  const named = inputs.map((k) => `${k} "${at.graph.tensors[at.graph.inputs[k]].name}"`);
  const message = (error as Error).message;
  return new ValueNeededError(
    `${message}; that value comes from input ${named.join(", ")}: give ${
      inputs.length > 1 ? "their values" : "its value"
    } (inputValues)`,
    { cause: error, inputs },
  );
}

/**
 * Checks a value given for a graph input against the shape and dtype it binds with.
 *
 * @example
 * ```ts
 * import { checkInputValue } from "./value_inputs.ts";
 * const k = { dtype: "int32" as const, shape: [], data: new Int32Array([3]) };
 * checkInputValue(k, { name: "k", dtype: "int32", shape: [], position: 0 });
 * ```
 *
 * @param value The value.
 * @param input The input's name, dtype, bound shape and position.
 * @throws {UsageError} When the dtype, shape or element count differs.
 */
export function checkInputValue(
  value: HostTensor,
  input: { name: string; dtype: string; shape: readonly number[]; position: number },
): void {
  const where = `inputValues: input ${input.position} "${input.name}"`;
  if (value.dtype !== input.dtype) {
    throw new UsageError(`${where} has dtype ${input.dtype}, the value given is ${value.dtype}`);
  }
  const n = input.shape.reduce((a, b) => a * b, 1);
  if (value.shape.join() !== input.shape.join() || value.data.length !== n) {
    throw new UsageError(
      `${where} has shape [${input.shape}], the value given has shape [${value.shape}] and ${value.data.length} elements`,
    );
  }
}
