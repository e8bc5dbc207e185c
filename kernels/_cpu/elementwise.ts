/**
 * Float32 elementwise builders shared by several ops: binary ops with broadcasting of a channel
 * vector or a scalar (ADD, SUB, MUL, PRELU) and clamped unary ops (the RELU family, HARD_SWISH).
 *
 * @module
 */
import type { CpuBuilder } from "../../core/kernel.ts";
import { numElements } from "../../core/ir.ts";
import type { FusedActivation } from "../_gpu/wgsl.ts";
import { BINARY, UNARY } from "./blocks.ts";
import { ACT_RANGE, floatAddrs, wasmStep, writeBlock } from "./build.ts";

/** How operand `b` repeats against the output: same shape, a channel vector, or one value. */
function broadcastMode(b: number[], out: number[]): "same" | "channel" | "scalar" | undefined {
  const nb = numElements(b), no = numElements(out);
  if (nb === no && b.length <= out.length) return "same";
  if (nb === 1) return "scalar";
  const c = out.at(-1)!;
  if (nb === c && b.at(-1) === c) return "channel";
  return undefined;
}

/**
 * Builder of a float32 binary elementwise node with a fused activation (`bin_*` kernels): operands of
 * the output's shape, a per-channel vector, or one value, on either side.
 *
 * @example
 * ```ts ignore
 * export const add = { ..., cpu: { float: binaryBuilder("add") } };
 * ```
 *
 * @param op The kernel family.
 * @returns The builder.
 */
export function binaryBuilder(op: "add" | "sub" | "mul" | "prelu"): CpuBuilder<unknown> {
  return (ctx, node) => {
    const activation = (node.options as { activation?: FusedActivation }).activation ?? "NONE";
    const act = ACT_RANGE[activation];
    const [ai, bi] = node.inputs;
    const out = node.outputs[0];
    const a = floatAddrs(ctx, [ai, bi, out]);
    if (!act || !a) return undefined;
    const g = ctx.graph;
    const os = g.tensors[out].shape;
    let [pa, pb] = [a[0], a[1]];
    let name: string = op;
    let mode = numElements(g.tensors[ai].shape) === numElements(os)
      ? broadcastMode(g.tensors[bi].shape, os)
      : undefined;
    if (!mode && op !== "prelu" && numElements(g.tensors[bi].shape) === numElements(os)) {
      mode = broadcastMode(g.tensors[ai].shape, os);
      [pa, pb] = [a[1], a[0]];
      if (op === "sub") name = "rsub";
    }
    if (!mode) return undefined;
    const total = numElements(os);
    let C = os.at(-1) ?? 1;
    if (mode !== "channel") {
      C = 1;
      for (let d = os.length - 1; d >= 0 && C < 256; d--) C *= os[d];
    }
    C = Math.max(C, 1);
    const rows = total / C;
    const RT = Math.max(1, Math.ceil(rows / (ctx.threads * 4)));
    const p = writeBlock(ctx, BINARY, {
      a: pa,
      b: pb,
      out: a[2],
      rowLength: C,
      aStride: C * 4,
      bStride: mode === "same" ? C * 4 : 0,
      outStride: C * 4,
      min: act[0],
      max: act[1],
      rowsPerTask: RT,
      rows,
    });
    return [
      wasmStep(ctx, `bin_${name}${mode === "scalar" ? "_splat" : ""}`, p, Math.ceil(rows / RT)),
    ];
  };
}

/**
 * Builder of a float32 unary elementwise node (`un_*` kernels) clamped to `range`.
 *
 * @example
 * ```ts ignore
 * export const relu6 = { ..., cpu: { float: unaryBuilder("un_clamp", [0, 6]) } };
 * ```
 *
 * @param kernel The kernel.
 * @param range Clamp range of the result.
 * @returns The builder.
 */
export function unaryBuilder(
  kernel: "un_clamp" | "un_hard_swish" | "un_logistic",
  range: [number, number],
): CpuBuilder<unknown> {
  return (ctx, node) => {
    const a = floatAddrs(ctx, [node.inputs[0], node.outputs[0]]);
    if (!a) return undefined;
    const n = numElements(ctx.graph.tensors[node.outputs[0]].shape);
    const ET = Math.max(1024, Math.ceil(n / (ctx.threads * 4) / 4) * 4);
    const p = writeBlock(ctx, UNARY, {
      x: a[0],
      y: a[1],
      n,
      min: range[0],
      max: range[1],
      perTask: ET,
    });
    return [wasmStep(ctx, kernel, p, Math.ceil(n / ET))];
  };
}
