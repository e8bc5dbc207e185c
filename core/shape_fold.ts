/**
 * Shape computations evaluated while a graph is bound. Converters compute shapes inside the graph
 * (SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE; the paddings of SPACE_TO_BATCH_ND for dilated
 * convolutions); once the input shapes are known these nodes have known outputs, and the nodes that
 * read them (a RESHAPE's shape, a SPACE_TO_BATCH_ND's paddings) need those values as constants when
 * they are bound. A node folds on the host when its outputs are small integer or bool tensors and
 * its inputs are constants, or its kernel's outputs depend only on the input shapes (`shapeOnly`).
 *
 * @module
 */
import { numElements } from "./ir.ts";
import type { HostTensor, TensorSpec } from "./kernel.ts";
import type { ExecNode, ExecTensor } from "./exec_graph.ts";
import { GpuliteError, OpError } from "./errors.ts";

/** Dtypes of the values a shape computation produces. */
const SHAPE_DTYPES: ReadonlySet<string> = new Set(["int32", "int64", "bool"]);

/** The largest output, in elements, evaluated at binding (shape vectors are tiny). */
export const MAX_FOLDED_ELEMENTS = 4096;

function isStatic(shape: readonly number[]): boolean {
  return shape.every((d) => d >= 0);
}

/**
 * Whether a bound node is a shape computation to evaluate at binding.
 *
 * @example
 * ```ts
 * import { foldsAtBinding } from "./shape_fold.ts";
 * const kernel = {
 *   name: "SHAPE", parse: () => ({}), infer: () => [], reference: () => [], cases: () => [],
 *   traits: { shapeOnly: true },
 * };
 * const node = { index: 0, op: "SHAPE", kernel, options: {}, inputs: [0], outputs: [1], epilogue: [], fused: [0], raw: { options: {} } };
 * const tensors = [
 *   { name: "x", dtype: "float32" as const, shape: [1, 8, 8, 3] },
 *   { name: "s", dtype: "int32" as const, shape: [4] },
 * ];
 * if (!foldsAtBinding(node, tensors)) throw new Error("wrong");
 * ```
 *
 * @param node The bound node (its outputs' specs already in `tensors`).
 * @param tensors The graph's tensors.
 * @returns `true` when the node's outputs can and should be computed now.
 */
export function foldsAtBinding(node: ExecNode, tensors: readonly ExecTensor[]): boolean {
  if (node.quant || node.outputs.length === 0) return false;
  const ins = node.inputs.filter((t) => t >= 0);
  const known = node.kernel.traits?.shapeOnly
    ? ins.every((t) => isStatic(tensors[t].shape))
    : ins.length > 0 && ins.every((t) => tensors[t].value !== undefined);
  if (!known) return false;
  return node.outputs.every((t) =>
    SHAPE_DTYPES.has(tensors[t].dtype) && isStatic(tensors[t].shape) &&
    numElements(tensors[t].shape) <= MAX_FOLDED_ELEMENTS
  );
}

/**
 * Evaluates a node on its kernel's reference with constant inputs (inputs of a `shapeOnly` kernel
 * without a value are passed as empty tensors of their shape).
 *
 * @example
 * ```ts
 * import { foldOnHost } from "./shape_fold.ts";
 * const kernel = {
 *   name: "SHAPE", parse: () => ({}), cases: () => [],
 *   infer: () => [{ dtype: "int32" as const, shape: [2] }],
 *   reference: ({ inputs }: { inputs: ({ shape: number[] } | undefined)[] }) =>
 *     [{ dtype: "int32" as const, shape: [2], data: Int32Array.from(inputs[0]!.shape) }],
 * };
 * const node = { index: 0, op: "SHAPE", kernel, options: {}, inputs: [0], outputs: [1], epilogue: [], fused: [0], raw: { options: {} } };
 * const tensors = [
 *   { name: "x", dtype: "float32" as const, shape: [3, 5] },
 *   { name: "s", dtype: "int32" as const, shape: [2] },
 * ];
 * const [s] = foldOnHost(node, tensors);
 * if (s.data.join() !== "3,5") throw new Error("wrong");
 * ```
 *
 * @param node The node.
 * @param tensors The graph's tensors.
 * @returns The node's outputs.
 * @throws {OpError} Naming the node when its reference fails (errors of gpulite keep their class).
 */
export function foldOnHost(node: ExecNode, tensors: readonly ExecTensor[]): HostTensor[] {
  const inputs = node.inputs.map((t): HostTensor | undefined => {
    if (t < 0) return undefined;
    const e = tensors[t];
    return e.value ?? { dtype: e.dtype, shape: [...e.shape], data: new Float32Array(0) };
  });
  const outputs: TensorSpec[] = node.outputs.map((t) => ({
    dtype: tensors[t].dtype,
    shape: [...tensors[t].shape],
  }));
  try {
    return node.kernel.reference({ inputs, options: node.options, outputs });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const where = `Node ${node.index} (${node.op}), evaluated at binding`;
    if (e instanceof GpuliteError) {
      const C = e.constructor as new (m: string, o?: ErrorOptions) => Error;
      throw new C(`${where}: ${message}`, { cause: e });
    }
    throw new OpError(`${where}: ${message}`, { cause: e });
  }
}
