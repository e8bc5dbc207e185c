/**
 * What the ops' CPU builders (`kernels/<op>/cpu.ts`) share: writing a typed parameter block,
 * dispatching a WebAssembly kernel over the pool, tensor addresses, fused activation ranges, and
 * nodes computed by plain loops over the backend's memory. Builders run once, when the CPU backend
 * is created: they repack weights, build indirection buffers and write parameter blocks.
 *
 * @module
 */
import type {
  CpuBuildContext,
  CpuBuilder,
  CpuNode,
  CpuStep,
  HostTensor,
} from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { type BlockFields, type BlockValues, encodeBlock, type ParamBlock } from "./blocks.ts";

/**
 * Clamp range of each fused activation the float kernels apply.
 *
 * @example
 * ```ts
 * import { ACT_RANGE } from "./build.ts";
 * if (ACT_RANGE.RELU6?.[1] !== 6) throw new Error("wrong");
 * ```
 */
export const ACT_RANGE: Readonly<Partial<Record<FusedActivation, [number, number]>>> = {
  NONE: [-Infinity, Infinity],
  RELU: [0, Infinity],
  RELU6: [0, 6],
  RELU_N1_TO_1: [-1, 1],
};

/**
 * Writes a kernel's parameter block into static memory.
 *
 * @example
 * ```ts ignore
 * const p = writeBlock(ctx, UNARY, { x, y, n, min: 0, max: 6, perTask: 1024 });
 * ```
 *
 * @param ctx Build context.
 * @param block The block's layout.
 * @param values Every field, by name.
 * @returns The block's address.
 */
export function writeBlock<F extends BlockFields>(
  ctx: CpuBuildContext,
  block: ParamBlock<F>,
  values: BlockValues<F>,
): number {
  const words = encodeBlock(block, values);
  const a = ctx.alloc(words.byteLength);
  ctx.put(a, words);
  return a;
}

/**
 * A step that runs WebAssembly kernel `name` over `tasks` tasks of the pool.
 *
 * @example
 * ```ts ignore
 * const step = wasmStep(ctx, "un_clamp", p, 4);
 * ```
 *
 * @param ctx Build context.
 * @param name Kernel export name.
 * @param params Address of its parameter block.
 * @param tasks Number of tasks.
 * @returns The step.
 */
export function wasmStep(
  ctx: CpuBuildContext,
  name: string,
  params: number,
  tasks: number,
): CpuStep {
  const fn = ctx.kernel(name);
  return (rt) => rt.pool.run(fn, params, tasks);
}

/**
 * The relaxed-SIMD (fused multiply-add) variant of a kernel when the runtime has it.
 *
 * @example
 * ```ts ignore
 * const name = variant(ctx, "conv_gemm"); // "conv_gemm_relaxed" where available
 * ```
 *
 * @param ctx Build context.
 * @param name Kernel name.
 * @returns The name to dispatch.
 */
export function variant(ctx: CpuBuildContext, name: string): string {
  return ctx.kernel(`${name}_relaxed`) >= 0 ? `${name}_relaxed` : name;
}

/** What a GEMM applies of a node's epilogue in registers. */
export interface GemmEpilogue {
  /** A leading same-shape ADD: the operand's address and the ADD's clamp range. */
  residual?: { addr: number; act: [number, number] };
  /** A PRELU next (or first): its per-channel slopes. */
  slopes?: Float32Array;
  /** A leading HARD_SWISH (alone). */
  hardSwish?: boolean;
  /** How many leading steps these are. */
  applied: number;
}

/**
 * The leading epilogue steps of a node that a GEMM applies in its registers: an ADD of a float32
 * tensor of the output's shape (with the ADD's fused activation), then a PRELU whose slopes are one
 * constant per output channel (`channels` of them), in that order, either one alone; or a
 * HARD_SWISH.
 *
 * @example
 * ```ts ignore
 * const ep = gemmEpilogue(ctx, node, O);
 * return Object.assign([gemm(ctx, { ..., ...ep })], { epilogueApplied: ep.applied });
 * ```
 *
 * @param ctx Build context.
 * @param node The node.
 * @param channels Output channels.
 * @returns What the GEMM applies.
 */
export function gemmEpilogue(
  ctx: CpuBuildContext,
  node: CpuNode<unknown>,
  channels: number,
): GemmEpilogue {
  const out: GemmEpilogue = { applied: 0 };
  const steps = node.epilogue;
  if (steps[0]?.op === "HARD_SWISH") return { hardSwish: true, applied: 1 };
  const add = steps[0];
  const e = add?.extra?.[0];
  const act = ACT_RANGE[(add?.activation ?? "") as FusedActivation];
  const t = e ? ctx.graph.tensors[e.tensor] : undefined;
  const addr = e && t?.dtype === "float32" ? ctx.addr(e.tensor) : undefined;
  if (add?.op === "ADD" && e?.mode === "same" && act && addr !== undefined) {
    out.residual = { addr, act };
    out.applied = 1;
  }
  const prelu = steps[out.applied];
  const s = prelu?.extra?.[0];
  if (prelu?.op !== "PRELU" || !s || s.mode !== "channel") return out;
  const v = ctx.graph.tensors[s.tensor].value;
  if (!v || v.dtype !== "float32" || v.data.length !== channels) return out;
  out.slopes = f32Of(v);
  out.applied++;
  return out;
}

/**
 * A host tensor's data as float32.
 *
 * @example
 * ```ts
 * import { f32Of } from "./build.ts";
 * const d = f32Of({ dtype: "float64", shape: [1], data: new Float64Array([2]) });
 * if (!(d instanceof Float32Array) || d[0] !== 2) throw new Error("wrong");
 * ```
 *
 * @param t The tensor.
 * @returns Its elements as a Float32Array (the same array when it already is one).
 */
export function f32Of(t: HostTensor): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
}

/**
 * Addresses of the listed tensors, or `undefined` if any is not a float32 tensor with one.
 *
 * @example
 * ```ts ignore
 * const a = floatAddrs(ctx, [node.inputs[0], node.outputs[0]]);
 * ```
 *
 * @param ctx Build context.
 * @param ts Tensor indices.
 * @returns Their byte addresses.
 */
export function floatAddrs(ctx: CpuBuildContext, ts: readonly number[]): number[] | undefined {
  const out: number[] = [];
  for (const t of ts) {
    const a = t >= 0 && ctx.graph.tensors[t].dtype === "float32" ? ctx.addr(t) : undefined;
    if (a === undefined) return undefined;
    out.push(a);
  }
  return out;
}

/**
 * A node computed by a loop over float32 views of its operands, on the calling thread. `body`
 * receives the operands' float32 indices (byte address / 4), the first `floatInputs` non-omitted
 * inputs then the outputs, and returns the loop, or `undefined` when the node is outside it.
 *
 * @example
 * ```ts ignore
 * const copy = loopBuilder((ctx, node, [x, y]) => (f) => f.copyWithin(y, x, x + 4));
 * ```
 *
 * @param body Makes the loop.
 * @param floatInputs How many inputs are float32 operands (default 1).
 * @returns The builder.
 */
export function loopBuilder<O>(
  body: (
    ctx: CpuBuildContext,
    node: CpuNode<O>,
    a: number[],
  ) => ((f: Float32Array) => void) | undefined,
  floatInputs = 1,
): CpuBuilder<O> {
  return (ctx, node) => {
    const ins = node.inputs.filter((t) => t >= 0).slice(0, floatInputs);
    const a = floatAddrs(ctx, [...ins, ...node.outputs]);
    if (!a) return undefined;
    const run = body(ctx, node, a.map((x) => x >> 2));
    return run ? [(rt) => run(rt.f32)] : undefined;
  };
}

/**
 * Typed view of an 8-bit tensor's bytes in the backend's memory.
 *
 * @example
 * ```ts
 * import { view8 } from "./build.ts";
 * const v = view8(new Uint8Array([255]), "int8", 0, 1);
 * if (v[0] !== -1) throw new Error("wrong");
 * ```
 *
 * @param u8 Byte view of the memory.
 * @param dtype `int8` or `uint8`.
 * @param addr Byte address.
 * @param n Elements.
 * @returns The view.
 */
export function view8(
  u8: Uint8Array,
  dtype: string,
  addr: number,
  n: number,
): Uint8Array | Int8Array {
  return dtype === "int8" ? new Int8Array(u8.buffer, addr, n) : u8.subarray(addr, addr + n);
}

/**
 * A float32 node whose output is its input's elements (RESHAPE, SQUEEZE, EXPAND_DIMS).
 *
 * @example
 * ```ts ignore
 * export const reshape = { ..., cpu: { float: copyFloat, quant: copy8bit } };
 * ```
 */
export const copyFloat: CpuBuilder<unknown> = loopBuilder((ctx, node, a) => {
  const n = numElements(ctx.graph.tensors[node.outputs[0]].shape);
  return (f) => f.copyWithin(a[1], a[0], a[0] + n);
});

/**
 * An 8-bit node whose output is its input's bytes (RESHAPE, SQUEEZE).
 *
 * @example
 * ```ts ignore
 * export const reshape = { ..., cpu: { float: copyFloat, quant: copy8bit } };
 * ```
 */
export const copy8bit: CpuBuilder<unknown> = (ctx, node) => {
  const T = ctx.graph.tensors;
  const xa = ctx.addr(node.inputs[0]), ya = ctx.addr(node.outputs[0]);
  const x = T[node.inputs[0]], y = T[node.outputs[0]];
  if (xa === undefined || ya === undefined || x.dtype !== y.dtype) return undefined;
  const n = numElements(y.shape);
  return [(rt) => rt.u8.copyWithin(ya, xa, xa + n)];
};
