/**
 * How many distinct GPU programs a network's plan needs, and how many would remain if the numbers
 * baked into their WGSL (shapes, offsets, strides, tile sizes) were read from a uniform block
 * instead: the programs compared with every numeric literal replaced by one placeholder, per op.
 * Each distinct program is one pipeline to compile at session creation.
 *
 * ```sh
 * deno run -A scripts/shader_variety.ts MODEL.tflite...
 * ```
 *
 * @module
 */
import { readModelFile } from "../format/tflite/reader.ts";
import { bindForBackend } from "../engine/variant.ts";
import { buildPlan } from "../engine/plan/plan.ts";

if (Deno.args.length === 0) {
  console.error("usage: deno run -A scripts/shader_variety.ts MODEL.tflite...");
  Deno.exit(2);
}
const NUMBER = /\b\d+(\.\d+)?(e-?\d+)?u?\b/g;
console.log(
  "| network | nodes | distinct programs | with numbers abstracted | by op (abstracted) |",
);
console.log("| --- | ---: | ---: | ---: | --- |");
for (const file of Deno.args) {
  const model = await readModelFile(file);
  const { graph } = bindForBackend(model, {
    subgraph: 0,
    backend: "gpu",
    shapes: [],
    values: [],
    options: {},
  });
  const plan = buildPlan(graph, { backend: "gpu", precision: "f32" });
  const exact = new Set<string>();
  const byOp = new Map<string, Set<string>>();
  plan.programs.forEach((progs, k) => {
    for (const p of progs ?? []) {
      exact.add(p.code);
      const op = plan.graph.nodes[k].op;
      if (!byOp.has(op)) byOp.set(op, new Set());
      byOp.get(op)!.add(p.code.replace(NUMBER, "#"));
    }
  });
  const abstracted = new Set([...byOp.values()].flatMap((s) => [...s]));
  const ops = [...byOp].map(([op, s]) => `${op} ${s.size}`).join(", ");
  const name = file.split("/").at(-1)!.replace(/\.tflite$/, "");
  console.log(
    `| ${name} | ${plan.graph.nodes.length} | ${exact.size} | ${abstracted.size} | ${ops} |`,
  );
}
