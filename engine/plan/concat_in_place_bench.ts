// Planning time with concatenation in place on a 700-node inception-like graph (target: under
// 100 ms per plan): `deno bench engine/plan/concat_in_place_bench.ts`.
import { buildExecGraph } from "../../core/exec_graph.ts";
import { kernelFor } from "../../kernels/registry.ts";
import { NetBuilder } from "../../models/_builder.ts";
import { seededRandom } from "../../core/random.ts";
import { buildPlan } from "./plan.ts";
import { memoryLevers } from "./levers.ts";

/** Modules of 4 branches of 1-3 convolutions joined by a concatenation, then a 1x1 reduction. */
function inception(nodes: number) {
  const b = new NetBuilder({ seed: 7 });
  const r = seededRandom(7);
  let x = b.input("x", [1, 14, 14, 32]);
  let count = 0;
  while (count < nodes) {
    const ends: number[] = [];
    for (let k = 0; k < 4; k++) {
      let t = x;
      for (let d = 0; d < 1 + Math.floor(r() * 3); d++, count++) {
        t = b.conv(t, { filters: 8 * (1 + Math.floor(r() * 4)), act: "RELU" });
      }
      ends.push(t);
    }
    x = b.conv(b.concat(ends, 3), { filters: 32, act: "RELU" });
    count += 2;
  }
  b.output(x);
  return buildExecGraph(b.model().subgraphs[0], kernelFor);
}

const graph = inception(700);
const strategy = "GREEDY_BY_SIZE_OFFSETS";
Deno.bench(`buildPlan() of ${graph.nodes.length} nodes`, { group: "plan", baseline: true }, () => {
  buildPlan(graph, { strategy });
});
Deno.bench(`buildPlan() of ${graph.nodes.length} nodes, concatenations in place`, {
  group: "plan",
}, () => {
  buildPlan(graph, { strategy, concatInPlace: true });
});
Deno.bench(`buildPlan() of ${graph.nodes.length} nodes, every lever`, { group: "plan" }, () => {
  buildPlan(graph, { strategy, concatInPlace: true, inPlace: true, reorder: true });
});
Deno.bench(`memoryLevers() of ${graph.nodes.length} nodes`, { n: 3 }, () => {
  memoryLevers(graph);
});
