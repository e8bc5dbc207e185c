import { ok, strictEqual } from "node:assert";
import { bestPeak, randomDag } from "./_order_testing.ts";
import { anyOrderLowerBound, type OrderNode, orderPeak, searchOrder } from "./order.ts";

function isTopological(nodes: OrderNode[], order: number[]): boolean {
  const producer = new Map(nodes.flatMap((n, v) => n.outputs.map((t) => [t, v] as const)));
  const at = new Map(order.map((v, i) => [v, i]));
  return order.length === nodes.length &&
    nodes.every((n, v) =>
      n.inputs.every((t) => !producer.has(t) || at.get(producer.get(t)!)! < at.get(v)!)
    );
}

Deno.test("searchOrder() finds the best order of small random DAGs (checked by brute force)", () => {
  for (let seed = 1; seed <= 25; seed++) {
    const { nodes, size } = randomDag(7, seed);
    const r = searchOrder(nodes, size, { timeLimitMs: 1000 });
    ok(isTopological(nodes, r.order), `seed ${seed}: not a topological order`);
    strictEqual(r.peak, orderPeak(nodes, r.order, size), `seed ${seed}: peak`);
    strictEqual(r.peak, Math.min(r.originalPeak, bestPeak(nodes, size)), `seed ${seed}`);
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
    ok(anyOrderLowerBound(nodes, size) <= bestPeak(nodes, size), `seed ${seed}`);
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
