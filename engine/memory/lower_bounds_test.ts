import { strictEqual } from "node:assert";
import { coveredOffsetsLowerBound, objectsLowerBound, offsetsLowerBound } from "./lower_bounds.ts";
import type { UsageRecord } from "./types.ts";
import { overlapInTime } from "./_util.ts";
import { r, SMALL_CHAIN } from "./_test_util.ts";
import { randomRecords } from "./_random.ts";

/** Exhaustive optimum of the shared-objects problem (every partition into compatible groups). */
function bruteObjectsOptimum(records: readonly UsageRecord[]): number {
  const groups: number[][] = [];
  const visit = (i: number): number => {
    if (i === records.length) {
      return groups.reduce((sum, g) => sum + Math.max(...g.map((k) => records[k].size)), 0);
    }
    let best = Infinity;
    for (const group of groups) {
      if (group.some((k) => overlapInTime(records[k], records[i]))) continue;
      group.push(i);
      best = Math.min(best, visit(i + 1));
      group.pop();
    }
    groups.push([i]);
    best = Math.min(best, visit(i + 1));
    groups.pop();
    return best;
  };
  return visit(0);
}

Deno.test("offsetsLowerBound() is the largest live total", () => {
  strictEqual(offsetsLowerBound(SMALL_CHAIN), 12);
  strictEqual(offsetsLowerBound([r(5, 0, 9), r(7, 3, 3), r(1, 9, 9)]), 12);
  strictEqual(offsetsLowerBound([]), 0);
});

Deno.test("objectsLowerBound() sums the largest k-th sizes over tasks", () => {
  // Task 0: {8, 1}; task 1: {5, 4, 3}: ranks give 8 + 4 + 3.
  strictEqual(objectsLowerBound([r(8, 0, 0), r(1, 0, 0), r(5, 1, 1), r(4, 1, 1), r(3, 1, 1)]), 15);
  strictEqual(objectsLowerBound([]), 0);
});

Deno.test("objectsLowerBound() never exceeds the exhaustive optimum", () => {
  let tight = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const records = randomRecords(seed, 7, { tasks: 7, maxLife: 3, maxSize: 30 });
    const optimum = bruteObjectsOptimum(records);
    const bound = objectsLowerBound(records);
    strictEqual(bound <= optimum, true, `seed ${seed}`);
    if (bound === optimum) tight++;
    strictEqual(offsetsLowerBound(records) <= bound, true);
  }
  strictEqual(tight > 0, true);
});

Deno.test("coveredOffsetsLowerBound() frees inner records while a chain of outers holds them", () => {
  // a, b (8 bytes) join into ab (16) at task 2; ab and c (8) join into abc (24) at task 4; `a` is
  // still read at task 5, after ab died, while abc holds it.
  const records = [r(8, 0, 5), r(8, 1, 2), r(16, 2, 4), r(8, 3, 4), r(24, 4, 6)];
  const covers = [{ inner: 0, outer: 2 }, { inner: 1, outer: 2 }, { inner: 2, outer: 4 }, {
    inner: 3,
    outer: 4,
  }];
  strictEqual(offsetsLowerBound(records), 56);
  strictEqual(coveredOffsetsLowerBound(records, covers), 24);
  // Without the second join `a` counts again once ab is gone.
  strictEqual(coveredOffsetsLowerBound(records, covers.slice(0, 2)), 48);
  strictEqual(coveredOffsetsLowerBound(records, []), offsetsLowerBound(records));
});

Deno.test("coveredOffsetsLowerBound() never exceeds the plain bound or the merged groups' bound", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const records = randomRecords(seed, 12, { tasks: 12, maxLife: 4, maxSize: 30 });
    // Cover a record by any later-starting one it is alive at the start of (a join there).
    const covers = records.flatMap((inner, i) => {
      const o = records.findIndex((x, j) =>
        j !== i && x.firstOp > inner.firstOp && x.firstOp <= inner.lastOp
      );
      return o < 0 ? [] : [{ inner: i, outer: o }];
    }).filter((c, _, all) => !all.some((d) => d.inner === c.outer));
    const bound = coveredOffsetsLowerBound(records, covers);
    strictEqual(bound <= offsetsLowerBound(records), true, `seed ${seed}`);
    // All placed: each outer record grows to its inners' span, at least its inners' sum in size.
    const merged = records.map((x) => ({ ...x }));
    const dropped = new Set(covers.map((c) => c.inner));
    for (const c of covers) {
      const o = merged[c.outer];
      o.firstOp = Math.min(o.firstOp, records[c.inner].firstOp);
      o.lastOp = Math.max(o.lastOp, records[c.inner].lastOp);
    }
    for (const [o, inners] of Map.groupBy(covers, (c) => c.outer)) {
      merged[o].size = Math.max(
        merged[o].size,
        inners.reduce((a, c) => a + records[c.inner].size, 0),
      );
    }
    const placed = offsetsLowerBound(merged.filter((_, i) => !dropped.has(i)));
    strictEqual(bound <= placed, true, `seed ${seed}: ${bound} above ${placed}`);
  }
});
