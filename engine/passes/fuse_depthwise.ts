/**
 * Depthwise + pointwise fusion (GPU, on request): a float DEPTHWISE_CONV_2D of depth multiplier 1
 * whose output only a pointwise CONV_2D reads (1x1, stride 1, no padding, one group, float) becomes
 * one DEPTHWISE_POINTWISE node with the pointwise node's outputs and epilogue: one dispatch instead
 * of two, and the depthwise output is never stored.
 *
 * @module
 */
import { bindNode, type ExecGraph, type ExecNode } from "../../core/exec_graph.ts";
import { producerIndex, useCounts } from "../../core/topology.ts";
import type { PassResult } from "./types.ts";
import { cloneGraph } from "./_util.ts";
import { depthwisePointwise, fusedOptions } from "../../kernels/depthwise_pointwise/mod.ts";

function isPointwise(g: ExecGraph, n: ExecNode): boolean {
  const o = n.raw.options;
  const w = g.tensors[n.inputs[1]]?.shape;
  const x = g.tensors[n.inputs[0]]?.shape;
  return n.op === "CONV_2D" && !n.quant && w?.length === 4 && w[1] === 1 && w[2] === 1 &&
    x?.[3] === w[3] && Number(o.strideH ?? 1) === 1 && Number(o.strideW ?? 1) === 1 &&
    o.explicitPadding === undefined && g.tensors[n.outputs[0]].dtype === "float32";
}

function isDepthwise(g: ExecGraph, n: ExecNode): boolean {
  const w = g.tensors[n.inputs[1]]?.shape;
  const x = g.tensors[n.inputs[0]]?.shape;
  return n.op === "DEPTHWISE_CONV_2D" && !n.quant && n.epilogue.length === 0 &&
    w?.length === 4 && x?.[3] === w[3] && g.tensors[n.outputs[0]].dtype === "float32";
}

/**
 * Fuses each depthwise convolution into the pointwise convolution that alone reads it.
 *
 * @example
 * ```ts ignore
 * const { graph, report } = fuseDepthwisePointwise(exec);
 * ```
 *
 * @param graph The graph.
 * @returns The rewritten graph and a report naming each fused pair.
 */
export function fuseDepthwisePointwise(graph: ExecGraph): PassResult {
  const g = cloneGraph(graph);
  const prod = producerIndex(g);
  const uses = useCounts(g);
  const removed = new Set<number>();
  const details: string[] = [];
  g.nodes.forEach((pw, k) => {
    if (!isPointwise(g, pw)) return;
    const t = pw.inputs[0];
    const d = prod.get(t);
    if (d === undefined || uses[t] !== 1 || g.outputs.includes(t)) return;
    const dw = g.nodes[d];
    if (!isDepthwise(g, dw)) return;
    let fused: ExecNode;
    try {
      fused = bindNode(g.tensors, {
        index: dw.index,
        op: depthwisePointwise.name,
        kernel: depthwisePointwise,
        inputs: [
          dw.inputs[0],
          pw.inputs[1],
          pw.inputs[2] ?? -1,
          dw.inputs[1],
          dw.inputs[2] ?? -1,
        ],
        outputs: pw.outputs,
        options: fusedOptions(dw.raw.options, pw.raw.options),
      }).node;
    } catch {
      return;
    }
    fused.epilogue = pw.epilogue;
    fused.fused = [...dw.fused, ...pw.fused];
    g.nodes[k] = fused;
    removed.add(d);
    details.push(`${dw.op}#${dw.index}+${pw.op}#${pw.index}`);
  });
  g.nodes = g.nodes.filter((_, k) => !removed.has(k));
  return {
    graph: g,
    report: { pass: "fuse-depthwise-pointwise", applied: details.length, details },
  };
}
