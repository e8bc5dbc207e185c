/**
 * The one list of ops. Adding an op: a folder under `kernels/` and one line here.
 *
 * @module
 */
import type { AnyKernelDef } from "../core/kernel.ts";
import { add } from "./add/mod.ts";
import { relu } from "./relu/mod.ts";
import { sub } from "./sub/mod.ts";
import { mul } from "./mul/mod.ts";
import { div } from "./div/mod.ts";
import { maximum } from "./maximum/mod.ts";
import { minimum } from "./minimum/mod.ts";
import { pow } from "./pow/mod.ts";
import { squaredDifference } from "./squared_difference/mod.ts";
import { floorDiv } from "./floor_div/mod.ts";
import { floorMod } from "./floor_mod/mod.ts";
import { prelu } from "./prelu/mod.ts";
import { relu6 } from "./relu6/mod.ts";
import { reluN1To1 } from "./relu_n1_to_1/mod.ts";
import { relu0To1 } from "./relu_0_to_1/mod.ts";
import { leakyRelu } from "./leaky_relu/mod.ts";
import { elu } from "./elu/mod.ts";
import { hardSwish } from "./hard_swish/mod.ts";
import { logistic } from "./logistic/mod.ts";
import { tanh } from "./tanh/mod.ts";
import { exp } from "./exp/mod.ts";
import { log } from "./log/mod.ts";
import { sqrt } from "./sqrt/mod.ts";
import { rsqrt } from "./rsqrt/mod.ts";
import { square } from "./square/mod.ts";
import { abs } from "./abs/mod.ts";
import { neg } from "./neg/mod.ts";
import { sin } from "./sin/mod.ts";
import { cos } from "./cos/mod.ts";
import { floor } from "./floor/mod.ts";
import { ceil } from "./ceil/mod.ts";
import { round } from "./round/mod.ts";
import { sign } from "./sign/mod.ts";
import { gelu } from "./gelu/mod.ts";
import { cast } from "./cast/mod.ts";
import { dequantize } from "./dequantize/mod.ts";
import { quantize } from "./quantize/mod.ts";
import { conv2d } from "./conv_2d/mod.ts";
import { conv3d } from "./conv_3d/mod.ts";
import { depthwiseConv2d } from "./depthwise_conv_2d/mod.ts";
import { transposeConv } from "./transpose_conv/mod.ts";
import { convolution2dTransposeBias } from "./convolution_2d_transpose_bias/mod.ts";
import { fullyConnected } from "./fully_connected/mod.ts";
import { batchMatMul } from "./batch_matmul/mod.ts";
import { averagePool2d } from "./average_pool_2d/mod.ts";
import { maxPool2d } from "./max_pool_2d/mod.ts";
import { mean } from "./mean/mod.ts";
import { sum } from "./sum/mod.ts";
import { reduceMax } from "./reduce_max/mod.ts";
import { reduceMin } from "./reduce_min/mod.ts";
import { reduceProd } from "./reduce_prod/mod.ts";
import { softmax } from "./softmax/mod.ts";
import { logSoftmax } from "./log_softmax/mod.ts";
import { l2Normalization } from "./l2_normalization/mod.ts";
import { argMax } from "./arg_max/mod.ts";
import { argMin } from "./arg_min/mod.ts";
import { resizeBilinear } from "./resize_bilinear/mod.ts";
import { resizeNearestNeighbor } from "./resize_nearest_neighbor/mod.ts";
import { maxPoolingWithArgmax2d } from "./max_pooling_with_argmax_2d/mod.ts";
import { maxUnpooling2d } from "./max_unpooling_2d/mod.ts";
import { detectionPostprocess } from "./detection_postprocess/mod.ts";
import { batchToSpaceNd } from "./batch_to_space_nd/mod.ts";
import { concatenation } from "./concatenation/mod.ts";
import { densifyKernel } from "./densify/mod.ts";
import { depthToSpace } from "./depth_to_space/mod.ts";
import { expandDims } from "./expand_dims/mod.ts";
import { gather } from "./gather/mod.ts";
import { mirrorPad } from "./mirror_pad/mod.ts";
import { pack } from "./pack/mod.ts";
import { pad } from "./pad/mod.ts";
import { padv2 } from "./padv2/mod.ts";
import { reshape } from "./reshape/mod.ts";
import { slice } from "./slice/mod.ts";
import { spaceToBatchNd } from "./space_to_batch_nd/mod.ts";
import { spaceToDepth } from "./space_to_depth/mod.ts";
import { split } from "./split/mod.ts";
import { splitV } from "./split_v/mod.ts";
import { squeeze } from "./squeeze/mod.ts";
import { stridedSlice } from "./strided_slice/mod.ts";
import { tile } from "./tile/mod.ts";
import { transpose } from "./transpose/mod.ts";
import { unpack } from "./unpack/mod.ts";
import { shape } from "./shape/mod.ts";
import { whileKernel } from "./while/mod.ts";
import { ifKernel } from "./if/mod.ts";
import { callOnce } from "./call_once/mod.ts";
import { varHandle } from "./var_handle/mod.ts";
import { readVariableKernel } from "./read_variable/mod.ts";
import { assignVariable } from "./assign_variable/mod.ts";
import { equal } from "./equal/mod.ts";
import { notEqual } from "./not_equal/mod.ts";
import { less } from "./less/mod.ts";
import { lessEqual } from "./less_equal/mod.ts";
import { greater } from "./greater/mod.ts";
import { greaterEqual } from "./greater_equal/mod.ts";
import { logicalAnd } from "./logical_and/mod.ts";
import { logicalOr } from "./logical_or/mod.ts";
import { logicalNot } from "./logical_not/mod.ts";
import { atan2 } from "./atan2/mod.ts";
import { sinh } from "./sinh/mod.ts";
import { select } from "./select/mod.ts";
import { selectV2 } from "./select_v2/mod.ts";
import { reduceAny } from "./reduce_any/mod.ts";
import { reduceAll } from "./reduce_all/mod.ts";
import { topkV2 } from "./topk_v2/mod.ts";
import { where } from "./where/mod.ts";
import { scatterNd } from "./scatter_nd/mod.ts";
import { fill } from "./fill/mod.ts";
import { zerosLike } from "./zeros_like/mod.ts";
import { lstm } from "./lstm/mod.ts";
import { unidirectionalSequenceLstm } from "./unidirectional_sequence_lstm/mod.ts";
import { svdf } from "./svdf/mod.ts";
import { broadcastTo } from "./broadcast_to/mod.ts";
import { gatherNd } from "./gather_nd/mod.ts";
import { stablehloComposite } from "./stablehlo_composite/mod.ts";
import { litertMaxUnpooling2d } from "./litert_max_unpooling_2d/mod.ts";
import { FLEX_KERNELS } from "./flex/mod.ts";

/** Every registered kernel, one line each. */
export const KERNELS: readonly AnyKernelDef[] = [
  add,
  relu,
  // Elementwise: arithmetic with broadcasting, activations, math, type conversion
  sub,
  mul,
  div,
  maximum,
  minimum,
  pow,
  squaredDifference,
  floorDiv,
  floorMod,
  prelu,
  relu6,
  reluN1To1,
  relu0To1,
  leakyRelu,
  elu,
  hardSwish,
  logistic,
  tanh,
  exp,
  log,
  sqrt,
  rsqrt,
  square,
  abs,
  neg,
  sin,
  cos,
  floor,
  ceil,
  round,
  sign,
  gelu,
  cast,
  dequantize,
  quantize,
  // Convolution and matrix products
  conv2d,
  conv3d,
  depthwiseConv2d,
  transposeConv,
  convolution2dTransposeBias,
  fullyConnected,
  batchMatMul,
  // Pooling, reductions, normalisation, resize, MediaPipe pooling
  averagePool2d,
  maxPool2d,
  mean,
  sum,
  reduceMax,
  reduceMin,
  reduceProd,
  softmax,
  logSoftmax,
  l2Normalization,
  argMax,
  argMin,
  resizeBilinear,
  resizeNearestNeighbor,
  maxPoolingWithArgmax2d,
  maxUnpooling2d,
  litertMaxUnpooling2d,
  detectionPostprocess,
  // Shape and data movement
  batchToSpaceNd,
  concatenation,
  densifyKernel,
  depthToSpace,
  expandDims,
  gather,
  mirrorPad,
  pack,
  pad,
  padv2,
  reshape,
  slice,
  spaceToBatchNd,
  spaceToDepth,
  split,
  splitV,
  squeeze,
  stridedSlice,
  tile,
  transpose,
  unpack,
  shape,
  // Control flow: run other subgraphs of the model on the reference
  whileKernel,
  ifKernel,
  callOnce,
  // Resource variables: state of the executor, kept from run to run
  varHandle,
  readVariableKernel,
  assignVariable,
  stablehloComposite,
  // Comparisons and logic (bool results, on the host)
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
  logicalAnd,
  logicalOr,
  logicalNot,
  select,
  selectV2,
  reduceAny,
  reduceAll,
  topkV2,
  where,
  scatterNd,
  fill,
  zerosLike,
  gatherNd,
  broadcastTo,
  // Recurrent (float, on the host)
  lstm,
  unidirectionalSequenceLstm,
  svdf,
  // Math with a WGSL kernel
  atan2,
  sinh,
  // TensorFlow ops left as custom Flex<Op> nodes, run by the kernels above (kernels/flex/table.ts)
  ...FLEX_KERNELS,
];

const BY_NAME = new Map<string, AnyKernelDef>(
  KERNELS.map((k) => [k.name, k]),
);

/**
 * The kernel of an op, by builtin name or custom code.
 *
 * @example
 * ```ts
 * import { kernelFor } from "./registry.ts";
 * if (kernelFor("ADD")?.name !== "ADD") throw new Error("wrong");
 * ```
 *
 * @param name Op name.
 * @returns The kernel, or `undefined`.
 */
export function kernelFor(name: string): AnyKernelDef | undefined {
  return BY_NAME.get(name);
}

/** What the engine supports for one op. */
export interface OpSupport {
  /** Whether a CPU reference exists (the op runs at all). */
  reference: boolean;
  /** Whether a GPU kernel exists. */
  gpu: boolean;
  /** Whether the GPU kernel runs in f16. */
  f16: boolean;
}

/**
 * Support of an op by the engine.
 *
 * @example
 * ```ts
 * import { supportOf } from "./registry.ts";
 * if (!supportOf("ADD").gpu) throw new Error("wrong");
 * ```
 *
 * @param name Op name.
 * @returns Support flags (all false for unknown ops).
 */
export function supportOf(name: string): OpSupport {
  const k = BY_NAME.get(name);
  return {
    reference: Boolean(k),
    gpu: Boolean(k?.gpu),
    f16: Boolean(k?.gpu) && (k?.f16 ?? true),
  };
}
