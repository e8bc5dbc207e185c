/**
 * Transfers at the edges of GPU steps, prepared once per executor: each tensor a step uploads or
 * reads back gets, when its PHWC4 storage differs from the host's NHWC bytes, a buffer in host
 * layout and a layout program (`kernels/_gpu/phwc4_wgsl.ts`) that converts on the GPU. An upload
 * is then one `writeBuffer` of the caller's array; a readback is one copy of each output into the
 * step's single readback buffer, one `mapAsync`, and one `slice` per output: no JavaScript loop
 * over elements on either side. Inputs of other types (say `float16` data) take the host path.
 *
 * @module
 */
import type { HostTensor, TensorData } from "../../../core/kernel.ts";
import { unpackPhwc4 } from "../../../kernels/_gpu/phwc4.ts";
import { hostElements, layoutProgram, sameLayout } from "../../../kernels/_gpu/phwc4_wgsl.ts";
import type { ExecutionPlan } from "../../plan/plan.ts";
import type { GpuBuffers } from "./allocate.ts";
import { PipelineCache } from "./pipelines.ts";
import type { PreparedDispatch } from "./prepare.ts";
import type { GpuTensorHome } from "./program.ts";

/** How one upload reaches its storage this run. */
export type UploadRoute = "copy" | "pack" | "host";

/** One tensor a step writes from the host. */
export interface EdgeUpload {
  /** Tensor index. */
  tensor: number;
  /** Its storage. */
  home: GpuTensorHome;
  /** Host elements (4 bytes each). */
  elements: number;
  /** Host-layout buffer the caller's bytes go to, when a program converts them. */
  hostBuffer?: GPUBuffer;
  /** The packing program, when the layouts differ and the GPU converts. */
  pack?: PreparedDispatch;
  /** Always pack on the host (`hostLayout`). */
  hostPack?: boolean;
}

/** One tensor a step reads back. */
export interface EdgeDownload {
  /** Tensor index. */
  tensor: number;
  /** Its storage. */
  home: GpuTensorHome;
  /** Host bytes (4 per element). */
  bytes: number;
  /** Where its host bytes are after the step: the host-layout buffer, or the storage itself. */
  source: GPUBuffer;
  /** Byte offset of those bytes in `source`. */
  sourceOffset: number;
  /** The unpacking program, when the layouts differ and the GPU converts. */
  unpack?: PreparedDispatch;
  /** The bytes are PHWC4 storage, unpacked on the host (`hostLayout`). */
  hostUnpack?: boolean;
  /** Byte offset in the step's readback buffer. */
  readOffset: number;
}

/** The transfers of one GPU step. */
export interface StepTransfers {
  /** Uploads, in the plan's order. */
  uploads: EdgeUpload[];
  /** Downloads, in the plan's order. */
  downloads: EdgeDownload[];
  /** Bytes of the readback buffer the downloads fill (8-byte aligned slots). */
  readBytes: number;
}

/** Everything {@linkcode prepareTransfers} made. */
export interface PreparedTransfers {
  /** Per plan step (`undefined` for CPU steps). */
  steps: (StepTransfers | undefined)[];
  /** Bytes of host-layout buffers. */
  bytes: number;
  /** Distinct layout pipelines compiled. */
  pipelineCount: number;
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/**
 * Prepares the transfers of every GPU step: host-layout buffers, layout programs and their bind
 * groups, and each download's slot in its step's readback buffer.
 *
 * @example
 * ```ts ignore
 * const transfers = await prepareTransfers({ device, plan, homes, buffers });
 * ```
 *
 * @param args Device, plan, tensor homes and where buffers are created.
 * @returns Per-step transfers.
 */
export async function prepareTransfers(args: {
  device: GPUDevice;
  plan: ExecutionPlan;
  homes: Map<number, GpuTensorHome>;
  buffers: GpuBuffers;
  /** Convert layouts on the host instead of the GPU (to compare the two). */
  hostLayout?: boolean;
}): Promise<PreparedTransfers> {
  const { device, plan, homes, buffers } = args;
  const onHost = args.hostLayout ?? false;
  const { graph } = plan;
  const cache = PipelineCache.for(device);
  const used = new Set<Promise<GPUComputePipeline>>();
  const layout = cache.layout([true, false]);
  const maxWorkgroupsPerDimension = device.limits.maxComputeWorkgroupsPerDimension;
  const hostBuffers = new Map<string, GPUBuffer>();
  let bytes = 0;
  const hostBufferOf = (t: number, direction: "pack" | "unpack", size: number) => {
    const key = `${direction} ${t}`;
    let b = hostBuffers.get(key);
    if (!b) {
      b = buffers.create(size, `${direction === "pack" ? "input" : "output"} ${t} in host layout`);
      bytes += b.size;
      hostBuffers.set(key, b);
    }
    return b;
  };
  const program = async (
    direction: "pack" | "unpack",
    t: number,
    home: GpuTensorHome,
    host: GPUBuffer,
  ): Promise<PreparedDispatch> => {
    const p = layoutProgram({
      direction,
      shape: graph.tensors[t].shape,
      kind: home.kind,
      byteOffset: home.offset,
      maxWorkgroupsPerDimension,
    });
    const [src, dst] = direction === "pack" ? [host, home.buffer] : [home.buffer, host];
    const label = `${direction === "pack" ? "Packing" : "Unpacking"} tensor ${t} "${
      graph.tensors[t].name
    }"`;
    const pipe = cache.pipeline({ code: p.code, readOnly: [true, false], label });
    used.add(pipe);
    const pipeline = await pipe;
    const bindGroup = device.createBindGroup({
      layout,
      entries: [{ binding: 0, resource: { buffer: src } }, {
        binding: 1,
        resource: { buffer: dst },
      }],
    });
    return { pipeline, bindGroup, dispatch: p.dispatch };
  };
  const downloadBytes = (t: number) => {
    const home = homes.get(t)!;
    if (onHost) return home.bytes;
    return home.bytes === 0 ? 0 : hostElements(graph.tensors[t].shape) * 4;
  };
  const upload = async (t: number): Promise<EdgeUpload> => {
    const home = homes.get(t)!;
    const shape = graph.tensors[t].shape;
    const elements = hostElements(shape);
    if (onHost || home.bytes === 0 || sameLayout(shape, home.kind)) {
      return { tensor: t, home, elements, hostPack: onHost || undefined };
    }
    const hostBuffer = hostBufferOf(t, "pack", elements * 4);
    return {
      tensor: t,
      home,
      elements,
      hostBuffer,
      pack: await program("pack", t, home, hostBuffer),
    };
  };
  const download = async (t: number, readOffset: number): Promise<EdgeDownload> => {
    const home = homes.get(t)!;
    const shape = graph.tensors[t].shape;
    if (onHost) {
      const { buffer: source, offset: sourceOffset, bytes } = home;
      return { tensor: t, home, bytes, source, sourceOffset, readOffset, hostUnpack: true };
    }
    const n = downloadBytes(t);
    if (n === 0 || sameLayout(shape, home.kind)) {
      return {
        tensor: t,
        home,
        bytes: n,
        source: home.buffer,
        sourceOffset: home.offset,
        readOffset,
      };
    }
    const source = hostBufferOf(t, "unpack", n);
    const unpack = await program("unpack", t, home, source);
    return { tensor: t, home, bytes: n, source, sourceOffset: 0, unpack, readOffset };
  };
  const steps = await Promise.all(plan.steps.map(async (st) => {
    if (st.kind !== "gpu") return undefined;
    const offsets: number[] = [];
    let readBytes = 0;
    for (const t of st.downloads) {
      offsets.push(readBytes);
      readBytes += align(downloadBytes(t), 8);
    }
    const [uploads, downloads] = await Promise.all([
      Promise.all(st.uploads.map(upload)),
      Promise.all(st.downloads.map((t, i) => download(t, offsets[i]))),
    ]);
    return { uploads, downloads, readBytes };
  }));
  return { steps, bytes, pipelineCount: used.size };
}

/**
 * How an upload reaches its storage: a plain copy when the layouts coincide and the data already
 * has the storage's element type, the packing program when only the layout differs, the host
 * packer otherwise (other element types, `float16` data).
 *
 * @example
 * ```ts ignore
 * if (uploadRoute(edge, value) === "pack") pass.dispatchWorkgroups(...edge.pack!.dispatch);
 * ```
 *
 * @param edge The upload.
 * @param value The host tensor.
 * @returns Its route.
 */
export function uploadRoute(edge: EdgeUpload, value: HostTensor): UploadRoute {
  const d = value.data;
  const typed = edge.home.kind === "i32" ? d instanceof Int32Array : d instanceof Float32Array;
  if (edge.hostPack || !typed || value.dtype === "float16" || d.length !== edge.elements) {
    return "host";
  }
  return edge.pack ? "pack" : "copy";
}

/**
 * Writes one upload's bytes where its route says: the caller's array as it is (to storage, or to
 * the host-layout buffer its packing program reads), or bytes packed on the host to storage.
 *
 * @example
 * ```ts ignore
 * writeUpload(device.queue, edge, value.data, "pack");
 * ```
 *
 * @param queue The device's queue.
 * @param edge The upload.
 * @param data The caller's array (`copy`, `pack`) or PHWC4 bytes packed on the host (`host`).
 * @param route From {@linkcode uploadRoute}.
 */
export function writeUpload(
  queue: GPUQueue,
  edge: EdgeUpload,
  data: ArrayBufferView<ArrayBuffer>,
  route: UploadRoute,
): void {
  if (route === "pack") queue.writeBuffer(edge.hostBuffer!, 0, data);
  else queue.writeBuffer(edge.home.buffer, edge.home.offset, data);
}

/**
 * Records the copies of a step's downloads into its readback buffer (after its passes).
 *
 * @example
 * ```ts ignore
 * copyDownloads(encoder, transfers.downloads, readback);
 * ```
 *
 * @param encoder The step's encoder.
 * @param downloads The step's downloads.
 * @param readback Its readback buffer.
 */
export function copyDownloads(
  encoder: GPUCommandEncoder,
  downloads: readonly EdgeDownload[],
  readback: GPUBuffer,
): void {
  for (const d of downloads) {
    if (d.bytes > 0) {
      encoder.copyBufferToBuffer(d.source, d.sourceOffset, readback, d.readOffset, d.bytes);
    }
  }
}

/**
 * The bytes of a mapped range into a new array: a fresh array filled with `set`, which measured
 * faster than `ArrayBuffer.slice` on a mapped range (Dawn on an H100, 5.5 MB: 0.79 against 1.06 ms).
 */
function copyOut(
  mapped: ArrayBuffer,
  offset: number,
  bytes: number,
  into?: TensorData,
): ArrayBufferLike {
  const out = into ? new Uint8Array(into.buffer, into.byteOffset, bytes) : new Uint8Array(bytes);
  out.set(new Uint8Array(mapped, offset, bytes));
  return out.buffer;
}

/**
 * Host tensors of a step's downloads, from its mapped readback bytes: one copy each.
 *
 * @example
 * ```ts ignore
 * const values = readDownloads(readback.getMappedRange(), transfers.downloads, plan);
 * ```
 *
 * @param mapped The readback buffer's mapped range.
 * @param downloads The step's downloads.
 * @param plan The plan (for shapes and dtypes).
 * @param into Arrays to copy into instead of fresh ones, by tensor (used where the class and byte
 *   length match the download and no host unpacking is needed), or `"view"`: no copy, each
 *   tensor a view of the mapped range (valid until the buffer is unmapped).
 * @returns One host tensor per download.
 */
export function readDownloads(
  mapped: ArrayBuffer,
  downloads: readonly EdgeDownload[],
  plan: ExecutionPlan,
  into?: ReadonlyMap<number, TensorData> | "view",
): HostTensor[] {
  return downloads.map((d) => {
    const spec = plan.graph.tensors[d.tensor];
    const shape = [...spec.shape];
    if (d.hostUnpack) {
      return unpackPhwc4(
        new Uint8Array(mapped, d.readOffset, d.bytes),
        spec,
        d.home.kind,
      );
    }
    const i32 = d.home.kind === "i32";
    if (into === "view") {
      return i32
        ? { dtype: "int32", shape, data: new Int32Array(mapped, d.readOffset, d.bytes / 4) }
        : { dtype: "float32", shape, data: new Float32Array(mapped, d.readOffset, d.bytes / 4) };
    }
    const target = into?.get(d.tensor);
    const fits = target !== undefined && target.byteLength === d.bytes &&
      (i32 ? target instanceof Int32Array : target instanceof Float32Array);
    if (fits) {
      copyOut(mapped, d.readOffset, d.bytes, target);
      return { dtype: i32 ? "int32" : "float32", shape, data: target };
    }
    const bytes = copyOut(mapped, d.readOffset, d.bytes);
    return i32
      ? { dtype: "int32", shape, data: new Int32Array(bytes) }
      : { dtype: "float32", shape, data: new Float32Array(bytes) };
  });
}
