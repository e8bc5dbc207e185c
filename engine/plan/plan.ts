/**
 * The execution plan as a value: a pure function from (graph, device limits, options) to everything
 * a backend realises — where each node runs and why, the partitions (steps) with their transfers,
 * each tensor's storage, the intermediate tensors' lifetimes and the memory layout under the chosen
 * strategy. `cli plan`, the report's memory section and the executors all read this one value, so
 * what is printed and what is allocated cannot drift.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { GpuLimitsInfo, GpuProgram, Precision } from "../../core/kernel.ts";
import { UsageError } from "../../core/errors.ts";
import type { StorageKind } from "../../kernels/_gpu/phwc4.ts";
import {
  findStrategy,
  type MemoryPlan,
  objectsToOffsets,
  type PlanForm,
  planMemory,
  type UsageRecord,
} from "../memory/mod.ts";
import { gpuUsageRecords } from "./lifetimes.ts";
import { type NodePlacement, placeNodes } from "./placement.ts";
import { CPU_ARENA_DTYPES, cpuArenaRecords, gpuStorageKinds, phwc4TensorBytes } from "./storage.ts";
import { numElements } from "../../core/ir.ts";
import { mergeInPlace } from "./in_place.ts";
import {
  type ConcatAlias,
  type ConcatPlacement,
  mergeConcatRecords,
  planConcatInPlace,
  settleConcats,
} from "./concat_in_place.ts";
import { reorderGraph } from "./reorder.ts";

export type { NodePlacement };

/** Which executor realises a plan. */
export type PlanBackend = "gpu" | "cpu" | "reference";

/** One step of a plan: a GPU partition (one submission) or one node on the CPU. */
export type PlanStep =
  | {
    /** A maximal run of consecutive GPU nodes. */
    kind: "gpu";
    /** Node positions, in order. */
    nodes: number[];
    /** Non-constant tensors written from the host at the step's start. */
    uploads: number[];
    /** Tensors read back to the host at the step's end. */
    downloads: number[];
  }
  | {
    /** One node on the host. */
    kind: "cpu";
    /** Node position. */
    node: number;
  };

/** Where one intermediate tensor lives: a buffer of the layout and a byte offset in it. */
export interface TensorHome {
  /** Tensor index. */
  tensor: number;
  /** Index into {@linkcode MemoryLayout.buffers}. */
  buffer: number;
  /** Byte offset in the buffer. */
  offset: number;
  /** Bytes the tensor occupies. */
  bytes: number;
}

/** The memory of intermediate tensors: what to allocate and where each tensor goes. */
export interface MemoryLayout {
  /** Strategy name (canonical). */
  strategy: string;
  /** Form of the strategy's plan. */
  form: PlanForm;
  /** One record per intermediate tensor (node positions, bytes). */
  records: UsageRecord[];
  /** `tensors[i]` is the tensor `records[i]` describes. */
  tensors: number[];
  /** The strategy's plan over `records`. */
  plan: MemoryPlan;
  /** Buffers to allocate for intermediates (objects, or one arena per storage family). */
  buffers: { label: string; bytes: number }[];
  /**
   * Where each intermediate lives: first the tensors of `tensors` (aligned with it), then the
   * outputs written in place over them.
   */
  homes: TensorHome[];
  /** `[output, input]` pairs that share memory (in-place execution). */
  inPlace: [number, number][];
  /**
   * Concatenations run in place: the nodes that do nothing and the tensors placed inside their
   * outputs (their homes are among `homes`). Absent when the plan does not use the lever.
   */
  concat?: ConcatPlacement;
  /** Bytes of all buffers: what the backend allocates for intermediates. */
  bytes: number;
  /** Bytes with one buffer per tensor. */
  naiveBytes: number;
}

/** A plan: everything a backend needs to realise a graph. */
export interface ExecutionPlan {
  /** The backend it is for. */
  backend: PlanBackend;
  /** Storage precision of float tensors on the GPU. */
  precision: Precision;
  /** The exec graph (after passes). */
  graph: ExecGraph;
  /** Where each node runs and why. */
  placement: NodePlacement[];
  /** GPU programs of each GPU node (`undefined` elsewhere). */
  programs: (GpuProgram[] | undefined)[];
  /** Steps in execution order. */
  steps: PlanStep[];
  /** Graph inputs and outputs the backend holds in buffers of their own. */
  io: number[];
  /** Constants the backend uploads once. */
  constants: number[];
  /** Storage of each tensor on the GPU (`undefined` for tensors the GPU never holds). */
  storage: (StorageKind | undefined)[];
  /** Intermediate memory; `undefined` for the reference, which keeps host values. */
  memory: MemoryLayout | undefined;
}

/** Options of {@linkcode buildPlan}. */
export interface BuildPlanOptions {
  /** The backend (default `gpu`). */
  backend?: PlanBackend;
  /** Storage precision of floats (default `f32`). */
  precision?: Precision;
  /** Memory strategy (default `GREEDY_BEST`; any name `findStrategy` accepts). */
  strategy?: string;
  /** Device limits (default WebGPU's defaults). */
  limits?: GpuLimitsInfo;
  /** Nodes forced onto the CPU (GPU backend). */
  cpuNodes?: Iterable<number>;
  /** Extra tensors read back after every run (GPU backend). */
  download?: Iterable<number>;
  /** Move short cheap GPU runs between CPU nodes to the CPU (default `true`). */
  refinePartition?: boolean;
  /** Let elementwise nodes write their output over an input that dies there (default `false`). */
  inPlace?: boolean;
  /**
   * Search the order of independent branches for a lower memory peak (default `false`). The plan's
   * graph is then the reordered graph, kept only when its memory is lower.
   */
  reorder?: boolean;
  /** Kernel variants by op name, passed to the kernels' GPU plans (`GpuPlanArgs.variants`). */
  variants?: Readonly<Record<string, string>>;
  /** Measured kernel choices by tune key (`GpuPlanArgs.tuning`), from a session's autotune. */
  tuned?: Readonly<Record<string, unknown>>;
  /**
   * Let concatenations whose inputs are contiguous blocks of their output run in place: each input
   * is written straight into the output's memory and the node does nothing (default `false`). On
   * the GPU this needs an arena: strategies that plan only shared objects ignore it.
   */
  concatInPlace?: boolean;
  /** In f16 plans, tensors stored in f32 all the same (default: only the graph's edges). */
  keepF32?: (tensor: number) => boolean;
}

/** Byte alignment of intermediates in GPU buffers and the CPU arena. */
export const ALIGNMENT: Readonly<Record<PlanBackend, number>> = { gpu: 16, cpu: 64, reference: 1 };

function layoutOf(
  records: UsageRecord[],
  tensors: number[],
  options: {
    strategy: string;
    alignment: number;
    family?: (t: number) => string;
    forceOffsets?: boolean;
    /** Buffers are at least this many bytes and a multiple of it (WebGPU buffers: 16). */
    minBuffer?: number;
    /** Each tensor's record, where several tensors share one (in-place execution). */
    members?: Map<number, number>;
    /** The in-place pairs behind `members`. */
    pairs?: [number, number][];
    /** Bytes with one buffer per tensor (default: the records' sum). */
    naiveBytes?: number;
    /** Concatenations in place, and the placed tensors that had records. */
    concat?: { placement: ConcatPlacement; aliases: ConcatAlias[] };
  },
): MemoryLayout {
  const info = findStrategy(options.strategy);
  const wantOffsets = options.forceOffsets && info.form === "both";
  let plan: MemoryPlan = records.length > 0
    ? planMemory(records, {
      strategy: info.name,
      alignment: options.alignment,
      form: wantOffsets ? "offsets" : undefined,
    })
    : info.form === "offsets"
    ? { form: "offsets", offsets: [], totalSize: 0 }
    : { form: "objects", assignment: [], objectSizes: [] };
  const naiveBytes = options.naiveBytes ?? records.reduce((a, r) => a + r.size, 0);
  const form = plan.form;
  if (options.forceOffsets && plan.form === "objects") {
    plan = objectsToOffsets(plan, { alignment: options.alignment });
  }
  const buffers: MemoryLayout["buffers"] = [];
  const homes: TensorHome[] = [];
  if (plan.form === "objects") {
    const p = plan;
    p.objectSizes.forEach((bytes, o) => buffers.push({ label: `shared object ${o}`, bytes }));
    tensors.forEach((tensor, i) =>
      homes.push({ tensor, buffer: p.assignment[i], offset: 0, bytes: records[i].size })
    );
    for (const [tensor, i] of options.members ?? []) {
      if (tensors[i] === tensor) continue;
      homes.push({ tensor, buffer: p.assignment[i], offset: 0, bytes: records[i].size });
    }
  } else {
    const p = plan;
    const family = options.family ?? (() => "arena");
    const index = new Map<string, number>();
    tensors.forEach((tensor, i) => {
      const f = family(tensor);
      if (!index.has(f)) {
        index.set(f, buffers.length);
        buffers.push({ label: f, bytes: 0 });
      }
      const b = index.get(f)!;
      buffers[b].bytes = Math.max(buffers[b].bytes, p.offsets[i] + records[i].size);
      homes.push({ tensor, buffer: b, offset: p.offsets[i], bytes: records[i].size });
    });
    const bufferOf = new Map(homes.map((h) => [h.tensor, h.buffer]));
    for (const [tensor, i] of options.members ?? []) {
      if (tensors[i] === tensor) continue;
      homes.push({
        tensor,
        buffer: bufferOf.get(tensors[i])!,
        offset: p.offsets[i],
        bytes: records[i].size,
      });
    }
  }
  if (options.concat) {
    const homeOf = new Map(homes.map((h) => [h.tensor, h]));
    for (const a of options.concat.aliases) {
      const r = homeOf.get(a.root)!;
      homes.push({
        tensor: a.tensor,
        buffer: r.buffer,
        offset: r.offset + a.offset,
        bytes: a.bytes,
      });
    }
  }
  if (options.minBuffer) {
    const m = options.minBuffer;
    for (const b of buffers) b.bytes = Math.ceil(Math.max(b.bytes, m) / m) * m;
  }
  return {
    strategy: info.name,
    form,
    records,
    tensors,
    plan,
    buffers,
    homes,
    bytes: buffers.reduce((a, b) => a + b.bytes, 0),
    naiveBytes,
    inPlace: options.pairs ?? [],
    ...(options.concat ? { concat: options.concat.placement } : {}),
  };
}

function gpuPlan(graph: ExecGraph, options: BuildPlanOptions, strategy: string): ExecutionPlan {
  const precision = options.precision ?? "f32";
  const placed = placeNodes(graph, {
    precision,
    limits: options.limits,
    cpuNodes: options.cpuNodes,
    refinePartition: options.refinePartition,
    variants: options.variants,
    tuned: options.tuned,
  });
  const storage = gpuStorageKinds(graph, precision, options.keepF32);
  const io = new Set([...graph.inputs, ...graph.outputs]);
  const usageOf = (programs: ExecutionPlan["programs"]) =>
    gpuUsageRecords(graph, {
      precision,
      tensorBytes: (t, i) => phwc4TensorBytes(t, storage[i]),
      onGpu: (_, k) => programs[k] !== undefined,
      gpuReads: (node, k) => [
        ...(programs[k] ?? []).flatMap((p) =>
          p.bindings.flatMap((b) => b.kind === "input" ? [node.inputs[b.index]] : [])
        ),
        ...node.epilogue.flatMap((st) => st.extra.map((e) => e.tensor)),
      ],
      download: options.download,
    });
  // Placed tensors sit at offsets inside their root, which only arenas bind (objects bind at the
  // device's 256-byte offset alignment): strategies that plan only objects keep concatenations.
  const concat = options.concatInPlace && findStrategy(strategy).form !== "objects"
    ? settleConcats(graph, {
      ...usageOf(placed.programs),
      place: (exclude) =>
        planConcatInPlace(graph, {
          layout: "phwc4",
          bytes: (t) => phwc4TensorBytes(graph.tensors[t], storage[t]),
          movable: (t) => !graph.tensors[t].value && !io.has(t) && storage[t] !== undefined,
          storage: (t) => storage[t],
          onBackend: (k) => placed.programs[k] !== undefined,
          exclude,
        }),
    })
    : undefined;
  // An elided concatenation stays a GPU node (no partition boundary) with no programs.
  const elided = new Set(concat?.nodes);
  const programs = placed.programs.map((p, k) => elided.has(k) ? [] : p);
  const placement = placed.placement.map((p, k) => elided.has(k) ? { ...p, dispatches: 0 } : p);
  const usage = usageOf(programs);
  const steps: PlanStep[] = [];
  let part = 0;
  graph.nodes.forEach((_, k) => {
    if (!programs[k]) steps.push({ kind: "cpu", node: k });
    else if (steps.at(-1)?.kind !== "gpu") {
      const p = usage.partitions[part++];
      steps.push({ kind: "gpu", nodes: p.nodes, uploads: p.uploads, downloads: p.downloads });
    }
  });
  const grouped = concat
    ? mergeConcatRecords({ records: usage.records, tensors: usage.tensors, placement: concat })
    : { ...usage, aliases: [] };
  const merged = options.inPlace
    ? mergeInPlace(graph, {
      records: grouped.records,
      tensors: grouped.tensors,
      storage: (t) => storage[t],
      eligible: (k) => programs[k] !== undefined,
    })
    : undefined;
  const aliases = grouped.aliases;
  const memory = layoutOf(merged?.records ?? grouped.records, merged?.tensors ?? grouped.tensors, {
    strategy,
    alignment: ALIGNMENT.gpu,
    forceOffsets: aliases.length > 0,
    concat: concat && { placement: concat, aliases },
    // One arena per storage family: float tensors share one, int32 tensors another.
    family: (t) => storage[t] === "i32" ? "int arena" : "float arena",
    minBuffer: 16,
    members: merged?.slotOf,
    pairs: merged?.pairs,
    naiveBytes: usage.records.reduce((a, r) => a + r.size, 0),
  });
  return {
    backend: "gpu",
    precision,
    graph,
    placement,
    programs,
    steps,
    io: usage.io,
    constants: usage.constants,
    storage,
    memory,
  };
}

function hostPlan(
  graph: ExecGraph,
  backend: "cpu" | "reference",
  strategy: string,
  flags: { inPlace: boolean; concatInPlace: boolean },
): ExecutionPlan {
  const placement = graph.nodes.map((node, k): NodePlacement => ({
    node: k,
    op: node.op,
    backend: "cpu",
    dispatches: 0,
  }));
  let memory: MemoryLayout | undefined;
  if (backend === "cpu") {
    const { records, tensors } = cpuArenaRecords(graph);
    const io = new Set([...graph.inputs, ...graph.outputs]);
    const arena = new Set(tensors);
    const concat = flags.concatInPlace
      ? settleConcats(graph, {
        records,
        tensors,
        place: (exclude) =>
          planConcatInPlace(graph, {
            layout: "nhwc",
            bytes: (t) =>
              numElements(graph.tensors[t].shape) * CPU_ARENA_DTYPES[graph.tensors[t].dtype],
            movable: (t) => arena.has(t) && !io.has(t),
            canHold: (t) => arena.has(t) && !graph.inputs.includes(t),
            exclude,
          }),
      })
      : undefined;
    const grouped = concat
      ? mergeConcatRecords({ records, tensors, placement: concat })
      : undefined;
    const merged = flags.inPlace
      ? mergeInPlace(graph, {
        records: grouped?.records ?? records,
        tensors: grouped?.tensors ?? tensors,
        storage: (t) => graph.tensors[t].dtype,
      })
      : undefined;
    memory = layoutOf(
      merged?.records ?? grouped?.records ?? records,
      merged?.tensors ?? grouped?.tensors ?? tensors,
      {
        strategy,
        alignment: ALIGNMENT.cpu,
        forceOffsets: true,
        concat: concat && { placement: concat, aliases: grouped!.aliases },
        members: merged?.slotOf,
        pairs: merged?.pairs,
        naiveBytes: records.reduce((a, r) => a + r.size, 0),
      },
    );
  }
  return {
    backend,
    precision: "f32",
    graph,
    placement,
    programs: graph.nodes.map(() => undefined),
    steps: graph.nodes.map((_, k) => ({ kind: "cpu", node: k })),
    io: [...new Set([...graph.inputs, ...graph.outputs])],
    constants: graph.tensors.flatMap((t, i) => t.value ? [i] : []),
    storage: graph.tensors.map(() => undefined),
    memory,
  };
}

/**
 * Builds the execution plan of a graph for a backend. Pure: the same graph and options give the
 * same plan, with no device needed (GPU plans use WebGPU's default limits unless given others).
 *
 * @example
 * ```ts
 * import { buildPlan } from "./plan.ts";
 * import { buildExecGraph } from "../../core/exec_graph.ts";
 * import { kernelFor } from "../../kernels/registry.ts";
 * import { GraphBuilder } from "../../format/tflite/mod.ts";
 * import { strictEqual } from "node:assert";
 *
 * const g = new GraphBuilder();
 * const x = g.input("x", "float32", [1, 4, 4, 4]);
 * const [y] = g.op("RELU", [x], [{ dtype: "float32", shape: [1, 4, 4, 4] }]);
 * const [z] = g.op("ABS", [y], [{ dtype: "float32", shape: [1, 4, 4, 4] }]);
 * g.output(z);
 * const plan = buildPlan(buildExecGraph(g.build().subgraphs[0], kernelFor), { strategy: "NAIVE" });
 * strictEqual(plan.steps.length, 1); // one GPU partition
 * strictEqual(plan.memory?.bytes, 4 * 4 * 16); // y: 16 pixels x one vec4 of f32
 * ```
 *
 * @param graph The exec graph (after passes).
 * @param options Backend, precision, strategy, device limits, placement overrides.
 * @returns The plan.
 * @throws {UsageError} For an unknown strategy name.
 */
export function buildPlan(graph: ExecGraph, options: BuildPlanOptions = {}): ExecutionPlan {
  const backend = options.backend ?? "gpu";
  let strategy: string;
  try {
    strategy = findStrategy(options.strategy ?? "GREEDY_BEST").name;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const plan = (g: ExecGraph) =>
    backend === "gpu" ? gpuPlan(g, options, strategy) : hostPlan(g, backend, strategy, {
      inPlace: options.inPlace ?? false,
      concatInPlace: options.concatInPlace ?? false,
    });
  const first = plan(graph);
  if (!options.reorder || !first.memory) return first;
  const reordered = reorderGraph(first);
  if (!reordered) return first;
  const second = plan(reordered);
  // Reordering must not add CPU<->GPU hops: a lower peak is not worth an extra synchronisation.
  const better = second.memory!.bytes < first.memory.bytes &&
    second.steps.length <= first.steps.length;
  return better ? second : first;
}
