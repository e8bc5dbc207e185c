// Test helpers of the order search and its bounds: random DAGs and the best peak by brute force.
import { seededRandom } from "../../core/random.ts";
import { type OrderNode, orderPeak } from "./order.ts";

/** A random DAG in topological order: node v writes tensor v+1 and reads 1-3 earlier tensors. */
export function randomDag(
  n: number,
  seed: number,
): { nodes: OrderNode[]; size: (t: number) => number } {
  const r = seededRandom(seed);
  const nodes: OrderNode[] = [];
  for (let v = 0; v < n; v++) {
    const k = 1 + Math.floor(r() * 3);
    const inputs = Array.from({ length: k }, () => Math.floor(r() * (v + 1)));
    nodes.push({ inputs, outputs: [v + 1] });
  }
  const sizes = Array.from({ length: n + 2 }, (_, t) => t === 0 ? 0 : 1 + Math.floor(r() * 100));
  return { nodes, size: (t) => sizes[t] };
}

/** The lowest peak over every topological order (small DAGs only). */
export function bestPeak(nodes: OrderNode[], size: (t: number) => number): number {
  let best = Infinity;
  const producer = new Map(nodes.flatMap((n, v) => n.outputs.map((t) => [t, v] as const)));
  const go = (order: number[], done: Set<number>) => {
    if (order.length === nodes.length) {
      best = Math.min(best, orderPeak(nodes, order, size));
      return;
    }
    nodes.forEach((n, v) => {
      if (done.has(v) || !n.inputs.every((t) => !producer.has(t) || done.has(producer.get(t)!))) {
        return;
      }
      done.add(v);
      go([...order, v], done);
      done.delete(v);
    });
  };
  go([], new Set());
  return best;
}
