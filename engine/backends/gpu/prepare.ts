/**
 * Preparation of a plan's GPU steps: every program of every GPU node gets its full WGSL source,
 * a pipeline from the cache and a bind group over the tensors' homes, ready to encode.
 *
 * @module
 */
import type { Precision } from "../../../core/kernel.ts";
import type { ExecutionPlan } from "../../plan/plan.ts";
import type { GpuBuffers } from "./allocate.ts";
import { PipelineCache } from "./pipelines.ts";
import { buildProgram, constBytes, type GpuTensorHome } from "./program.ts";

/** One dispatch, ready to encode. */
export interface PreparedDispatch {
  /** The pipeline. */
  pipeline: GPUComputePipeline;
  /** Its bind group. */
  bindGroup: GPUBindGroup;
  /** Workgroup counts. */
  dispatch: [number, number, number];
}

/** Everything {@linkcode prepareDispatches} made. */
export interface Prepared {
  /** Dispatches of each node (empty for CPU nodes). */
  dispatches: PreparedDispatch[][];
  /** Bytes of constants the programs derived (repacked weights). */
  constantBytes: number;
  /** Bytes of scratch buffers. */
  scratchBytes: number;
  /** Distinct pipelines the programs use. */
  pipelineCount: number;
  /** Of those, the ones compiled for this plan (the rest came from the device's cache). */
  compiled: number;
  /** The pipeline that took longest to compile, when any was compiled. */
  slowest?: { label: string; ms: number };
}

/**
 * Compiles and binds every program of a plan.
 *
 * @example
 * ```ts ignore
 * const prepared = await prepareDispatches({ device, plan, homes, buffers, weightPrecision: "f32" });
 * ```
 *
 * @param args Device, plan, tensor homes, buffers, weight precision.
 * @returns Dispatches per node and the bytes they added.
 */
export async function prepareDispatches(args: {
  device: GPUDevice;
  plan: ExecutionPlan;
  homes: Map<number, GpuTensorHome>;
  buffers: GpuBuffers;
  weightPrecision: Precision;
}): Promise<Prepared> {
  const { device, plan, homes, buffers, weightPrecision } = args;
  const { graph, precision } = plan;
  const cache = PipelineCache.for(device);
  cache.reprobe();
  const used = new Set<Promise<GPUComputePipeline>>();
  const result: Prepared = {
    dispatches: graph.nodes.map(() => []),
    constantBytes: 0,
    scratchBytes: 0,
    pipelineCount: 0,
    compiled: 0,
  };
  const fresh: { code: string; readOnly: boolean[]; label: string }[] = [];
  const pending: Promise<void>[] = [];
  plan.programs.forEach((progs, k) => {
    if (!progs) return;
    const node = graph.nodes[k];
    const scratch = new Map<number, GPUBuffer>();
    const prepared = result.dispatches[k];
    progs.forEach((prog, pi) => {
      const { code, entries, readOnly } = buildProgram({
        graph,
        node,
        prog,
        homes,
        precision,
        weightPrecision,
        scratch,
        createBuffer: (n, label) => {
          result.scratchBytes += n;
          return buffers.create(n, label);
        },
        createConst: (b) => {
          const bytes = constBytes(b, weightPrecision);
          const buf = buffers.create(bytes.byteLength, `node ${k} ${node.op} ${b.name}`);
          if (bytes.byteLength > 0) {
            device.queue.writeBuffer(buf, 0, bytes as Uint8Array<ArrayBuffer>);
          }
          result.constantBytes += bytes.byteLength;
          return buf;
        },
      });
      const layout = cache.layout(readOnly);
      const label = `Node ${node.index} (${node.op}) program "${prog.label}"`;
      if (!cache.has({ code, readOnly })) fresh.push({ code, readOnly, label });
      const pipe = cache.pipeline({ code, readOnly, label });
      used.add(pipe);
      pending.push(
        pipe.then((pipeline) => {
          prepared[pi] = {
            pipeline,
            bindGroup: device.createBindGroup({ layout, entries }),
            dispatch: prog.dispatch,
          };
        }),
      );
    });
  });
  await Promise.all(pending);
  result.pipelineCount = used.size;
  result.compiled = fresh.length;
  for (const f of fresh) {
    const ms = cache.compileMs(f) ?? 0;
    if (!result.slowest || ms > result.slowest.ms) result.slowest = { label: f.label, ms };
  }
  return result;
}

/**
 * Encodes dispatches into a compute pass, setting the pipeline only where it changes.
 *
 * @example
 * ```ts ignore
 * encodeDispatches(pass, prepared.dispatches[k]);
 * ```
 *
 * @param pass The pass.
 * @param dispatches Dispatches in order.
 */
export function encodeDispatches(
  pass: GPUComputePassEncoder,
  dispatches: readonly PreparedDispatch[],
): void {
  let pipeline: GPUComputePipeline | undefined;
  for (const d of dispatches) {
    if (d.pipeline !== pipeline) {
      pipeline = d.pipeline;
      pass.setPipeline(pipeline);
    }
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.dispatch[0], d.dispatch[1], d.dispatch[2]);
  }
}
