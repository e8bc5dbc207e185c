// Planning time of the execution-order search on 700-node graphs (target: under 100 ms).
import { seededRandom } from "../../core/random.ts";
import { type OrderNode, searchOrder } from "./order.ts";

function chainOfModules(n: number, seed: number): { nodes: OrderNode[]; sizes: number[] } {
  // Inception-like: modules of 4 branches of 1-3 nodes joined by a concatenation.
  const r = seededRandom(seed);
  const nodes: OrderNode[] = [];
  const sizes = [0];
  let last = 0;
  const add = (inputs: number[]) => {
    sizes.push(1 + Math.floor(r() * 1000));
    nodes.push({ inputs, outputs: [sizes.length - 1] });
    return sizes.length - 1;
  };
  while (nodes.length < n) {
    const ends: number[] = [];
    for (let b = 0; b < 4; b++) {
      let t = last;
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) t = add([t]);
      ends.push(t);
    }
    last = add(ends);
  }
  return { nodes, sizes };
}

const { nodes, sizes } = chainOfModules(700, 1);
Deno.bench("searchOrder() on a 700-node inception-like graph (default work budget)", () => {
  searchOrder(nodes, (t) => sizes[t]);
});
