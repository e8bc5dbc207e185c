/**
 * µLayer-style cooperative CPU+GPU execution (Kim et al., EuroSys 2019) on gpulite: channel split
 * of single layers, branch distribution of inception modules, a latency predictor that also charges
 * the measured CPU<->GPU synchronisation, a partitioner, and an executor that runs both processors
 * at once. See `README.md` beside this file.
 *
 * @example
 * ```ts ignore
 * import { CooperativeExecutor, fitPredictor, measureSync, planNetwork, profileNetwork } from "./mod.ts";
 * const prof = await profileNetwork(gpu, graph, inputs, { threads: 16 });
 * const sync = await measureSync(gpu);
 * const plan = planNetwork(graph, { predictor: fitPredictor(prof.training), sync });
 * const exec = await CooperativeExecutor.create(gpu, plan, { threads: 16 });
 * const outputs = await exec.run(inputs);
 * exec.dispose();
 * ```
 *
 * @module
 */
export * from "./split.ts";
export * from "./features.ts";
export * from "./linear_fit.ts";
export * from "./predictor.ts";
export * from "./branches.ts";
export * from "./plan.ts";
export * from "./cooperative.ts";
/** Types of the engine that the functions here take and return, re-exported to document them. */
export type { EpilogueStep, ExecGraph, ExecNode, ExecTensor } from "../../../core/exec_graph.ts";
export type { HostTensor, Precision } from "../../../core/kernel.ts";
export type { GpuContext } from "../gpu/device.ts";
export type { PassReport } from "../../passes/types.ts";
