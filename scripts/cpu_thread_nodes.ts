/**
 * Where the cpu backend's time goes per thread count: one network at several thread counts, the
 * per-node minimum over `--runs` profiled runs, summed by op, and the nodes whose time grows most
 * from the first thread count to the last. Finds dispatch overhead that grows with threads.
 *
 * ```sh
 * deno run -A scripts/cpu_thread_nodes.ts MODEL.tflite [--threads 2,16] [--runs 10] [--top 12]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createSession, loadModel } from "../engine/session.ts";
import { sessionInternals } from "../engine/session.ts";
import { seededRandom } from "../core/random.ts";
import type { HostTensor } from "../core/kernel.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    threads: { type: "string", default: "2,16" },
    runs: { type: "string", default: "10" },
    top: { type: "string", default: "12" },
  },
});
const threads = values.threads.split(",").map(Number);
for (const file of positionals) {
  const model = await loadModel(file);
  const best: Map<number, number>[] = [];
  const totals: number[][] = [];
  let graph;
  for (const t of threads) {
    const s = await createSession(model, { backend: "cpu", threads: t, profile: true });
    graph = sessionInternals(s).graph;
    const rand = seededRandom(1);
    const inputs: HostTensor[] = s.inputs.map((x) => ({
      dtype: "float32",
      shape: [...x.shape],
      data: Float32Array.from({ length: x.shape.reduce((a, b) => a * b, 1) }, () => rand()),
    }));
    const m = new Map<number, number>();
    const tot: number[] = [];
    await s.run(inputs);
    for (let r = 0; r < Number(values.runs); r++) {
      await s.run(inputs);
      let sum = 0;
      for (const x of s.timings!) {
        m.set(x.node, Math.min(m.get(x.node) ?? Infinity, x.ms));
        sum += x.ms;
      }
      tot.push(sum);
    }
    best.push(m);
    totals.push(tot.sort((a, b) => a - b));
    s.dispose();
  }
  const g = graph!;
  console.log(`# ${file}`);
  console.log(
    `median of node sums: ${
      threads.map((t, i) => `${t}t ${totals[i][totals[i].length >> 1].toFixed(2)} ms`).join(", ")
    }`,
  );
  console.log(
    `sum of per-node minima: ${
      threads.map((t, i) =>
        `${t}t ${[...best[i].values()].reduce((a, b) => a + b, 0).toFixed(2)} ms`
      )
        .join(", ")
    }`,
  );
  const byOp = new Map<string, number[]>();
  for (const [node, _] of best[0]) {
    const op = g.nodes[node].op;
    const row = byOp.get(op) ?? threads.map(() => 0);
    threads.forEach((_, i) => row[i] += best[i].get(node) ?? 0);
    byOp.set(op, row);
  }
  console.log(`\n| op | nodes | ${threads.map((t) => `${t}t ms`).join(" | ")} |`);
  console.log(`|---|---:|${threads.map(() => "---:").join("|")}|`);
  for (const [op, row] of [...byOp].sort((a, b) => b[1].at(-1)! - a[1].at(-1)!)) {
    const count = g.nodes.filter((n) => n.op === op).length;
    console.log(`| ${op} | ${count} | ${row.map((v) => v.toFixed(3)).join(" | ")} |`);
  }
  const grow = [...best[0].keys()].map((node) => ({
    node,
    a: best[0].get(node)!,
    b: best.at(-1)!.get(node)!,
  })).sort((x, y) => (y.b - y.a) - (x.b - x.a)).slice(0, Number(values.top));
  console.log(`\nnodes that grow most (${threads[0]}t -> ${threads.at(-1)}t):`);
  for (const x of grow) {
    const n = g.nodes[x.node];
    console.log(
      `  ${x.node} ${n.op} out[${g.tensors[n.outputs[0]].shape}] ${x.a.toFixed(3)} -> ${
        x.b.toFixed(3)
      } ms`,
    );
  }
}
