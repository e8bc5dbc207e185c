/**
 * The backends as one table: each realises an {@linkcode ExecutionPlan} as an
 * {@linkcode Executor}. The session picks a row by name and knows nothing else of them.
 *
 * @module
 */
import type { ExecGraph } from "../../core/exec_graph.ts";
import type { HostTensor, Precision } from "../../core/kernel.ts";
import { buildPlan, type BuildPlanOptions, type ExecutionPlan } from "../plan/plan.ts";
import type { NodePlacement } from "../plan/placement.ts";
import {
  type Executor,
  type ExecutorRunOptions,
  type HostPhase,
  type MemoryReport,
  type NodeTiming,
  runInTurn,
  type RunTimeline,
  type SetupReport,
} from "./executor.ts";
import type { GpuContext } from "./gpu/device.ts";
import { GpuExecutor } from "./gpu/executor.ts";
import { autotune } from "./gpu/autotune.ts";
import { limitsOf } from "./gpu/pipelines.ts";
import { ReferenceExecutor } from "./reference/executor.ts";
import type { CpuExecutor } from "./cpu/executor.ts";

export type {
  Executor,
  ExecutorRunOptions,
  HostPhase,
  MemoryReport,
  NodeTiming,
  RunTimeline,
  SetupReport,
};

/** Backend names. */
export type Backend = "gpu" | "cpu" | "reference" | "cooperative";

/** What a backend gets to create its executor. */
export interface BackendArgs {
  /** The exec graph (after passes). */
  graph: ExecGraph;
  /** The device, for backends that use the GPU. */
  gpu?: GpuContext;
  /** Plan options: precision, strategy, forced CPU nodes, downloads. */
  plan: Omit<BuildPlanOptions, "backend" | "limits">;
  /** Weight precision in f16 runs. */
  weightPrecision?: Precision;
  /** Per-node GPU timestamps. */
  profile?: boolean;
  /** Per-run timeline of the GPU executor (`lastTimeline`). */
  timeline?: boolean;
  /** CPU threads. */
  threads?: number;
  /**
   * Time the candidates of tunable GPU nodes before planning (`autotune`), optionally with a cache
   * file of choices per adapter.
   */
  autotune?: boolean | { cacheFile: string };
}

/** What a backend's `create` returns. */
export interface Created {
  /** The plan (the cooperative backend makes its own). */
  plan: ExecutionPlan | undefined;
  /** The executor. */
  executor: Executor;
  /** Milliseconds spent building the plan. */
  planMs?: number;
}

/** Builds a plan and says how long it took. */
function timedPlan(
  graph: ExecGraph,
  options: BuildPlanOptions,
): { plan: ExecutionPlan; planMs: number } {
  const t0 = performance.now();
  const plan = buildPlan(graph, options);
  return { plan, planMs: performance.now() - t0 };
}

/** One backend. */
export interface BackendInfo {
  /** Whether it needs a WebGPU device. */
  gpu: boolean;
  /** What it is, for help texts. */
  description: string;
  /** Plans and creates the executor. */
  create(args: BackendArgs): Promise<Created>;
}

/** Runs the run's `check` first, then the run; a throw of either becomes a rejection. */
function afterCheck(
  check: (() => void) | undefined,
  run: () => Promise<HostTensor[]>,
): Promise<HostTensor[]> {
  try {
    check?.();
    return run();
  } catch (e) {
    return Promise.reject(e);
  }
}

class ReferenceBackend implements Executor {
  readonly memory: MemoryReport | undefined = undefined;
  readonly timings: NodeTiming[] | undefined = undefined;
  #ex: ReferenceExecutor;
  #plan: ExecutionPlan;

  constructor(plan: ExecutionPlan) {
    this.#plan = plan;
    this.#ex = new ReferenceExecutor(plan.graph);
  }

  get placement(): readonly NodePlacement[] {
    return this.#plan.placement;
  }

  run(inputs: HostTensor[], { check }: ExecutorRunOptions = {}): Promise<HostTensor[]> {
    return afterCheck(check, () => Promise.resolve([...this.#ex.run(inputs)]));
  }

  runMany(batches: HostTensor[][]): Promise<HostTensor[][]> {
    return runInTurn((i) => this.run(i), batches);
  }

  dispose(): void {
    this.#ex.dispose();
  }
}

class CpuBackend implements Executor {
  timings: NodeTiming[] | undefined = undefined;
  readonly memory: MemoryReport;
  readonly placement: readonly NodePlacement[];
  #ex: CpuExecutor;
  #profile: boolean;

  constructor(plan: ExecutionPlan, ex: CpuExecutor, profile = false) {
    this.#ex = ex;
    this.#profile = profile;
    this.placement = ex.placement.map((p) => ({
      node: p.node,
      op: p.op,
      backend: "cpu" as const,
      reason: p.backend === "reference" ? "no fast CPU kernel for this node" : undefined,
      dispatches: 0,
    }));
    const m = plan.memory!;
    this.memory = {
      intermediateBytes: m.bytes,
      naiveBytes: m.naiveBytes,
      intermediateBuffers: m.buffers.length,
      // Inputs and outputs live in the arena (counted above); weights, parameter blocks and the
      // scratch region share the memory outside it.
      ioBytes: 0,
      constantBytes: ex.staticBytes,
      scratchBytes: 0,
      strategy: m.strategy,
      form: m.form,
    };
  }

  run(inputs: HostTensor[], { check }: ExecutorRunOptions = {}): Promise<HostTensor[]> {
    return afterCheck(check, () => {
      if (!this.#profile) return this.#ex.run(inputs);
      const { times, outputs } = this.#ex.profileRun(inputs);
      this.timings = times.map(({ node, op, ms }) => ({ node, op, ms }));
      return Promise.resolve(outputs);
    });
  }

  runMany(batches: HostTensor[][]): Promise<HostTensor[][]> {
    return runInTurn((i) => this.run(i), batches);
  }

  dispose(): void {
    this.#ex.dispose();
  }
}

class CooperativeBackend implements Executor {
  readonly memory: MemoryReport | undefined = undefined;
  readonly timings: NodeTiming[] | undefined = undefined;
  readonly placement: readonly NodePlacement[];
  #ex: { run(i: HostTensor[]): Promise<HostTensor[]>; dispose(): void };

  constructor(
    ex: { run(i: HostTensor[]): Promise<HostTensor[]>; dispose(): void },
    placement: NodePlacement[],
  ) {
    this.#ex = ex;
    this.placement = placement;
  }

  run(inputs: HostTensor[], { check }: ExecutorRunOptions = {}): Promise<HostTensor[]> {
    return afterCheck(check, () => this.#ex.run(inputs));
  }

  runMany(batches: HostTensor[][]): Promise<HostTensor[][]> {
    return runInTurn((i) => this.run(i), batches);
  }

  dispose(): void {
    this.#ex.dispose();
  }
}

/**
 * Every backend, by name.
 *
 * @example
 * ```ts
 * import { BACKENDS } from "./mod.ts";
 * if (BACKENDS.cpu.gpu || !BACKENDS.gpu.gpu) throw new Error("wrong");
 * ```
 */
export const BACKENDS: Readonly<Record<Backend, BackendInfo>> = {
  gpu: {
    gpu: true,
    description: "WebGPU compute shaders, with CPU fallback for ops the GPU lacks",
    async create(args) {
      let tuned = args.plan.tuned;
      if (args.autotune) {
        const r = await autotune(args.gpu!, args.graph, {
          precision: args.plan.precision,
          variants: args.plan.variants,
          cacheFile: typeof args.autotune === "object" ? args.autotune.cacheFile : undefined,
        });
        tuned = { ...r.tuned, ...tuned };
      }
      const { plan, planMs } = timedPlan(args.graph, {
        ...args.plan,
        tuned,
        backend: "gpu",
        limits: limitsOf(args.gpu!.device),
      });
      const executor = await GpuExecutor.create(args.gpu!, plan, {
        weightPrecision: args.weightPrecision,
        profile: args.profile,
        timeline: args.timeline,
      });
      return { plan, executor, planMs };
    },
  },
  cpu: {
    gpu: false,
    description: "WebAssembly SIMD kernels over a worker pool",
    async create(args) {
      const { plan, planMs } = timedPlan(args.graph, { ...args.plan, backend: "cpu" });
      const { CpuExecutor } = await import("./cpu/executor.ts");
      const ex = await CpuExecutor.create(plan.graph, {
        threads: args.threads,
        memory: plan.memory,
      });
      return { plan, executor: new CpuBackend(plan, ex, args.profile), planMs };
    },
  },
  reference: {
    gpu: false,
    description: "the float64 reference kernels, node by node (the oracle)",
    create(args) {
      const { plan, planMs } = timedPlan(args.graph, { ...args.plan, backend: "reference" });
      return Promise.resolve({ plan, executor: new ReferenceBackend(plan), planMs });
    },
  },
  cooperative: {
    gpu: true,
    description:
      "µLayer: layers split across CPU and GPU by a latency predictor profiled at creation",
    async create(args) {
      const { createCooperative } = await import("./cooperative/create.ts");
      const { executor, placement } = await createCooperative(args.gpu!, args.graph, {
        threads: args.threads,
        precision: args.plan.precision,
      });
      return { plan: undefined, executor: new CooperativeBackend(executor, placement) };
    },
  },
};
