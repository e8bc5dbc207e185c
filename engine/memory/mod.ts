/**
 * Memory planning for intermediate tensors: pure functions from usage records
 * (`{size, firstOp, lastOp}`) to plans, in two forms: shared objects (cost = sum of object
 * sizes) and offsets in one arena (cost = arena size). TFLite GPU's strategies (NAIVE, EQUALITY,
 * GREEDY_IN_ORDER, GREEDY_BY_BREADTH, GREEDY_BY_SIZE, GREEDY_BY_SIZE_OFFSETS, MIN_COST_FLOW,
 * GREEDY_BEST), gpulite's own (GPULITE_OFFSETS, GPULITE_OBJECTS), lower bounds and a validator.
 *
 * @example Planning a small chain and checking the plan
 * ```ts
 * import { offsetsLowerBound, planCost, planMemory, validatePlan } from "./mod.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert";
 *
 * const records = [
 *   { size: 1024, firstOp: 0, lastOp: 1 },
 *   { size: 512, firstOp: 1, lastOp: 2 },
 *   { size: 1024, firstOp: 2, lastOp: 3 },
 * ];
 * const plan = planMemory(records, { strategy: "gpulite-offsets", alignment: 256 });
 * deepStrictEqual(validatePlan(records, plan, { alignment: 256 }), []);
 * strictEqual(planCost(plan), offsetsLowerBound(records));
 * ```
 *
 * @module
 */

export type {
  MemoryPlan,
  ObjectsPlan,
  OffsetsPlan,
  PlanForm,
  PlanOptions,
  StrategyInfo,
  StrategyName,
  UsageRecord,
} from "./types.ts";
export { naive } from "./naive.ts";
export { equality } from "./equality.ts";
export { greedyInOrder } from "./greedy_in_order.ts";
export { greedyByBreadth } from "./greedy_by_breadth.ts";
export { greedyBySizeObjects } from "./greedy_by_size_objects.ts";
export { greedyBySizeOffsets } from "./greedy_by_size_offsets.ts";
export {
  flowModelCost,
  minCostFlow,
  type MinCostFlowResult,
  minCostFlowWithCost,
} from "./min_cost_flow.ts";
export { greedyBest } from "./greedy_best.ts";
export { gpuliteOffsets, type GpuliteOffsetsOptions } from "./gpulite_offsets.ts";
export { gpuliteObjects } from "./gpulite_objects.ts";
export {
  coveredOffsetsLowerBound,
  objectsLowerBound,
  offsetsLowerBound,
  type RecordCover,
} from "./lower_bounds.ts";
export { planCost, validatePlan } from "./validate.ts";
export { objectsToOffsets } from "./objects_to_offsets.ts";
export { findStrategy, planMemory, type PlanMemoryOptions, STRATEGIES } from "./strategies.ts";
export { type Schedule, type ScheduleRecords, usageRecordsFromSchedule } from "./usage_records.ts";
