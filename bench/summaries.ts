/**
 * Results derived from measurements: the numeric difference of two runs' outputs, the intermediate
 * memory of every strategy against the lower bounds, and speedups of GPU results over baselines.
 *
 * @module
 */
import type { HostTensor } from "../core/kernel.ts";
import { compareTensors } from "../conformance/compare.ts";
import {
  objectsLowerBound,
  offsetsLowerBound,
  planCost,
  STRATEGIES,
  type UsageRecord,
} from "../engine/memory/mod.ts";
import type {
  MemoryResult,
  NetworkResult,
  OutputDiff,
  Speedup,
  StrategyCost,
} from "./measure_types.ts";

/**
 * The first line of an error's message, at most 500 characters, for a result's `error` field.
 *
 * @example
 * ```ts
 * import { errorLine } from "./summaries.ts";
 * if (errorLine(new Error("no device\nstack")) !== "no device") throw new Error("wrong");
 * ```
 *
 * @param e What was thrown.
 * @returns One line.
 */
export function errorLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0].slice(0, 500);
}

/**
 * The numeric difference of one run's outputs from another's (infinite when the counts differ).
 *
 * @example
 * ```ts
 * import { diffOf } from "./summaries.ts";
 * const t = (x: number) => ({ dtype: "float32" as const, shape: [1], data: new Float32Array([x]) });
 * const d = diffOf([t(1.5)], { id: "reference", outputs: [t(1)] });
 * if (d.maxAbs !== 0.5 || d.against !== "reference") throw new Error("wrong");
 * ```
 *
 * @param ours The outputs compared.
 * @param against The id and outputs of the result compared against.
 * @returns Max absolute and largest relative difference over the outputs.
 */
export function diffOf(
  ours: readonly HostTensor[],
  against: { id: string; outputs: readonly HostTensor[] },
): OutputDiff {
  const theirs = against.outputs;
  let maxAbs = 0;
  let rel = 0;
  if (ours.length !== theirs.length) {
    return { against: against.id, maxAbs: Infinity, rel: Infinity };
  }
  ours.forEach((o, i) => {
    const d = compareTensors(o, theirs[i]);
    maxAbs = Math.max(maxAbs, d.maxAbs);
    rel = Math.max(rel, d.rel);
  });
  return { against: against.id, maxAbs, rel };
}

/**
 * Peak intermediate memory under every strategy (both forms of `GREEDY_BEST`) with the lower
 * bounds, from usage records.
 *
 * @example
 * ```ts
 * import { memoryByStrategy } from "./summaries.ts";
 * const m = memoryByStrategy([
 *   { size: 64, firstOp: 0, lastOp: 1 },
 *   { size: 32, firstOp: 1, lastOp: 2 },
 *   { size: 64, firstOp: 2, lastOp: 3 },
 * ], "example");
 * if (m.naiveBytes !== 160 || m.lowerBounds.offsets !== 96) throw new Error("wrong");
 * ```
 *
 * @param records Usage records of the intermediate tensors.
 * @param source Where the records come from, for the report.
 * @returns Cost per strategy and the bounds.
 */
export function memoryByStrategy(records: readonly UsageRecord[], source: string): MemoryResult {
  const strategies: StrategyCost[] = [];
  for (const s of STRATEGIES) {
    const forms = s.form === "both" ? (["objects", "offsets"] as const) : [s.form];
    for (const form of forms) {
      try {
        const t = performance.now();
        const plan = s.plan(records, { alignment: 16, form });
        strategies.push({
          name: s.name,
          form,
          bytes: planCost(plan),
          planMs: performance.now() - t,
        });
      } catch (e) {
        strategies.push({ name: s.name, form, error: errorLine(e) });
      }
    }
  }
  return {
    source,
    tensors: records.length,
    naiveBytes: records.reduce((a, r) => a + r.size, 0),
    lowerBounds: { offsets: offsetsLowerBound(records), objects: objectsLowerBound(records) },
    strategies,
  };
}

/**
 * Speedups of each GPU result over each CPU, reference and peer result (ratio of median latencies).
 *
 * @example
 * ```ts
 * import { speedupsOf } from "./summaries.ts";
 * const stats = (m: number) => ({ n: 1, median: m, p10: m, p90: m, min: m, max: m, mean: m });
 * const s = speedupsOf({
 *   backends: [
 *     { id: "gpu/deno", backend: "gpu", status: "ok", latency: stats(2) },
 *     { id: "cpu/1t", backend: "cpu", status: "ok", latency: stats(10) },
 *   ],
 *   peers: [],
 * });
 * if (s[0].value !== 5) throw new Error("wrong");
 * ```
 *
 * @param r The network's backend and peer results.
 * @returns One entry per (GPU result, baseline) pair.
 */
export function speedupsOf(r: Pick<NetworkResult, "backends" | "peers">): Speedup[] {
  const out: Speedup[] = [];
  const gpus = r.backends.filter((b) => b.backend === "gpu" && b.latency);
  const bases = [
    ...r.backends.filter((b) => b.backend !== "gpu" && b.latency),
    ...r.peers.filter((p) => p.latency),
  ];
  for (const g of gpus) {
    for (const b of bases) {
      out.push({ of: g.id, over: b.id, value: b.latency!.median / g.latency!.median });
    }
  }
  return out;
}
