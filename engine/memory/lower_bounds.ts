import type { UsageRecord } from "./types.ts";
import { checkRecords, liveSizes, liveTensors } from "./_util.ts";

/**
 * Lower bound on any offsets plan's arena size: the largest total size alive at one task (those
 * tensors must all occupy disjoint bytes).
 *
 * @param records The tensors' usage records.
 * @returns Bytes; 0 for no records.
 *
 * @example
 * ```ts
 * import { offsetsLowerBound } from "./lower_bounds.ts";
 * import { strictEqual } from "node:assert";
 *
 * strictEqual(offsetsLowerBound([
 *   { size: 8, firstOp: 0, lastOp: 1 },
 *   { size: 4, firstOp: 1, lastOp: 2 },
 *   { size: 6, firstOp: 2, lastOp: 3 },
 * ]), 12);
 * ```
 */
export function offsetsLowerBound(records: readonly UsageRecord[]): number {
  checkRecords(records);
  let best = 0;
  for (const size of liveSizes(records)) best = Math.max(best, size);
  return best;
}

/**
 * Lower bound on any shared-objects plan's cost: rank each task's live tensors by size, largest
 * first; the k-th object must be at least the largest k-th size seen at any task (the tensors
 * alive at a task sit in distinct objects), so the bound is the sum over k of those maxima.
 *
 * @param records The tensors' usage records.
 * @returns Bytes; 0 for no records.
 *
 * @example
 * ```ts
 * import { objectsLowerBound } from "./lower_bounds.ts";
 * import { strictEqual } from "node:assert";
 *
 * // Task 1 holds {8, 4}, task 2 holds {4, 6}: ranks give max(8, 6) + max(4, 4).
 * strictEqual(objectsLowerBound([
 *   { size: 8, firstOp: 0, lastOp: 1 },
 *   { size: 4, firstOp: 1, lastOp: 2 },
 *   { size: 6, firstOp: 2, lastOp: 3 },
 * ]), 12);
 * ```
 */
export function objectsLowerBound(records: readonly UsageRecord[]): number {
  checkRecords(records);
  const rankMax: number[] = [];
  for (const tensors of liveTensors(records)) {
    const sizes = tensors.map((i) => records[i].size).sort((a, b) => b - a);
    for (let k = 0; k < sizes.length; k++) {
      rankMax[k] = Math.max(rankMax[k] ?? 0, sizes[k]);
    }
  }
  return rankMax.reduce((sum, size) => sum + size, 0);
}

/** A record that may sit inside another's memory (an input of a concatenation in place). */
export interface RecordCover {
  /** Index of the record that may be placed. */
  inner: number;
  /** Index of the record that may hold it; it starts at the task that joins them. */
  outer: number;
}

/**
 * Lower bound on any offsets plan's arena when some records may be placed inside others (each
 * `inner` inside its `outer`, from the task `outer` starts at, chains allowed) or kept apart, in any
 * combination. From `outer`'s first task on, an inner record costs nothing while its outer record
 * is alive or itself covered: placed, it lies inside the outer bytes; kept apart, the outer bytes
 * are counted anyway and the inner ones only add. Before that task every record counts. So each
 * inner record is counted on its lifetime less its covered span, and the bound is the largest total
 * at one task. Every placement choice is at or above it; with no covers it equals
 * {@linkcode offsetsLowerBound}.
 *
 * @param records The tensors' usage records.
 * @param covers Which records may sit inside which.
 * @returns Bytes; 0 for no records.
 *
 * @example Two 8-byte branches joined into a 16-byte output at task 2
 * ```ts
 * import { coveredOffsetsLowerBound, offsetsLowerBound } from "./lower_bounds.ts";
 * import { strictEqual } from "node:assert";
 *
 * const records = [
 *   { size: 8, firstOp: 0, lastOp: 2 },
 *   { size: 8, firstOp: 1, lastOp: 2 },
 *   { size: 16, firstOp: 2, lastOp: 3 },
 * ];
 * strictEqual(offsetsLowerBound(records), 32);
 * strictEqual(coveredOffsetsLowerBound(records, [{ inner: 0, outer: 2 }, { inner: 1, outer: 2 }]), 16);
 * ```
 */
export function coveredOffsetsLowerBound(
  records: readonly UsageRecord[],
  covers: readonly RecordCover[],
): number {
  checkRecords(records);
  const outerOf = new Map(covers.map((c) => [c.inner, c.outer]));
  // The last task at which a record is alive or covered by a chain of outer records.
  const reach = (r: number): number => {
    const o = outerOf.get(r);
    return o === undefined ? records[r].lastOp : Math.max(records[r].lastOp, reach(o));
  };
  const pieces: UsageRecord[] = [];
  records.forEach((r, i) => {
    const o = outerOf.get(i);
    if (o === undefined) {
      pieces.push(r);
      return;
    }
    const from = records[o].firstOp, to = reach(o);
    if (r.firstOp < from) pieces.push({ ...r, lastOp: Math.min(r.lastOp, from - 1) });
    if (r.lastOp > to) pieces.push({ ...r, firstOp: Math.max(r.firstOp, to + 1) });
  });
  return offsetsLowerBound(pieces);
}
