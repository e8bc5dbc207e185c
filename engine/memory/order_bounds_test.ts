import { ok, strictEqual } from "node:assert";
import { bestPeak, randomDag } from "./_order_testing.ts";
import { anyOrderLowerBound } from "./order.ts";
import { liveAcrossLowerBound } from "./order_bounds.ts";

Deno.test("liveAcrossLowerBound() lies between the operand bound and the best order's peak", () => {
  let tighter = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const { nodes, size } = randomDag(7, seed);
    const bound = liveAcrossLowerBound(nodes, { size });
    const operands = anyOrderLowerBound(nodes, size);
    ok(bound >= operands, `seed ${seed}: below the operand bound`);
    ok(bound <= bestPeak(nodes, size), `seed ${seed}: above the best order's peak`);
    if (bound > operands) tighter++;
  }
  ok(tighter > 0, "never tighter than the operand bound");
});

Deno.test("liveAcrossLowerBound() counts a held tensor once, inside its holder", () => {
  // 0 -> a (1), 0 -> b (2); concat(a, b) -> c (3); c -> d (4); d and a -> e (5): `a` is read after
  // the concatenation, so it lives across node 3 beside c unless it lies inside c.
  const nodes = [
    { inputs: [0], outputs: [1] },
    { inputs: [0], outputs: [2] },
    { inputs: [1, 2], outputs: [3] },
    { inputs: [3], outputs: [4] },
    { inputs: [4, 1], outputs: [5] },
  ];
  const size = (t: number) => [0, 8, 8, 16, 16, 0][t];
  strictEqual(liveAcrossLowerBound(nodes, { size }), 40); // node 3: c + d + a
  const holders = new Map([[1, 3], [2, 3]]);
  strictEqual(liveAcrossLowerBound(nodes, { size, holders }), 32); // node 2 or 3: c + d
  // d written in place over c: node 2 (a + b + c) holds the peak, unless a and b lie inside c;
  // then node 4 (d + a, c gone) does.
  const inPlace = (v: number) => v === 3;
  strictEqual(liveAcrossLowerBound(nodes, { size, inPlace }), 32);
  strictEqual(liveAcrossLowerBound(nodes, { size, inPlace, holders }), 24);
});
