/**
 * Merges a spatial zero PAD into the following CONV_2D / DEPTHWISE_CONV_2D / AVERAGE_POOL_2D /
 * MAX_POOL_2D with VALID padding: when the pad amounts are exactly what SAME padding would add, the
 * consumer switches to SAME; other non-negative spatial amounts (BlazePose pads 1 or 2 on every
 * side before its stride-2 depthwise layers) become the consumer's explicit padding, which every
 * convolution kernel reads through its indexing. The PAD node and its padded copy disappear. (Pools are merged only for MAX_POOL_2D,
 * whose result does not depend on how many padded elements a window holds... and only when the input
 * is non-negative is that exact, so pools are left alone; convolutions are exact.)
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { PassResult } from "./types.ts";
import { cloneGraph, reparse } from "./_util.ts";
import { producerIndex, useCounts } from "../../core/topology.ts";

const CONSUMERS = new Set(["CONV_2D", "DEPTHWISE_CONV_2D"]);

function samePads(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
): [number, number] {
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - input, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Merges zero padding into convolutions: SAME-equivalent padding as SAME, any other
 * non-negative spatial padding (unless `explicit` is `false`) as the
 * convolution's explicit padding.
 *
 * @example
 * ```ts ignore
 * const { graph, report } = mergePad(g);
 * ```
 *
 * @param graph The graph.
 * @param options `explicit` (default `true`): also fold padding SAME would not add.
 * @returns The new graph and a report.
 */
export function mergePad(graph: ExecGraph, options: { explicit?: boolean } = {}): PassResult {
  const explicit = options.explicit ?? true;
  const g = cloneGraph(graph);
  const uses = useCounts(g);
  const prod = producerIndex(g);
  const removed = new Set<number>();
  const details: string[] = [];
  g.nodes.forEach((node, k) => {
    if (!CONSUMERS.has(node.op) || node.raw.options.padding !== "VALID") return;
    const src = node.inputs[0];
    const p = prod.get(src);
    if (p === undefined || uses[src] !== 1 || g.outputs.includes(src)) return;
    const pad = g.nodes[p];
    if (pad.op !== "PAD" || pad.epilogue.length) return;
    const padsT = g.tensors[pad.inputs[1]];
    if (!padsT?.value) return;
    const pads = Array.from(padsT.value.data as ArrayLike<number | bigint>, Number);
    const x = g.tensors[pad.inputs[0]];
    if (x.shape.length !== 4 || pads.length !== 8) return;
    if (pads[0] || pads[1] || pads[6] || pads[7]) return;
    const w = g.tensors[node.inputs[1]];
    const kh = w.shape[1];
    const kw = w.shape[2];
    const o = node.raw.options;
    const [ph0, ph1] = samePads(
      x.shape[1],
      kh,
      Number(o.strideH ?? 1),
      Number(o.dilationHFactor ?? 1),
    );
    const [pw0, pw1] = samePads(
      x.shape[2],
      kw,
      Number(o.strideW ?? 1),
      Number(o.dilationWFactor ?? 1),
    );
    const same = pads[2] === ph0 && pads[3] === ph1 && pads[4] === pw0 && pads[5] === pw1;
    if (!same && !explicit) return;
    const next = { ...node, inputs: [...node.inputs] };
    next.inputs[0] = pad.inputs[0];
    try {
      reparse(
        g,
        next,
        same ? { ...o, padding: "SAME" } : { ...o, explicitPadding: pads.slice(2, 6) },
      );
    } catch {
      return;
    }
    next.fused = [...pad.fused, ...node.fused];
    g.nodes[k] = next;
    removed.add(p);
    details.push(`PAD#${pad.index}->${node.op}#${node.index}`);
  });
  g.nodes = g.nodes.filter((_, k) => !removed.has(k));
  return { graph: g, report: { pass: "merge-pad", applied: removed.size, details } };
}
