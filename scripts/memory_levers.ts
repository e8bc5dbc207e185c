/**
 * The memory levers of every real network (shared/models, and the npm MediaPipe packages' networks
 * found on this machine) and every catalogue network, as a Markdown table:
 * the fixed-order offsets lower bound, the best offsets plan in the model's order, with in-place
 * execution, with reordering and in-place, with concatenations in place (alone and with every
 * lever), and the lower bounds that hold for each.
 *
 * ```sh
 * deno run -A scripts/memory_levers.ts > docs/results/plans/levers.md
 * ```
 *
 * @module
 */
import { buildExecGraph, type ExecGraph } from "../core/exec_graph.ts";
import { readModelFile } from "../format/tflite/reader.ts";
import { kernelFor } from "../kernels/registry.ts";
import { applyPasses, dequantizeGraph } from "../engine/passes/mod.ts";
import { memoryLevers } from "../engine/plan/levers.ts";
import { buildNetwork, CATALOG } from "../models/catalog.ts";
import { networkSources } from "../bench/cpu_vs_litert.ts";

const mib = (b: number) => (b / 2 ** 20).toFixed(3);
// The GPU's binding: 8-bit models dequantized first (activations in float), then the passes.
// A `-1` (batch) dimension counts as 1.
type Read = Awaited<ReturnType<typeof readModelFile>>;
const boundGraph = (m: Read): ExecGraph => {
  const sg = m.subgraphs[0];
  const shapes = sg.inputs.map((t) => sg.tensors[t].shape.map((d) => d < 0 ? 1 : d));
  return dequantizeGraph(buildExecGraph(sg, kernelFor, { inputShapes: shapes })).graph;
};

const rows: string[][] = [];
const add = (name: string, folder: string, m: Read) => {
  const t0 = performance.now();
  const bound = boundGraph(m);
  // The bounds' graph: merge-pad folds only SAME-equivalent padding (`explicitPads: false`).
  const g = applyPasses(bound, { explicitPads: false }).graph;
  const l = memoryLevers(g);
  // Every PAD folded into its convolution as explicit padding (the default passes).
  const folded = applyPasses(bound).graph;
  const pads = g.nodes.length - folded.nodes.length;
  const f = pads > 0 ? memoryLevers(folded) : l;
  const all = f.all.bytes < l.all.bytes ? f.all : l.all;
  const below = 1 - all.bytes / l.fixedOrderBound;
  rows.push([
    name,
    folder,
    String(g.nodes.length),
    mib(l.fixedOrderBound),
    mib(l.best.bytes),
    `${mib(l.inPlace.bytes)} (${l.inPlace.inPlacePairs})`,
    `${mib(l.reorderInPlace.bytes)}${l.reorderInPlace.reordered ? " (reordered)" : ""}`,
    `${mib(l.concat.bytes)} (${l.concat.concatNodes})`,
    `${mib(f.best.bytes)} (${pads})`,
    `${mib(all.bytes)}${all.reordered ? " (reordered)" : ""}`,
    below > 0.0005 ? `-${(100 * below).toFixed(1)}%` : "",
    mib(l.concatBound),
    mib(l.anyOrderBound),
    mib(l.anyOrderConcatBound),
    (performance.now() - t0).toFixed(0),
  ]);
};
// The real float networks: shared/models/networks, then those of the npm MediaPipe packages
// found on this machine (the CPU comparison's list); then the real 8-bit files.
for (const src of await networkSources()) {
  if ("skipped" in src) continue;
  const folder = src.path.includes("/shared/models/networks/") ? "networks" : "npm";
  add(src.network, folder, await readModelFile(src.path));
}
const quantized = new URL("../../shared/models/quantized/", import.meta.url);
for (const e of [...Deno.readDirSync(quantized)].map((e) => e.name).sort()) {
  add(e.replace(/\.tflite$/, ""), "quantized", await readModelFile(new URL(e, quantized)));
}
for (const c of CATALOG) {
  if ("file" in c && c.file) continue;
  let model;
  try {
    model = buildNetwork(c.name);
  } catch {
    continue; // a model file of the catalogue, listed above
  }
  add(c.name, "models", model);
}
const header = [
  "network",
  "folder",
  "nodes",
  "fixed-order bound",
  "best",
  "in-place (pairs)",
  "reordered + in-place",
  "concat in place (nodes)",
  "pads folded (PADs)",
  "all levers",
  "below the bound",
  "concat bound",
  "any-order bound",
  "any-order concat bound",
  "levers ms",
];
console.log(
  `# Memory levers: in-place execution, execution order, concatenation in place, PAD folding

MiB of intermediate tensors (PHWC4 f32 as the GPU binds them, 8-bit models dequantized; offsets
plans, best of GPULITE_OFFSETS and GREEDY_BY_SIZE_OFFSETS). Made by \`deno run -A scripts/memory_levers.ts\`.

- fixed-order bound: the largest total alive at one node in the model's order, no sharing between
  an op's input and output (no offsets plan in that order can be smaller);
- any-order bound: while a node runs, its inputs and outputs (less one input an in-place node
  overwrites) and every tensor produced by an ancestor of the node and read by a descendant (alive
  across the node in every order) must coexist, so no order and no in-place choice can go below the
  largest such sum;
- concat in place: each input of a concatenation whose inputs are contiguous blocks of its output
  (PHWC4: channels in whole slices, batch 1) written straight into the output, the node a no-op
  (count of such nodes in brackets);
- pads folded: the best plan once every zero PAD before a convolution is folded into it as explicit
  padding (the default passes; the convolution reads the unpadded input through its indexing, the
  padded copy never exists; PAD nodes folded in brackets). The other columns and every bound are
  of the graph where merge-pad folds only SAME-equivalent padding;
- all levers: the lowest of every lever together (in-place execution, reordering, concatenations
  in place, with and without the PAD folds), and how far it is below the fixed-order bound;
- concat bound: the fixed-order bound where, from a placed concatenation's step on, its inputs cost
  nothing while its output (or the output holding it) is alive: no plan in the model's order with
  any of those concatenations in place goes below it;
- any-order concat bound: the any-order bound where, once a placed concatenation's output is
  produced and counted, its inputs count nothing (they may lie inside it).

Where the bounds are equal, the peak sits at one node's operands and no lever can lower it; where
a lever's bound is lower, the gap is what that lever could still win.
`,
);
console.log(`| ${header.join(" | ")} |`);
console.log(`| ${header.map((_, i) => i < 2 ? "---" : "---:").join(" | ")} |`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
