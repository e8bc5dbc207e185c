/**
 * The intermediate tensors of a model as the GPU executor would plan them, for `gpulite plan`. The
 * model's main graph is built and rewritten by the graph passes as a GPU session would; a node whose
 * kernel has a GPU half (and whose tensors the GPU can hold) is assumed to run on the GPU, the rest on
 * the CPU, with the executor's partition refinement; sizes are PHWC4 bytes at the precision. A model
 * with an op the engine lacks falls back to the file's graph as it stands (no passes, the file's
 * shapes with dynamic dimensions as 1, every node on the GPU), and says so.
 *
 * @module
 */

import type { Graph, Model } from "../core/ir.ts";
import type { KernelLookup } from "../core/exec_graph.ts";
import { buildModelGraph } from "../core/model_graph.ts";
import { applyPasses } from "../engine/passes/mod.ts";
import { buildPlan } from "../engine/plan/plan.ts";
import { type MemoryLevers, memoryLevers } from "../engine/plan/levers.ts";
import { kernelFor } from "../kernels/registry.ts";
import type { Precision } from "../core/kernel.ts";
import { OpError, UnsupportedError, UsageError } from "../core/errors.ts";
import {
  gpuTensorBytes,
  gpuUsageRecords,
  hostTensorBytes,
  type LifetimeTensor,
} from "../engine/plan/lifetimes.ts";
import type { UsageRecord } from "../engine/memory/mod.ts";

/**
 * The intermediate tensors of a model as the GPU executor would plan them.
 *
 * @example
 * ```ts
 * import type { ModelRecords } from "./plan_records.ts";
 *
 * const r: ModelRecords = {
 *   records: [{ size: 64, firstOp: 0, lastOp: 1 }],
 *   tensors: [1],
 *   source: "exec-graph",
 *   gpuNodes: 2,
 *   cpuNodes: 0,
 * };
 * ```
 */
export interface ModelRecords {
  /** Usage records over node positions. */
  records: UsageRecord[];
  /** The tensor each record describes. */
  tensors: number[];
  /** `exec-graph`: built and rewritten as a session would; `file-graph`: the fallback. */
  source: "exec-graph" | "file-graph";
  /** Why the fallback was taken. */
  fallbackReason?: string;
  /** Nodes assumed on the GPU. */
  gpuNodes: number;
  /** Nodes assumed on the CPU. */
  cpuNodes: number;
  /** In-place execution and reordering against both lower bounds (exec graphs only). */
  levers?: MemoryLevers;
}

/**
 * Options of {@linkcode modelUsageRecords}.
 *
 * @example
 * ```ts
 * import type { ModelRecordsOptions } from "./plan_records.ts";
 *
 * const options: ModelRecordsOptions = { precision: "f16" };
 * ```
 */
export interface ModelRecordsOptions {
  /** Storage precision of floats (default `f32`). */
  precision?: Precision;
  /** Kernel lookup (default `kernelFor` of `kernels/registry.ts`). */
  lookup?: KernelLookup;
  /** Shapes of the main graph's inputs, by position (they resolve `-1` dimensions). */
  inputShapes?: (number[] | undefined)[];
}

function fromExecGraph(
  model: Model,
  precision: Precision,
  options: { lookup: KernelLookup; inputShapes?: (number[] | undefined)[] },
): ModelRecords {
  const bound = buildModelGraph(model, options.lookup, { inputShapes: options.inputShapes });
  const graph = applyPasses(bound, {}).graph;
  const plan = buildPlan(graph, { precision, strategy: "NAIVE" });
  const gpuNodes = plan.placement.filter((p) => p.backend === "gpu").length;
  return {
    records: plan.memory!.records,
    tensors: plan.memory!.tensors,
    source: "exec-graph",
    gpuNodes,
    cpuNodes: graph.nodes.length - gpuNodes,
    levers: memoryLevers(graph, { precision }),
  };
}

function fromFileGraph(graph: Graph, precision: Precision, reason: string): ModelRecords {
  const tensors: LifetimeTensor[] = graph.tensors.map((t) => ({
    dtype: t.dtype,
    shape: t.shape.map((d) => (d < 0 ? 1 : d)),
    value: t.data && t.data.byteLength > 0 ? t.data : undefined,
  }));
  const usage = gpuUsageRecords({ ...graph, tensors }, {
    precision,
    onGpu: () => true,
    // What the GPU cannot hold (rank > 4, 8-bit types) is counted as plain bytes in vec4 units.
    tensorBytes: (t) => {
      try {
        return gpuTensorBytes(t, precision);
      } catch {
        return Math.ceil(hostTensorBytes(t) / 16) * 16;
      }
    },
  });
  return {
    records: usage.records,
    tensors: usage.tensors,
    source: "file-graph",
    fallbackReason: reason,
    gpuNodes: graph.nodes.length,
    cpuNodes: 0,
  };
}

/**
 * Usage records of a model's intermediate tensors on the GPU (main graph only). Builds the exec graph
 * and applies the passes as a GPU session does; nodes whose kernel has a GPU half run on the GPU.
 * When the engine cannot build the graph (an op it lacks, options it refuses), falls back to the
 * file's graph (see the module's description) and gives the reason.
 *
 * @param model The model.
 * @param options Precision, kernel lookup.
 * @returns The records and where they came from.
 *
 * @example
 * ```ts
 * import { modelUsageRecords } from "./plan_records.ts";
 * import { GraphBuilder } from "../format/tflite/mod.ts";
 * import { strictEqual } from "node:assert";
 *
 * const g = new GraphBuilder();
 * const x = g.input("x", "float32", [1, 4, 4, 4]);
 * const [y] = g.op("RELU", [x], [{ dtype: "float32", shape: [1, 4, 4, 4] }]);
 * const [z] = g.op("ABS", [y], [{ dtype: "float32", shape: [1, 4, 4, 4] }]);
 * g.output(z);
 * const r = modelUsageRecords(g.build());
 * strictEqual(r.records.length, 1);
 * strictEqual(r.records[0].size, 4 * 4 * 16);
 * ```
 */
export function modelUsageRecords(model: Model, options: ModelRecordsOptions = {}): ModelRecords {
  const precision = options.precision ?? "f32";
  const main = model.subgraphs[0];
  if (!main) throw new RangeError("The model has no subgraph");
  try {
    return fromExecGraph(model, precision, {
      lookup: options.lookup ?? kernelFor,
      inputShapes: options.inputShapes,
    });
  } catch (e) {
    // A dynamic input without a shape (UsageError) also plans the file's graph, -1 read as 1.
    if (!(e instanceof UnsupportedError || e instanceof OpError || e instanceof UsageError)) {
      throw e;
    }
    return fromFileGraph(main, precision, e.message.split("\n")[0]);
  }
}
