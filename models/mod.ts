/**
 * Benchmark networks for gpulite: builders of the TFLite GPU paper's benchmark set (MobileNet v1 and
 * v2, SSD MobileNet, PoseNet, DeepLab v3) and of GoogLeNet for µLayer's branch distribution, with
 * seeded weights; the catalogue of those and of the real model files; and the counting and shape
 * checks the tests use.
 *
 * @example
 * ```ts
 * import { buildTflite, CATALOG, opHistogram } from "./mod.ts";
 * const entry = CATALOG.find((e) => e.name === "deeplabv3_tiny");
 * if (entry?.kind === "built") console.log(opHistogram(entry.build().subgraphs[0]));
 * if (buildTflite("googlenet_tiny").length < 1000) throw new Error("wrong");
 * ```
 *
 * @module
 */

export { mobilenetV1, type MobileNetV1Options } from "./mobilenet_v1.ts";
export { mobilenetV2, type MobileNetV2Options } from "./mobilenet_v2.ts";
export { ssdMobileNet, type SsdMobileNetOptions } from "./ssd_mobilenet.ts";
export { posenet, type PoseNetOptions } from "./posenet.ts";
export { deeplabV3, type DeepLabV3Options } from "./deeplab_v3.ts";
export { googlenet, type GoogLeNetOptions } from "./googlenet.ts";
export {
  buildNetwork,
  buildTflite,
  type BuiltEntry,
  CATALOG,
  type CatalogEntry,
  catalogEntry,
  type EntryBase,
  type FileEntry,
  type QuantScheme,
  type SizeTag,
} from "./catalog.ts";
export { locateNpmFile, type LocateOptions, npmFileHint } from "./npm_models.ts";
export { type ConstantIssue, constantIssues, macCount, opHistogram, paramCount } from "./stats.ts";
export {
  convOutputSize,
  padBefore,
  type Padding,
  type ShapeIssue,
  shapeIssues,
  type WindowDim,
} from "./shapes.ts";
/** The IR types the builders return, re-exported so this module documents itself. */
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
} from "../core/ir.ts";
