/**
 * The executable form of a graph: every node bound to its kernel with parsed options, every tensor
 * with its inferred shape and, for constants, its host value. Built once per model; shared by the
 * GPU, CPU and reference executors.
 *
 * @module
 */
import type { Graph, NodeOptions, Sparsity } from "./ir.ts";
import { DTYPE_BYTES, numElements, opName } from "./ir.ts";
import { ModelFormatError, OpError, UnsupportedError, UsageError } from "./errors.ts";
import type { AnyKernelDef, HostTensor, OpInput, TensorSpec } from "./kernel.ts";
import { validateGraph } from "./validate.ts";
import { foldOnHost, foldsAtBinding } from "./shape_fold.ts";
import { checkInputValue, valueNeededFrom } from "./value_inputs.ts";
import { densifySparseConstants } from "./sparse_constants.ts";
import { dequantizeBlockwise } from "./blockwise.ts";
import { decodeConstant } from "./constants.ts";

export { decodeConstant };

/** One fused elementwise step appended to a node's output (see `engine/passes/`). */
export interface EpilogueStep {
  /** The op the step came from (`"ADD"`, `"MUL"`, `"RELU"`...), for reports. */
  op: string;
  /** WGSL expression of the new value; `v` is the current `vec4<f32>` value, `e0`.. the extra operands. */
  wgsl: string;
  /** Extra tensors the step reads, broadcast-free (same shape as the output) or per-channel. */
  extra: { tensor: number; mode: "same" | "channel" }[];
  /** Host version of the step for CPU executors: new value from the value and the extras. */
  apply(v: number, extras: number[]): number;
}

/** A node ready to execute. */
export interface ExecNode {
  /** Index of the node in the source graph (or of the first node of a fused group). */
  index: number;
  /** Op name (builtin name or custom code). */
  op: string;
  /** The kernel. */
  kernel: AnyKernelDef;
  /** Parsed options. */
  options: unknown;
  /** Input tensor indices (`-1` for omitted optional inputs). */
  inputs: number[];
  /** Output tensor indices. */
  outputs: number[];
  /** Fused elementwise steps applied to output 0, in order. */
  epilogue: EpilogueStep[];
  /** Source node indices folded into this one (for reports). */
  fused: number[];
  /** The node's options as decoded from the file, for passes that rewrite them. */
  raw: { options: NodeOptions; customOptions?: Uint8Array };
  /**
   * `true` when the node runs in 8-bit integer arithmetic (int8/uint8 activations and a kernel with
   * `quant` or `cpu.quant`): backends use the kernel's 8-bit halves for it.
   */
  quant?: boolean;
}

/** A tensor of an executable graph. */
export interface ExecTensor extends TensorSpec {
  /** Name from the model. */
  name: string;
  /** Host value of a constant. */
  value?: HostTensor;
  /**
   * Sparsity parameters of a constant stored compressed: its `value` then holds the stored values
   * (shape `[count]`) and a DENSIFY node expands them to `shape`.
   */
  sparsity?: Sparsity;
}

/** An executable graph. */
export interface ExecGraph {
  /** Tensors, indexed like the source graph (passes may append). */
  tensors: ExecTensor[];
  /** Nodes in execution order. */
  nodes: ExecNode[];
  /** Graph input tensor indices. */
  inputs: number[];
  /** Graph output tensor indices. */
  outputs: number[];
  /** The model's other subgraphs, for control-flow nodes (absent for a lone graph). */
  subgraphs?: SubgraphBinder;
  /** Shape computations evaluated at binding (`OP#index`), whose outputs became constants. */
  hostFolded?: string[];
}

/** A model's subgraphs, bound on demand for the input specs a control-flow node gives them. */
export interface SubgraphBinder {
  /** Number of subgraphs in the model. */
  readonly count: number;
  /** The name of subgraph `index` (may be empty). */
  name(index: number): string;
  /**
   * Binds subgraph `index` with inputs of the given specs (memoised per shapes); throws a
   * `ModelFormatError` for an index out of range.
   */
  bind(index: number, inputs: readonly TensorSpec[]): ExecGraph;
}

/** Options of {@linkcode buildExecGraph}. */
export interface BuildOptions {
  /**
   * Shapes of the graph's inputs, in input order (`undefined`: the file's shape); they replace
   * the file's `-1` dimensions and must agree with its static ones.
   */
  inputShapes?: readonly (readonly number[] | undefined)[];
  /** Values of graph inputs that decide shapes, seen as constants while binding (`value_inputs.ts`). */
  inputValues?: readonly (HostTensor | undefined)[];
  /** The model's subgraphs, handed to control-flow kernels. */
  subgraphs?: SubgraphBinder;
}

/** Looks a kernel up by op name. */
export type KernelLookup = (name: string) => AnyKernelDef | undefined;

/**
 * Binds every node of a graph to its kernel, parses options and infers shapes in order. Shapes come
 * from inference (the file's shapes are checked against them when static).
 *
 * @example
 * ```ts ignore
 * import { buildExecGraph } from "./exec_graph.ts";
 * import { kernelFor } from "../kernels/registry.ts";
 * const exec = buildExecGraph(model.subgraphs[0], kernelFor);
 * ```
 *
 * @param graph The source graph.
 * @param lookup Kernel lookup (usually `kernelFor` from `kernels/registry.ts`).
 * @returns The executable graph.
 */
export function buildExecGraph(
  graph: Graph,
  lookup: KernelLookup,
  options: BuildOptions = {},
): ExecGraph {
  validateGraph(graph);
  // String models are read and described, never run: one clear refusal before any op sees them.
  const str = graph.tensors.findIndex((t) => t.dtype === "string");
  if (str >= 0) {
    throw new UnsupportedError(
      `Tensor ${str} "${
        graph.tensors[str].name
      }" holds strings: gpulite reads and inspects string models but does not run them`,
    );
  }
  const tensors: ExecTensor[] = graph.tensors.map((t) => {
    const e: ExecTensor = { name: t.name, dtype: t.dtype, shape: [...t.shape] };
    if (t.quantization) e.quantization = t.quantization;
    if (t.sparsity) e.sparsity = t.sparsity;
    if (t.quantization?.blockwise && t.data && t.data.byteLength > 0) {
      // Blockwise weights bind as the float32 values they stand for.
      e.value = dequantizeBlockwise(t, graph.tensors);
      e.dtype = "float32";
      delete e.quantization;
    } else if (t.data && t.data.byteLength > 0) e.value = decodeConstant(t);
    return e;
  });
  densifySparseConstants(graph, { tensors, lookup });
  // A zero-element tensor that no node produces and that is not an input is an empty constant.
  const produced = new Set(graph.nodes.flatMap((n) => n.outputs));
  tensors.forEach((e, i) => {
    if (
      !e.value && !produced.has(i) && !graph.inputs.includes(i) && e.shape.length > 0 &&
      numElements(e.shape) === 0
    ) {
      e.value = decodeConstant({ ...graph.tensors[i], data: new Uint8Array(0) });
    }
  });
  // A variable tensor without data that no node produces (LSTM and SVDF state) starts at zero in
  // every run (an int8 one at its zero point, as TFLite resets it): state is not carried from one
  // run to the next.
  tensors.forEach((e, i) => {
    const bytes = DTYPE_BYTES[e.dtype];
    if (
      !e.value && graph.tensors[i].isVariable && !produced.has(i) && !graph.inputs.includes(i) &&
      bytes !== undefined && e.shape.every((d) => d >= 0)
    ) {
      const data = new Uint8Array(numElements(e.shape) * bytes);
      if (e.dtype === "int8") data.fill((e.quantization?.zeroPoint[0] ?? 0) & 255);
      e.value = decodeConstant({ ...graph.tensors[i], data });
    }
  });
  const available = new Set<number>(graph.inputs);
  tensors.forEach((t, i) => {
    if (t.value || graph.tensors[i].isVariable) available.add(i);
  });
  graph.nodes.forEach((node, index) => {
    for (const t of node.inputs) {
      if (t >= 0 && !available.has(t)) {
        throw new ModelFormatError(
          `Node ${index} (${opName(node)}) reads tensor ${t} "${
            tensors[t]?.name
          }", which no earlier node produces and which is neither an input nor a constant`,
        );
      }
    }
    for (const t of node.outputs) available.add(t);
  });
  graph.inputs.forEach((i, k) => {
    const declared = { ...tensors[i], unranked: graph.tensors[i].unranked };
    tensors[i].shape = resolveInputShape(declared, k, options.inputShapes?.[k]);
    const value = options.inputValues?.[k];
    if (value) {
      checkInputValue(value, { ...tensors[i], position: k });
      tensors[i].value = value;
    }
  });
  const nodes: ExecNode[] = [];
  const hostFolded: string[] = [];
  const read = new Set(graph.nodes.flatMap((n) => n.inputs));
  graph.nodes.forEach((node, index) => {
    let bound: ExecNode, outputs: TensorSpec[];
    try {
      ({ node: bound, outputs } = bindNode(tensors, {
        index,
        op: opName(node),
        kernel: lookup(opName(node)),
        inputs: node.inputs,
        outputs: node.outputs,
        options: node.options,
        customOptions: node.customOptions,
        subgraphs: options.subgraphs,
        ...(node.intermediates ? { intermediates: node.intermediates } : {}),
      }));
    } catch (e) {
      throw valueNeededFrom(e, { graph, node: index }) ?? e;
    }
    node.outputs.forEach((ti, k) => {
      const t = tensors[ti];
      const s = outputs[k];
      // Inference is authoritative: files often record [] or -1 for shapes they leave dynamic.
      t.shape = [...s.shape];
      t.dtype = s.dtype;
      if (s.quantization) t.quantization = s.quantization;
    });
    // Values only graph outputs take (a one-op SHAPE model) are computed at run time as usual.
    const feedsNodes = node.outputs.some((t) => read.has(t));
    if (feedsNodes && foldsAtBinding(bound, tensors)) {
      const values = foldOnHost(bound, tensors);
      node.outputs.forEach((ti, k) => tensors[ti].value = values[k]);
      hostFolded.push(`${bound.op}#${index}`);
    } else {
      nodes.push(bound);
    }
  });
  // Values given for inputs served binding; runs feed the inputs like any other.
  for (const i of graph.inputs) if (!graph.tensors[i].data) delete tensors[i].value;
  const exec: ExecGraph = {
    tensors,
    nodes,
    inputs: [...graph.inputs],
    outputs: [...graph.outputs],
  };
  if (options.subgraphs) exec.subgraphs = options.subgraphs;
  if (hostFolded.length > 0) exec.hostFolded = hostFolded;
  return exec;
}

/**
 * The shape an input runs with: the given one (checked against the file's rank and static
 * dimensions, any shape for an input of open rank), else the file's, which must then be static.
 *
 * @example
 * ```ts
 * import { resolveInputShape } from "./exec_graph.ts";
 * const t = { name: "x", dtype: "float32" as const, shape: [-1, 32, 32, 3] };
 * if (resolveInputShape(t, 0, [2, 32, 32, 3]).join() !== "2,32,32,3") throw new Error("wrong");
 * ```
 *
 * @param t The input tensor as the file declares it.
 * @param k Its position among the graph's inputs (for errors).
 * @param given The shape asked for, if any.
 * @returns The static shape.
 */
export function resolveInputShape(
  t: TensorSpec & { name: string; unranked?: boolean },
  k: number,
  given: readonly number[] | undefined,
): number[] {
  const where = `Input ${k} "${t.name}"`;
  if (given === undefined) {
    if (t.shape.some((d) => d < 0)) {
      throw new UsageError(
        `${where} has dynamic dimensions [${t.shape}]; give its shape (inputShapes, or --input-shape ${
          t.name || k
        }=${t.shape.map((d) => d < 0 ? "N" : d).join("x")})`,
      );
    }
    return [...t.shape];
  }
  // An input of open rank takes any shape; others keep their rank and static dimensions.
  const fits = (t.unranked || given.length === t.shape.length) &&
    given.every((d, i) =>
      Number.isInteger(d) && d >= 0 && (t.unranked || t.shape[i] < 0 || t.shape[i] === d)
    );
  if (!fits) {
    throw new UsageError(`${where} has shape [${t.shape}]; the shape [${given}] does not fit it`);
  }
  return [...given];
}

/** What {@linkcode bindNode} binds: one node, by op, tensor indices and raw options. */
export interface BindArgs {
  /** Position of the node (recorded as `index`, named in errors). */
  index: number;
  /** Op name. */
  op: string;
  /** The op's kernel (`undefined`: the op is not implemented). */
  kernel: AnyKernelDef | undefined;
  /** Input tensor indices (`-1` for omitted optional inputs). */
  inputs: readonly number[];
  /** Output tensor indices, when the tensors exist (their specs are the declared outputs). */
  outputs?: readonly number[];
  /** Declared output specs when there are no output tensors yet (conformance cases). */
  declared?: TensorSpec[];
  /** Raw options as the file decodes them. */
  options: NodeOptions;
  /** Raw custom options. */
  customOptions?: Uint8Array;
  /** The model's subgraphs, for control-flow kernels. */
  subgraphs?: SubgraphBinder;
  /** Intermediate tensor indices (the operator's `intermediates`), when the file lists any. */
  intermediates?: readonly number[];
}

/** A bound node and the specs of its outputs. */
export interface BoundNode {
  /** The exec node (`outputs` as given, or empty). */
  node: ExecNode;
  /** Output specs, one per output of the op. */
  outputs: TensorSpec[];
}

function is8bitActivation(t: OpInput | undefined): boolean {
  return Boolean(t && !t.value && (t.dtype === "int8" || t.dtype === "uint8"));
}

/** An int16 activation of TFLite's 16x8 scheme (quantized, not a constant). */
function isInt16Activation(t: OpInput | undefined): boolean {
  return Boolean(t && !t.value && t.dtype === "int16" && t.quantization?.scale.length);
}

/** The inputs as float inference sees them: quantized tensors as float32 of the same shape. */
function asFloat(inputs: (OpInput | undefined)[]): (OpInput | undefined)[] {
  return inputs.map((t) => {
    if (!t || (!t.quantization && t.dtype !== "int8" && t.dtype !== "uint8")) return t;
    return { dtype: "float32", shape: t.shape, value: t.value };
  });
}

/** Output specs of a node bound in 8-bit mode. */
function quantSpecs(
  kernel: AnyKernelDef,
  args: { inputs: (OpInput | undefined)[]; options: unknown; declared?: TensorSpec[] },
): TensorSpec[] {
  const { inputs, options, declared } = args;
  if (kernel.quant?.infer) return kernel.quant.infer({ inputs, options, outputs: declared });
  let shapes: number[][];
  try {
    shapes = kernel.infer({ inputs: asFloat(inputs), options, outputs: declared })
      .map((s) => s.shape);
  } catch (e) {
    if (!declared || declared.some((d) => d.shape.some((x) => x < 0))) throw e;
    shapes = declared.map((d) => d.shape);
  }
  const first = inputs.find(is8bitActivation) ?? inputs.find(isInt16Activation)!;
  return shapes.map((shape, k) => {
    const d = declared?.[k] ?? first;
    const spec: TensorSpec = { dtype: d.dtype, shape: [...shape] };
    if (d.quantization) spec.quantization = d.quantization;
    return spec;
  });
}

/**
 * Binds one node to its kernel: parses its options with the kernel's `parse`, infers its outputs
 * and records whether it runs in 8-bit mode. A node whose activation (non-constant) inputs are
 * int8/uint8 binds in 8-bit mode when its kernel has `quant` or `cpu.quant`: its outputs come from
 * `quant.infer` when present, else from the declared outputs' dtype and quantization with the shape
 * float inference gives. Every place that makes exec nodes (the exec graph, the conformance
 * harness, graph rewrites) binds through here.
 *
 * @example
 * ```ts
 * import { bindNode } from "./exec_graph.ts";
 * import type { AnyKernelDef } from "./kernel.ts";
 * const copy: AnyKernelDef = {
 *   name: "COPY", parse: () => ({}), reference: () => [], cases: () => [],
 *   infer: ({ inputs }) => [{ dtype: inputs[0]!.dtype, shape: inputs[0]!.shape }],
 * };
 * const tensors = [{ name: "x", dtype: "float32" as const, shape: [1, 4] }];
 * const { node, outputs } = bindNode(tensors, { index: 0, op: "COPY", kernel: copy, inputs: [0], options: {} });
 * if (node.quant || outputs[0].shape.join() !== "1,4") throw new Error("wrong");
 * ```
 *
 * @param tensors The graph's tensors (specs, and values of constants).
 * @param args The node.
 * @returns The exec node and its output specs.
 */
export function bindNode(tensors: readonly ExecTensor[], args: BindArgs): BoundNode {
  const { op, kernel, index } = args;
  const where = `Node ${index} (${op})`;
  if (!kernel) throw new UnsupportedError(`${where}: op ${op} is not implemented`);
  const inputs: (OpInput | undefined)[] = args.inputs.map((ti) => {
    if (ti < 0) return undefined;
    const t = tensors[ti];
    const input = { dtype: t.dtype, shape: t.shape, quantization: t.quantization, value: t.value };
    // DENSIFY reads the sparsity of its constant (`SparseOpInput`).
    return t.sparsity ? { ...input, sparsity: t.sparsity } : input;
  });
  const declared = args.declared ?? args.outputs?.map((ti) => ({
    dtype: tensors[ti].dtype,
    shape: tensors[ti].shape,
    quantization: tensors[ti].quantization,
  }));
  const eightBit = inputs.find(is8bitActivation) ??
    (kernel.quant?.int16 ? inputs.find(isInt16Activation) : undefined);
  const quant = Boolean(eightBit && (kernel.quant || kernel.cpu?.quant));
  let options: unknown;
  let specs: TensorSpec[];
  try {
    options = kernel.parse({
      options: args.options,
      customOptions: args.customOptions,
      inputs,
      subgraphs: args.subgraphs,
      ...(args.intermediates
        ? {
          intermediates: args.intermediates.map((ti) => ({
            dtype: tensors[ti].dtype,
            shape: tensors[ti].shape,
            quantization: tensors[ti].quantization,
          })),
        }
        : {}),
    });
    specs = quant
      ? quantSpecs(kernel, { inputs, options, declared })
      : kernel.infer({ inputs, options, outputs: declared });
  } catch (e) {
    if (eightBit && !quant && e instanceof OpError) {
      throw new UnsupportedError(
        `${where}: ${eightBit.dtype} inputs are not supported (no 8-bit kernel): ${e.message}`,
        { cause: e },
      );
    }
    if (e instanceof OpError || e instanceof UnsupportedError) {
      const C = e.constructor as new (m: string, o?: ErrorOptions) => Error;
      throw new C(`${where}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  if (args.outputs && specs.length !== args.outputs.length) {
    throw new ModelFormatError(
      `${where}: has ${args.outputs.length} outputs, the op produces ${specs.length}`,
    );
  }
  if (quant) {
    // Integer arithmetic needs every quantized operand's scale: a file without one is malformed.
    const named = [
      ...args.inputs.map((t, i) => [`input ${i}`, t, inputs[i]] as const),
      ...specs.map((s, i) => [`output ${i}`, args.outputs?.[i] ?? -1, s] as const),
    ];
    for (const [what, t, spec] of named) {
      if (!spec || !["int8", "uint8", "int16"].includes(spec.dtype)) continue;
      const scale = spec.quantization?.scale ?? [];
      if (scale.length === 0 || !scale.every((x) => Number.isFinite(x) && x > 0)) {
        throw new ModelFormatError(
          `${where}: ${what} (tensor ${t}) is ${spec.dtype} without a valid quantization scale`,
        );
      }
    }
  }
  const node: ExecNode = {
    index,
    op,
    kernel,
    options,
    inputs: [...args.inputs],
    outputs: [...(args.outputs ?? [])],
    epilogue: [],
    fused: [index],
    raw: { options: args.options, customOptions: args.customOptions },
  };
  if (quant) node.quant = true;
  return { node, outputs: specs };
}
