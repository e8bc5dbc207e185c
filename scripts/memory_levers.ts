/**
 * The memory levers of every real network and every catalogue network, as a Markdown table:
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

const mib = (b: number) => (b / 2 ** 20).toFixed(3);
// The GPU's binding: 8-bit models dequantized first (activations in float), then the passes.
const graphOf = (m: Awaited<ReturnType<typeof readModelFile>>): ExecGraph =>
  applyPasses(dequantizeGraph(buildExecGraph(m.subgraphs[0], kernelFor)).graph, {}).graph;

const rows: string[][] = [];
const add = (name: string, folder: string, g: ExecGraph) => {
  const t0 = performance.now();
  const l = memoryLevers(g);
  rows.push([
    name,
    folder,
    String(g.nodes.length),
    mib(l.fixedOrderBound),
    mib(l.best.bytes),
    `${mib(l.inPlace.bytes)} (${l.inPlace.inPlacePairs})`,
    `${mib(l.reorderInPlace.bytes)}${l.reorderInPlace.reordered ? " (reordered)" : ""}`,
    `${mib(l.concat.bytes)} (${l.concat.concatNodes})`,
    `${mib(l.all.bytes)}${l.all.reordered ? " (reordered)" : ""}`,
    mib(l.concatBound),
    mib(l.anyOrderBound),
    mib(l.anyOrderConcatBound),
    (performance.now() - t0).toFixed(0),
  ]);
};
for (const folder of ["networks", "quantized"]) {
  const dir = new URL(`../../shared/models/${folder}/`, import.meta.url);
  for (const e of [...Deno.readDirSync(dir)].map((e) => e.name).sort()) {
    add(e.replace(/\.tflite$/, ""), folder, graphOf(await readModelFile(new URL(e, dir))));
  }
}
for (const c of CATALOG) {
  if ("file" in c && c.file) continue;
  let model;
  try {
    model = buildNetwork(c.name);
  } catch {
    continue; // a model file of the catalogue, listed above
  }
  add(c.name, "models", graphOf(model));
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
  "all levers",
  "concat bound",
  "any-order bound",
  "any-order concat bound",
  "levers ms",
];
console.log(`# Memory levers: in-place execution, execution order and concatenation in place

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
  (count of such nodes in brackets); all levers: that with in-place execution and reordering;
- concat bound: the fixed-order bound where, from a placed concatenation's step on, its inputs cost
  nothing while its output (or the output holding it) is alive: no plan in the model's order with
  any of those concatenations in place goes below it;
- any-order concat bound: the any-order bound where, once a placed concatenation's output is
  produced and counted, its inputs count nothing (they may lie inside it).

Where the bounds are equal, the peak sits at one node's operands and no lever can lower it; where
a lever's bound is lower, the gap is what that lever could still win.
`);
console.log(`| ${header.join(" | ")} |`);
console.log(`| ${header.map((_, i) => i < 2 ? "---" : "---:").join(" | ")} |`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
