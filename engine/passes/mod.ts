/**
 * Graph passes, each a pure function over the exec graph, run in a fixed order before execution.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { PassReport, PassResult } from "./types.ts";
import { foldConstants } from "./fold_constants.ts";
import { removeIdentity } from "./remove_identity.ts";
import { mergePad } from "./merge_pad.ts";
import { fuseDilatedConv } from "./dilated_conv.ts";
import { foldMulAdd } from "./fold_mul_add.ts";
import { fuseActivations } from "./fuse_activation.ts";
import { fuseEpilogues } from "./fuse_epilogue.ts";
import { fuseDepthwisePointwise } from "./fuse_depthwise.ts";

export type { Pass, PassReport, PassResult } from "./types.ts";
export {
  foldConstants,
  foldMulAdd,
  fuseActivations,
  fuseDepthwisePointwise,
  fuseDilatedConv,
  fuseEpilogues,
  mergePad,
  removeIdentity,
};
/** Not in {@linkcode PASSES}: backends that run 8-bit graphs in float (the GPU) call it first. */
export { dequantizeGraph } from "./dequantize.ts";

/** Options of {@linkcode applyPasses}. */
export interface PassOptions {
  /** Names of the passes to run (default: all). */
  only?: string[];
  /** `false` skips epilogue fusion. */
  fuseEpilogues?: boolean;
  /** `false`: merge-pad folds only SAME-equivalent padding, not explicit amounts. */
  explicitPads?: boolean;
  /** `true` runs the depthwise + pointwise fusion (GPU sessions that ask for it). */
  depthwisePointwise?: boolean;
}

/** The passes in the order they run. */
export const PASSES: readonly {
  name: string;
  run: (graph: ExecGraph, options: PassOptions) => PassResult;
  fusion?: boolean;
  /** Runs only when this option is `true`. */
  optIn?: "depthwisePointwise";
}[] = [
  { name: "fold-constants", run: foldConstants },
  { name: "remove-identity", run: removeIdentity },
  { name: "dilated-conv", run: fuseDilatedConv },
  { name: "merge-pad", run: (g, o) => mergePad(g, { explicit: o.explicitPads !== false }) },
  { name: "fold-mul-add", run: foldMulAdd },
  { name: "fuse-activations", run: fuseActivations },
  { name: "fuse-epilogues", run: fuseEpilogues, fusion: true },
  {
    name: "fuse-depthwise-pointwise",
    run: fuseDepthwisePointwise,
    fusion: true,
    optIn: "depthwisePointwise",
  },
];

/**
 * Runs the passes in order.
 *
 * @example
 * ```ts ignore
 * const { graph, reports } = applyPasses(exec, {});
 * ```
 *
 * @param graph The graph.
 * @param options Which passes run and how (see {@linkcode PassOptions}).
 * @returns The rewritten graph and one report per pass run.
 */
export function applyPasses(
  graph: ExecGraph,
  options: PassOptions = {},
): { graph: ExecGraph; reports: PassReport[] } {
  let g = graph;
  const reports: PassReport[] = [];
  for (const p of PASSES) {
    if (options.only && !options.only.includes(p.name)) continue;
    if (p.fusion && options.fuseEpilogues === false) continue;
    if (p.optIn && options[p.optIn] !== true) continue;
    const r = p.run(g, options);
    g = r.graph;
    reports.push(r.report);
  }
  return { graph: g, reports };
}
