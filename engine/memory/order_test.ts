import { ok, strictEqual } from "node:assert";
import { seededRandom } from "../../core/random.ts";
import { anyOrderLowerBound, type OrderNode, orderPeak, searchOrder } from "./order.ts";

/** A random DAG in topological order: node v writes tensor v+1 and reads 1-3 earlier tensors. */
function randomDag(n: number, seed: number): { nodes: OrderNode[]; size: (t: number) => number } {
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

function isTopological(nodes: OrderNode[], order: number[]): boolean {
  const producer = new Map(nodes.flatMap((n, v) => n.outputs.map((t) => [t, v] as const)));
  const at = new Map(order.map((v, i) => [v, i]));
  return order.length === nodes.length &&
    nodes.every((n, v) =>
      n.inputs.every((t) => !producer.has(t) || at.get(producer.get(t)!)! < at.get(v)!)
    );
}

function bruteForce(nodes: OrderNode[], size: (t: number) => number): number {
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

Deno.test("searchOrder() finds the best order of small random DAGs (checked by brute force)", () => {
  for (let seed = 1; seed <= 25; seed++) {
    const { nodes, size } = randomDag(7, seed);
    const r = searchOrder(nodes, size, { timeLimitMs: 1000 });
    ok(isTopological(nodes, r.order), `seed ${seed}: not a topological order`);
    strictEqual(r.peak, orderPeak(nodes, r.order, size), `seed ${seed}: peak`);
    strictEqual(r.peak, Math.min(r.originalPeak, bruteForce(nodes, size)), `seed ${seed}`);
  }
});

Deno.test("searchOrder() on large DAGs gives a topological order no worse than the given one", () => {
  for (const seed of [1, 2, 3]) {
    const { nodes, size } = randomDag(700, seed);
    const r = searchOrder(nodes, size, { timeLimitMs: 200 });
    ok(isTopological(nodes, r.order));
    ok(r.peak <= r.originalPeak);
    ok(r.peak >= anyOrderLowerBound(nodes, size), "below the any-order bound");
  }
});

Deno.test("anyOrderLowerBound() never exceeds the best order's peak", () => {
  for (let seed = 1; seed <= 25; seed++) {
    const { nodes, size } = randomDag(7, seed);
    ok(anyOrderLowerBound(nodes, size) <= bruteForce(nodes, size), `seed ${seed}`);
  }
});

Deno.test("searchOrder() is deterministic: its work budget, not a clock, ends the search", () => {
  const { nodes, size } = randomDag(300, 11);
  const a = searchOrder(nodes, size);
  const b = searchOrder(nodes, size, { timeLimitMs: 1e9 });
  strictEqual(a.method, "beam", "a graph this size leaves the exact search");
  strictEqual(a.order.join(), b.order.join());
  strictEqual(a.peak, b.peak);
  ok(a.peak <= a.originalPeak);
  // A smaller budget narrows the beam but still finishes with a topological order.
  const c = searchOrder(nodes, size, { maxWork: 50_000 });
  ok(isTopological(nodes, c.order) && c.peak <= c.originalPeak);
});
