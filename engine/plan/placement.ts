/**
 * Placement: which node runs on the GPU and why the others do not. A node runs on the GPU when its
 * kernel has a GPU half, its tensors fit the GPU's storage (rank ≤ 4, a dtype the GPU holds, at
 * least one element, no more bytes than one storage buffer binds), the kernel plans programs for
 * the device's limits, and it is not forced onto the CPU; then short cheap GPU runs stranded
 * between CPU nodes move to the CPU (see `partition.ts`). Pure: kernels' `gpu.plan` only generates
 * WGSL text.
 *
 * @module
 */
import type { ExecGraph, ExecNode } from "../../core/exec_graph.ts";
import { numElements } from "../../core/ir.ts";
import type {
  GpuLimitsInfo,
  GpuPlanArgs,
  GpuProgram,
  GpuTensorInfo,
  Precision,
  TensorSpec,
} from "../../core/kernel.ts";
import { UnsupportedError } from "../../core/errors.ts";
import { toShape4 } from "../../kernels/_gpu/wgsl.ts";
import { phwc4Bytes, storageOf } from "../../kernels/_gpu/phwc4.ts";
import { refinePartition } from "./partition.ts";

/** Where a node runs and why. */
export interface NodePlacement {
  /** Node position in the exec graph. */
  node: number;
  /** Op name. */
  op: string;
  /** `gpu` or `cpu`. */
  backend: "gpu" | "cpu";
  /** Why the node is not on the GPU: a missing kernel, a limit, a dtype, or a user choice. */
  reason?: string;
  /** Number of dispatches on the GPU. */
  dispatches: number;
}

/** Options of {@linkcode placeNodes}. */
export interface PlaceOptions {
  /** Storage precision of floats (default `f32`). */
  precision?: Precision;
  /** Device limits (default {@linkcode DEFAULT_LIMITS}). */
  limits?: GpuLimitsInfo;
  /** Nodes forced onto the CPU. */
  cpuNodes?: Iterable<number>;
  /** Move short cheap GPU runs between CPU nodes to the CPU (default `true`). */
  refinePartition?: boolean;
  /** Kernel variants by op name (`GpuPlanArgs.variants`). */
  variants?: Readonly<Record<string, string>>;
  /** Measured kernel choices by tune key (`GpuPlanArgs.tuning`). */
  tuned?: Readonly<Record<string, unknown>>;
}

/** Placement of every node and, for GPU nodes, their programs. */
export interface Placement {
  /** One entry per node. */
  placement: NodePlacement[];
  /** The programs of each GPU node (`undefined` for CPU nodes). */
  programs: (GpuProgram[] | undefined)[];
}

/**
 * WebGPU's default limits: what a plan assumes when no device is at hand (`cli plan`).
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS } from "./placement.ts";
 * if (DEFAULT_LIMITS.maxInvocations !== 256) throw new Error("wrong");
 * ```
 */
export const DEFAULT_LIMITS: Readonly<GpuLimitsInfo> = {
  maxInvocations: 256,
  maxWorkgroupSize: [256, 256, 64],
  maxWorkgroupsPerDimension: 65535,
  maxStorageBufferBindingSize: 134217728,
  maxWorkgroupStorageSize: 16384,
};

/**
 * A tensor as GPU kernels see it: its spec and its PHWC4 geometry.
 *
 * @example
 * ```ts
 * import { gpuTensorInfo } from "./placement.ts";
 * const t = gpuTensorInfo({ dtype: "float32", shape: [1, 2, 2, 5] });
 * if (t.slices !== 2) throw new Error("wrong");
 * ```
 *
 * @param t The tensor.
 * @returns Shape padded to rank 4 and the number of 4-channel slices.
 */
export function gpuTensorInfo(t: TensorSpec): GpuTensorInfo {
  const shape4 = toShape4(t.shape);
  return { dtype: t.dtype, shape: t.shape, shape4, slices: Math.ceil(shape4[3] / 4) };
}

/**
 * Why a node's tensors cannot live on the GPU: the first one (input, output or epilogue operand)
 * whose PHWC4 storage passes the device's `maxStorageBufferBindingSize`, or `undefined`.
 *
 * @example
 * ```ts
 * import { oversizedTensor } from "./placement.ts";
 * const tensors = [{ name: "x", dtype: "float32" as const, shape: [1, 1024, 1024, 8] }];
 * const node = { inputs: [0], outputs: [], epilogue: [] };
 * const why = oversizedTensor(tensors, node, { precision: "f32", maxBytes: 2 ** 24 });
 * if (!why?.startsWith('tensor 0 "x" needs 33554432 bytes')) throw new Error(why);
 * ```
 *
 * @param tensors The graph's tensors.
 * @param node The node's tensors.
 * @param limit Storage precision and the largest binding in bytes.
 * @returns The reason, or `undefined` when every tensor fits.
 */
export function oversizedTensor(
  tensors: readonly (TensorSpec & { name: string })[],
  node: Pick<ExecNode, "inputs" | "outputs" | "epilogue">,
  limit: { precision: Precision; maxBytes: number },
): string | undefined {
  const touched = [
    ...node.inputs,
    ...node.outputs,
    ...node.epilogue.flatMap((st) => st.extra.map((e) => e.tensor)),
  ];
  for (const t of touched) {
    if (t < 0) continue;
    const kind = storageOf(tensors[t].dtype, limit.precision);
    const bytes = kind === undefined ? 0 : phwc4Bytes(tensors[t].shape, kind);
    if (bytes > limit.maxBytes) {
      return `tensor ${t} "${
        tensors[t].name
      }" needs ${bytes} bytes, more than one GPU storage buffer holds (maxStorageBufferBindingSize ${limit.maxBytes})`;
    }
  }
  return undefined;
}

function gpuReason(
  graph: ExecGraph,
  node: ExecNode,
  precision: Precision,
): string | undefined {
  if (!node.kernel.gpu) return `${node.op} has no GPU kernel`;
  if (node.quant) return `${node.op} runs in 8-bit integer arithmetic, which has no GPU kernel`;
  const maxRank = node.kernel.gpu.maxRank ?? 4;
  const big = [...node.inputs, ...node.outputs].find((t) =>
    t >= 0 && graph.tensors[t].shape.length > maxRank
  );
  if (big !== undefined) {
    return `tensor ${big} has rank ${graph.tensors[big].shape.length} > ${maxRank}`;
  }
  const empty = node.outputs.find((t) => numElements(graph.tensors[t].shape) === 0);
  if (empty !== undefined) return `output tensor ${empty} has no elements`;
  for (const st of node.epilogue) {
    for (const e of st.extra) {
      if (storageOf(graph.tensors[e.tensor].dtype, precision) === undefined) {
        return `epilogue operand ${e.tensor} has dtype ${graph.tensors[e.tensor].dtype}`;
      }
    }
  }
  return undefined;
}

/** What a node's GPU plan depends on besides the node: precision, limits, variants, tuned choices. */
export interface NodePlanOptions {
  /** Storage precision of floats. */
  precision: Precision;
  /** Device limits. */
  limits: GpuLimitsInfo;
  /** Kernel variants by op name (`GpuPlanArgs.variants`). */
  variants?: Readonly<Record<string, string>>;
  /** Measured choices by tune key (`GpuTuneSpace.key`): a node whose key is here gets `tuning`. */
  tuned?: Readonly<Record<string, unknown>>;
}

/**
 * The arguments a node's GPU kernel plans with: its tensors as the GPU sees them (constants with
 * their values), options, precision, limits and variants, and the tuned choice for its tune key when
 * `options.tuned` has one.
 *
 * @example
 * ```ts ignore
 * const args = nodePlanArgs(graph, graph.nodes[0], { precision: "f32", limits: DEFAULT_LIMITS });
 * const space = graph.nodes[0].kernel.gpu?.tune?.(args);
 * ```
 *
 * @param graph The exec graph.
 * @param node One of its nodes.
 * @param options Precision, limits, variants, tuned choices.
 * @returns The plan arguments.
 */
export function nodePlanArgs(
  graph: ExecGraph,
  node: ExecNode,
  options: NodePlanOptions,
): GpuPlanArgs<unknown> {
  const args: GpuPlanArgs<unknown> = {
    inputs: node.inputs.map((t) =>
      t < 0 ? undefined : { ...gpuTensorInfo(graph.tensors[t]), value: graph.tensors[t].value }
    ),
    outputs: node.outputs.map((t) => gpuTensorInfo(graph.tensors[t])),
    options: node.options,
    precision: options.precision,
    limits: options.limits,
    variants: options.variants,
  };
  if (options.tuned) {
    const key = node.kernel.gpu?.tune?.(args)?.key;
    if (key !== undefined && options.tuned[key] !== undefined) args.tuning = options.tuned[key];
  }
  return args;
}

function planPrograms(
  graph: ExecGraph,
  node: ExecNode,
  options: NodePlanOptions,
): GpuProgram[] | string {
  const args = nodePlanArgs(graph, node, options);
  const gpu = node.kernel.gpu!;
  const refused = gpu.unsupported?.(args);
  if (refused) return refused;
  let progs: GpuProgram[];
  try {
    progs = gpu.plan(args);
  } catch (e) {
    if (e instanceof UnsupportedError) return e.message;
    throw e;
  }
  for (const p of progs) {
    for (const b of p.bindings) {
      if (b.kind !== "input" && b.kind !== "output") continue;
      const t = b.kind === "input" ? node.inputs[b.index] : node.outputs[b.index];
      if (storageOf(graph.tensors[t].dtype, options.precision) === undefined) {
        return `tensor ${t} has dtype ${graph.tensors[t].dtype}, which the GPU does not hold`;
      }
    }
  }
  return progs;
}

/**
 * Decides, for every node, GPU or CPU, and plans the GPU nodes' programs.
 *
 * @example
 * ```ts
 * import { placeNodes } from "./placement.ts";
 * import { buildExecGraph } from "../../core/exec_graph.ts";
 * import { kernelFor } from "../../kernels/registry.ts";
 * import { GraphBuilder } from "../../format/tflite/mod.ts";
 *
 * const g = new GraphBuilder();
 * const x = g.input("x", "float32", [1, 4, 4, 4]);
 * const [y] = g.op("RELU", [x], [{ dtype: "float32", shape: [1, 4, 4, 4] }]);
 * g.output(y);
 * const graph = buildExecGraph(g.build().subgraphs[0], kernelFor);
 * const { placement } = placeNodes(graph, { cpuNodes: [0] });
 * if (placement[0].backend !== "cpu" || placement[0].reason !== "forced onto the CPU") {
 *   throw new Error("wrong");
 * }
 * ```
 *
 * @param graph The exec graph.
 * @param options Precision, device limits, forced CPU nodes, partition refinement.
 * @returns Placement and programs.
 */
export function placeNodes(graph: ExecGraph, options: PlaceOptions = {}): Placement {
  const precision = options.precision ?? "f32";
  const limits = options.limits ?? DEFAULT_LIMITS;
  const forced = new Set(options.cpuNodes ?? []);
  const programs: (GpuProgram[] | undefined)[] = [];
  const placement = graph.nodes.map((node, k): NodePlacement => {
    let reason = forced.has(k) ? "forced onto the CPU" : gpuReason(graph, node, precision) ??
      oversizedTensor(graph.tensors, node, {
        precision,
        maxBytes: limits.maxStorageBufferBindingSize,
      });
    let progs: GpuProgram[] | undefined;
    if (!reason) {
      const planned = planPrograms(graph, node, {
        precision,
        limits,
        variants: options.variants,
        tuned: options.tuned,
      });
      if (typeof planned === "string") reason = planned;
      else progs = planned;
    }
    programs.push(progs);
    return {
      node: k,
      op: node.op,
      backend: progs ? "gpu" : "cpu",
      reason,
      dispatches: progs?.length ?? 0,
    };
  });
  if (options.refinePartition ?? true) {
    const moved = refinePartition(placement.map((p, k) => ({
      op: p.op,
      backend: p.backend,
      cheap: graph.nodes[k].kernel.traits?.cheap === true,
      elements: numElements(graph.tensors[graph.nodes[k].outputs[0]]?.shape ?? []),
    })));
    for (const k of moved) {
      programs[k] = undefined;
      placement[k] = {
        ...placement[k],
        backend: "cpu",
        dispatches: 0,
        reason: "moved to the CPU: a short GPU run between CPU ops costs more in transfers",
      };
    }
  }
  return { placement, programs };
}
