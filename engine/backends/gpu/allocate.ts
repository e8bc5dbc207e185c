/**
 * Allocation of a plan's tensors on a device: graph inputs and outputs own buffers, constants are
 * uploaded once, intermediates go exactly where the plan's memory layout puts them. Every buffer is
 * created through {@linkcode GpuBuffers}, which checks the device's binding limit, watches for
 * out-of-memory and destroys everything on `dispose`.
 *
 * @module
 */
import { GpuError } from "../../../core/errors.ts";
import { packPhwc4, phwc4Bytes } from "../../../kernels/_gpu/phwc4.ts";
import type { ExecutionPlan } from "../../plan/plan.ts";
import type { GpuTensorHome } from "./program.ts";

const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Every buffer a backend creates, so that `dispose` frees them all. */
export class GpuBuffers {
  #device: GPUDevice;
  #owned: GPUBuffer[] = [];
  #oom: string | undefined;

  /**
   * Creates an empty set.
   *
   * @param device The device.
   */
  constructor(device: GPUDevice) {
    this.#device = device;
  }

  /**
   * Creates a buffer of at least 16 bytes (a multiple of 16).
   *
   * @example
   * ```ts ignore
   * const b = buffers.create(1024, "tensor 3");
   * ```
   *
   * @param size Bytes.
   * @param label What it holds, for errors.
   * @param usage Usage flags (default: storage, copy source and destination).
   * @returns The buffer.
   * @throws {GpuError} When it exceeds the device's storage-binding limit.
   */
  create(size: number, label: string, usage: number = STORAGE): GPUBuffer {
    const device = this.#device;
    const max = device.limits.maxStorageBufferBindingSize;
    if (size > max && (usage & GPUBufferUsage.STORAGE)) {
      throw new GpuError(
        `${label} needs ${size} bytes, more than the device allows in one storage buffer (maxStorageBufferBindingSize ${max}); use a smaller input or a device with larger limits`,
      );
    }
    device.pushErrorScope("out-of-memory");
    const buf = device.createBuffer({
      size: Math.ceil(Math.max(size, 16) / 16) * 16,
      usage,
      label,
    });
    this.#owned.push(buf);
    device.popErrorScope().then((err) => {
      if (err) this.#oom ??= `out of GPU memory creating ${label}: ${err.message}`;
    });
    return buf;
  }

  /** Why an allocation failed, once the device has said so. */
  get outOfMemory(): string | undefined {
    return this.#oom;
  }

  /** Destroys every buffer. */
  dispose(): void {
    for (const b of this.#owned) b.destroy();
    this.#owned = [];
  }
}

/** Bytes a backend placed on the device, by purpose. */
export interface AllocationReport {
  /** Graph inputs and outputs. */
  ioBytes: number;
  /** Weights and other constants of the graph. */
  constantBytes: number;
  /** Intermediates: the sizes of the buffers created for them (the plan's `memory.bytes`). */
  intermediateBytes: number;
  /** Buffers backing intermediates. */
  intermediateBuffers: number;
}

/**
 * Places every tensor the plan's GPU steps touch.
 *
 * @example
 * ```ts ignore
 * const { homes, report } = allocateTensors(device, plan, buffers);
 * ```
 *
 * @param device The device (constants are written through its queue).
 * @param plan A GPU plan.
 * @param buffers Where buffers are created.
 * @returns Each tensor's home and the bytes by purpose.
 */
export function allocateTensors(
  device: GPUDevice,
  plan: ExecutionPlan,
  buffers: GpuBuffers,
): { homes: Map<number, GpuTensorHome>; report: AllocationReport } {
  const { graph, storage } = plan;
  const homes = new Map<number, GpuTensorHome>();
  const report: AllocationReport = {
    ioBytes: 0,
    constantBytes: 0,
    intermediateBytes: 0,
    intermediateBuffers: 0,
  };
  for (const t of plan.io) {
    const bytes = phwc4Bytes(graph.tensors[t].shape, storage[t]!);
    report.ioBytes += bytes;
    const buffer = buffers.create(bytes, `tensor ${t} "${graph.tensors[t].name}"`);
    homes.set(t, { buffer, offset: 0, bytes, kind: storage[t]! });
  }
  for (const t of plan.constants) {
    const bytes = packPhwc4(graph.tensors[t].value!, storage[t]!);
    const buffer = buffers.create(bytes.byteLength, `constant ${t} "${graph.tensors[t].name}"`);
    if (bytes.byteLength > 0) device.queue.writeBuffer(buffer, 0, bytes);
    report.constantBytes += bytes.byteLength;
    homes.set(t, { buffer, offset: 0, bytes: bytes.byteLength, kind: storage[t]! });
  }
  const memory = plan.memory;
  if (!memory) return { homes, report };
  const arenas = memory.form === "offsets";
  const made = memory.buffers.map((b) => buffers.create(b.bytes, b.label));
  report.intermediateBytes = made.reduce((a, b) => a + b.size, 0);
  report.intermediateBuffers = made.length;
  for (const h of memory.homes) {
    const kind = storage[h.tensor]!;
    const unit = kind === "f16" ? 8 : 16;
    if (h.offset % unit !== 0) {
      throw new GpuError(
        `Memory plan places tensor ${h.tensor} at offset ${h.offset}, not a multiple of ${unit}`,
      );
    }
    homes.set(h.tensor, {
      buffer: made[h.buffer],
      offset: h.offset,
      bytes: h.bytes,
      kind,
      arena: arenas ? (kind === "i32" ? "arena_i" : "arena_f") : undefined,
    });
  }
  return { homes, report };
}
