/**
 * Fused epilogues on the fast CPU backend: each step that came from a source node (ADD, SUB, MUL
 * with its fused activation, or a unary activation) runs as that op's own CPU kernel on the node's
 * output, in place, over the pool, instead of a host loop. Steps are lowered in order; from the
 * first one that has no kernel, the rest stay on the host (`applyEpilogue`).
 *
 * @module
 */
import type { EpilogueStep, ExecNode } from "../../../core/exec_graph.ts";
import type { CpuBuildContext, CpuNode, CpuStep } from "../../../core/kernel.ts";
import { kernelFor } from "../../../kernels/registry.ts";
import { sourceActivation } from "../../passes/fuse_epilogue.ts";

/** A node's epilogue split into kernel steps and the steps left to the host. */
export interface LoweredEpilogue {
  /** Steps that run as kernels, in order. */
  steps: CpuStep[];
  /** The epilogue's remaining steps, applied on the host after `steps`. */
  host: EpilogueStep[];
}

/**
 * Lowers a node's epilogue, past the steps its own kernel applies, to its source ops' float CPU
 * kernels, as far as they go.
 *
 * @example
 * ```ts ignore
 * const { steps, host } = lowerEpilogue(ctx, node);
 * ```
 *
 * @param ctx Build context.
 * @param node The node (float32 output 0).
 * @param applied Leading steps the node's own kernel already applies.
 * @returns Kernel steps and the host remainder.
 */
export function lowerEpilogue(
  ctx: CpuBuildContext,
  node: ExecNode,
  applied = 0,
): LoweredEpilogue {
  const steps: CpuStep[] = [];
  const out = node.outputs[0];
  let k = applied;
  for (; k < node.epilogue.length; k++) {
    const st = node.epilogue[k];
    const activation = sourceActivation(st);
    const build = kernelFor(st.op)?.cpu?.float;
    if (activation === undefined || !build) break;
    const source: CpuNode<unknown> = {
      op: st.op,
      options: { activation },
      inputs: [out, ...st.extra.map((e) => e.tensor)],
      outputs: [out],
      epilogue: [],
    };
    const built = build(ctx, source);
    if (!built) break;
    steps.push(...built);
  }
  return { steps, host: node.epilogue.slice(k) };
}
