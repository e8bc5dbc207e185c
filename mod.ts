/**
 * gpulite: a WebGPU inference engine for TensorFlow Lite models, for Deno.
 *
 * Load a `.tflite` file, create a session on a backend (`gpu` with CPU fallback, the fast `cpu`
 * backend, the float64 `reference`, or `cooperative` CPU+GPU execution), feed typed arrays, read
 * outputs. Every op has a WGSL kernel and a plain CPU reference; `deno task conform` proves they
 * agree.
 *
 * Other entry points: `@gpulite/gpulite/memory` (the memory planners and their lower bounds, for
 * people who study intermediate-tensor memory), `@gpulite/gpulite/tflite` (reading, building and
 * writing `.tflite` files), `@gpulite/gpulite/cli` (the command line).
 *
 * @example
 * ```ts ignore
 * import { createSession, loadModel } from "@gpulite/gpulite";
 *
 * const model = await loadModel("mobilenet_v1_1.0_224.tflite");
 * using session = await createSession(model, { backend: "gpu", precision: "f16" });
 * console.log(session.gpu?.summary, session.inputs);
 * const [probs] = await session.run([new Float32Array(224 * 224 * 3).fill(0.5)]);
 * console.log(probs.shape, session.placement.filter((p) => p.backend === "cpu"));
 * ```
 *
 * @module
 */
export {
  type Backend,
  createSession,
  type HostPhase,
  loadModel,
  type MemoryReport,
  type NodePlacement,
  type NodeTiming,
  type OutputTargets,
  type RunOptions,
  type RunTimeline,
  Session,
  type SessionInputs,
  type SessionOptions,
  type SessionOutputs,
  type SetupReport,
  STRATEGY_NAMES,
  type TensorInfo,
} from "./engine/session.ts";
export { type ImageLike, imageToTensor, type ImageToTensorOptions } from "./engine/image.ts";
export type { PassReport } from "./engine/passes/mod.ts";
export {
  acquireDevice,
  type AcquireOptions,
  type CompileMode,
  type GpuContext,
  type GpuProvider,
} from "./engine/backends/gpu/device.ts";
export type { ReadOptions } from "./format/tflite/reader.ts";
export type {
  DType,
  Graph,
  Model,
  Node,
  NodeOptions,
  OptionValue,
  Quantization,
  Signature,
  SignatureTensor,
  SparseDimension,
  Sparsity,
  Tensor,
} from "./core/ir.ts";
export type { HostTensor, Precision, TensorData, TensorSpec } from "./core/kernel.ts";
export { tensor, type TensorArrays, type TensorDType, type TypedTensor } from "./core/tensor.ts";
export { type OpSupport, supportOf } from "./kernels/registry.ts";
export {
  GpuError,
  GpuliteError,
  ModelFormatError,
  OpError,
  UnsupportedError,
  UsageError,
  ValueNeededError,
} from "./core/errors.ts";
