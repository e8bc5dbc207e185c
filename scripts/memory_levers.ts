/**
 * The memory levers of every real network and every catalogue network, as a Markdown table:
 * the fixed-order offsets lower bound, the best offsets plan in the model's order, with in-place
 * execution, with reordering and in-place, and the lower bound for any order and in-place choice.
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
import { applyPasses } from "../engine/passes/mod.ts";
import { memoryLevers } from "../engine/plan/levers.ts";
import { buildNetwork, CATALOG } from "../models/catalog.ts";

const mib = (b: number) => (b / 2 ** 20).toFixed(3);
const graphOf = (m: Awaited<ReturnType<typeof readModelFile>>): ExecGraph =>
  applyPasses(buildExecGraph(m.subgraphs[0], kernelFor), {}).graph;

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
    mib(l.anyOrderBound),
    (performance.now() - t0).toFixed(0),
  ]);
};
const dir = new URL("../../shared/models/networks/", import.meta.url);
for (const e of [...Deno.readDirSync(dir)].map((e) => e.name).sort()) {
  add(e.replace(/\.tflite$/, ""), "networks", graphOf(await readModelFile(new URL(e, dir))));
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
  "any-order bound",
  "levers ms",
];
console.log(`# Memory levers: in-place execution and execution order

MiB of intermediate tensors (PHWC4 f32, offsets plans, best of GPULITE_OFFSETS and
GREEDY_BY_SIZE_OFFSETS). Made by \`deno run -A scripts/memory_levers.ts\`.

- fixed-order bound: the largest total alive at one node in the model's order, no sharing between
  an op's input and output (no offsets plan in that order can be smaller);
- any-order bound: for every node, its inputs and outputs must coexist (less one input an in-place
  node overwrites), so no order and no in-place choice can go below the largest such sum.

Where the two bounds are equal, the peak sits at one node's operands and neither lever can lower
it; where the any-order bound is lower, the gap is what a better order or aliasing could still win.
`);
console.log(`| ${header.join(" | ")} |`);
console.log(`| ${header.map((_, i) => i < 2 ? "---" : "---:").join(" | ")} |`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
