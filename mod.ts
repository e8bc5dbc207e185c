/**
 * gpulite: a WebGPU inference engine for TensorFlow Lite models, for Deno.
 *
 * Load a `.tflite` file, create a session on a backend (`gpu` with CPU fallback, the fast `cpu`
 * backend, or the float64 `reference`), feed typed arrays, read outputs. Every op has a WGSL kernel
 * and a plain CPU reference; `deno task conform` proves they agree.
 *
 * @example
 * ```ts ignore
 * import { createSession, loadModel } from "@gpulite/gpulite";
 *
 * const model = await loadModel("mobilenet_v1_1.0_224.tflite");
 * const session = await createSession(model, { backend: "gpu", precision: "f16" });
 * console.log(session.gpu?.summary, session.inputs);
 * const [probs] = await session.run([new Float32Array(224 * 224 * 3).fill(0.5)]);
 * console.log(probs.shape, session.placement?.filter((p) => p.backend === "cpu"));
 * session.dispose();
 * ```
 *
 * @module
 */
export {
  type Backend,
  createSession,
  loadModel,
  Session,
  type SessionInputs,
  type SessionOptions,
  type TensorInfo,
} from "./engine/session.ts";
export { type ImageLike, imageToTensor, type ImageToTensorOptions } from "./engine/image.ts";
export {
  acquireDevice,
  type AcquireOptions,
  type GpuContext,
  type GpuProvider,
} from "./engine/backends/gpu/device.ts";
export type { GpuMemoryReport, NodePlacement, NodeTiming } from "./engine/backends/gpu/executor.ts";
export type { PassReport } from "./engine/passes/mod.ts";
export {
  GraphBuilder,
  type OpSettings,
  readModel,
  readModelFile,
  type ReadOptions,
  type TensorSettings,
  type TensorSpec as BuilderTensorSpec,
  writeModel,
} from "./format/tflite/mod.ts";
export type * from "./core/ir.ts";
export type * from "./core/kernel.ts";
export type {
  EpilogueStep,
  ExecGraph,
  ExecNode,
  ExecTensor,
  KernelLookup,
} from "./core/exec_graph.ts";
export { kernelFor, KERNELS, type OpSupport, supportOf } from "./kernels/registry.ts";
export * from "./engine/memory/mod.ts";
export {
  GpuError,
  GpuliteError,
  ModelFormatError,
  OpError,
  UnsupportedError,
  UsageError,
} from "./core/errors.ts";
