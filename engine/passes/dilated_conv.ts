/**
 * Dilated convolutions as converters write them: SPACE_TO_BATCH_ND (block `[d, d]`, paddings) ->
 * CONV_2D or DEPTHWISE_CONV_2D (VALID, stride 1) -> BATCH_TO_SPACE_ND (the same block, crops)
 * become one convolution with dilation `d`. With dynamic input shapes the paddings and crops are
 * computed in the graph; once binding has folded them they are constants and the pattern matches.
 *
 * The three ops equal a dilated VALID convolution of the input padded by `paddings - crops`; the
 * rewrite applies when that padding is SAME's for the kernel and dilation (what converters emit for
 * `padding="SAME"`), so the result is a SAME convolution with dilation.
 *
 * @module
 */
import { bindNode, type ExecGraph, type ExecNode } from "../../core/exec_graph.ts";
import { producerIndex, useCounts } from "../../core/topology.ts";
import type { PassResult } from "./types.ts";
import { cloneGraph } from "./_util.ts";

const CONVS = new Set(["CONV_2D", "DEPTHWISE_CONV_2D"]);

function ints(g: ExecGraph, t: number): number[] | undefined {
  const v = t >= 0 ? g.tensors[t].value : undefined;
  return v ? Array.from(v.data as ArrayLike<number | bigint>, Number) : undefined;
}

/** The SAME padding `[before, after]` of a stride-1 convolution. */
function samePads(kernel: number, dilation: number): [number, number] {
  const total = (kernel - 1) * dilation;
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** The producer of a node's input 0 when only that node reads it and it is no graph output. */
function soleProducer(
  g: ExecGraph,
  node: ExecNode,
  ctx: { prod: Map<number, number>; uses: Record<number, number> },
): number | undefined {
  const t = node.inputs[0];
  const p = ctx.prod.get(t);
  if (p === undefined || ctx.uses[t] !== 1 || g.outputs.includes(t)) return undefined;
  return g.nodes[p].epilogue.length === 0 ? p : undefined;
}

/** The dilated convolution replacing one SPACE_TO_BATCH_ND -> conv -> BATCH_TO_SPACE_ND, if any. */
function rewrite(g: ExecGraph, parts: { s2b: ExecNode; conv: ExecNode; b2s: ExecNode }) {
  const { s2b, conv, b2s } = parts;
  const block = ints(g, s2b.inputs[1]);
  const pads = ints(g, s2b.inputs[2]);
  const crops = ints(g, b2s.inputs[2]);
  if (!block || !pads || !crops || block.length !== 2) return undefined;
  if (ints(g, b2s.inputs[1])?.join() !== block.join() || pads.length !== 4 || crops.length !== 4) {
    return undefined;
  }
  const o = conv.raw.options;
  const dilation1 = Number(o.dilationHFactor ?? 1) === 1 && Number(o.dilationWFactor ?? 1) === 1;
  const stride1 = Number(o.strideH ?? 1) === 1 && Number(o.strideW ?? 1) === 1;
  if (o.padding !== "VALID" || !dilation1 || !stride1) return undefined;
  const w = g.tensors[conv.inputs[1]].shape;
  const want = [...samePads(w[1], block[0]), ...samePads(w[2], block[1])];
  if (pads.some((p, i) => p - crops[i] !== want[i])) return undefined;
  const { node, outputs } = bindNode(g.tensors, {
    index: conv.index,
    op: conv.op,
    kernel: conv.kernel,
    inputs: [s2b.inputs[0], ...conv.inputs.slice(1)],
    outputs: b2s.outputs,
    options: { ...o, padding: "SAME", dilationHFactor: block[0], dilationWFactor: block[1] },
    customOptions: conv.raw.customOptions,
  });
  if (outputs[0].shape.join() !== g.tensors[b2s.outputs[0]].shape.join()) return undefined;
  node.fused = [...s2b.fused, ...conv.fused, ...b2s.fused];
  return node;
}

/**
 * Rewrites SPACE_TO_BATCH_ND -> CONV_2D/DEPTHWISE_CONV_2D -> BATCH_TO_SPACE_ND into one dilated
 * convolution where the three are equivalent to it.
 *
 * @example
 * ```ts ignore
 * const { graph, report } = fuseDilatedConv(g);
 * console.log(report.details); // ["SPACE_TO_BATCH_ND#0+CONV_2D#1+BATCH_TO_SPACE_ND#2"]
 * ```
 *
 * @param graph The graph.
 * @returns The rewritten graph and what was fused.
 */
export function fuseDilatedConv(graph: ExecGraph): PassResult {
  const g = cloneGraph(graph);
  const ctx = { prod: producerIndex(g), uses: useCounts(g) };
  const removed = new Set<number>();
  const details: string[] = [];
  g.nodes.forEach((b2s, k) => {
    if (b2s.op !== "BATCH_TO_SPACE_ND" || b2s.epilogue.length > 0 || b2s.quant) return;
    const c = soleProducer(g, b2s, ctx);
    if (c === undefined || !CONVS.has(g.nodes[c].op) || g.nodes[c].quant) return;
    const s = soleProducer(g, g.nodes[c], ctx);
    if (s === undefined || g.nodes[s].op !== "SPACE_TO_BATCH_ND") return;
    const parts = { s2b: g.nodes[s], conv: g.nodes[c], b2s };
    let fused: ExecNode | undefined;
    try {
      fused = rewrite(g, parts);
    } catch {
      return;
    }
    if (!fused) return;
    g.nodes[k] = fused;
    removed.add(s).add(c);
    details.push(
      `SPACE_TO_BATCH_ND#${parts.s2b.index}+${parts.conv.op}#${parts.conv.index}+${b2s.op}#${b2s.index}`,
    );
  });
  g.nodes = g.nodes.filter((_, k) => !removed.has(k));
  return { graph: g, report: { pass: "dilated-conv", applied: details.length, details } };
}
