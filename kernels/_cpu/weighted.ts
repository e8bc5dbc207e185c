/**
 * The operands of a float32 node with constant weights (input, filter, optional bias) on the fast
 * CPU backend, as the CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED builders read them.
 *
 * @module
 */
import type { CpuBuildContext, CpuNode, HostTensor } from "../../core/kernel.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { ACT_RANGE, floatAddrs } from "./build.ts";

/** What {@linkcode floatWeighted} finds. */
export interface FloatWeighted {
  /** The fused activation's clamp range. */
  act: [number, number];
  /** Input shape. */
  x: number[];
  /** Constant float32 weights. */
  w: HostTensor;
  /** Constant bias, when the node has one. */
  b?: HostTensor;
  /** Byte addresses of the input and of output 0. */
  addrs: number[];
}

/**
 * Reads a node whose inputs are `[input, weights, bias?]`: the fused activation's range, the input
 * shape, the constant weights and bias, and the addresses of the input and output; `undefined` when
 * the activation has no clamp range, a tensor is not float32 with an address, or the weights (or
 * a present bias) are not constant, i.e. when the node stays on the reference.
 *
 * @example
 * ```ts
 * import type { CpuBuildContext } from "../../core/kernel.ts";
 * import { floatWeighted } from "./weighted.ts";
 * const f32 = (shape: number[], data?: number[]) => ({
 *   dtype: "float32" as const, shape, name: "",
 *   value: data && { dtype: "float32" as const, shape, data: new Float32Array(data) },
 * });
 * const ctx = {
 *   graph: { tensors: [f32([1, 2, 2, 1]), f32([1, 1, 1, 1], [3]), f32([1, 2, 2, 1])] },
 *   addr: (t: number) => 64 * (t + 1),
 * } as unknown as CpuBuildContext;
 * const node = {
 *   op: "CONV_2D", options: { activation: "RELU6" as const }, inputs: [0, 1, -1], outputs: [2],
 *   epilogue: [],
 * };
 * const f = floatWeighted(ctx, node);
 * if (!f || f.act[1] !== 6 || f.w.data[0] !== 3 || f.b || f.addrs.join() !== "64,192") {
 *   throw new Error("wrong");
 * }
 * ```
 *
 * @param ctx Build context.
 * @param node The node (options with `activation`).
 * @returns The operands, or `undefined`.
 */
export function floatWeighted(
  ctx: CpuBuildContext,
  node: CpuNode<{ activation: FusedActivation }>,
): FloatWeighted | undefined {
  const act = ACT_RANGE[node.options.activation];
  const [xi, wi, bi] = node.inputs;
  const g = ctx.graph;
  const w = g.tensors[wi]?.value;
  const b = bi >= 0 ? g.tensors[bi]?.value : undefined;
  const addrs = floatAddrs(ctx, [xi, node.outputs[0]]);
  if (!act || !addrs || !w || w.dtype !== "float32" || (bi >= 0 && !b)) return undefined;
  return { act, x: g.tensors[xi].shape, w, b, addrs };
}
