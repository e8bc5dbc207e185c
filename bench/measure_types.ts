/**
 * The shapes of a benchmark measurement: what `measureNetwork` takes (its options, GPU
 * slots, the peer runner) and what it returns for a network, per backend, per peer and per memory
 * strategy.
 *
 * @module
 */
import type { LeversResult } from "./memory_levers.ts";
import type { Backend } from "../engine/session.ts";
import type { GpuContext, GpuProvider } from "../engine/backends/gpu/device.ts";
import type { GpuMemoryReport } from "../engine/backends/gpu/executor.ts";
import type { HostTensor } from "../core/kernel.ts";
import type { Stats } from "../core/stats.ts";
import type { TimelineSummary } from "../engine/backends/gpu/timeline.ts";
import type { LitertAccelerator, LitertResult } from "../peers/litert.ts";

/** A GPU provider slot: its device, or why there is none. */
export interface GpuSlot {
  /** The provider. */
  provider: GpuProvider;
  /** The shared device, when one was acquired. */
  ctx?: GpuContext;
  /** Why there is no device. */
  error?: string;
}

/** Numeric difference of a result from another. */
export interface OutputDiff {
  /** Id of the result compared against (`reference`, `cpu/1t`, `gpu/deno`...). */
  against: string;
  /** Max `|a - b|` over all outputs. */
  maxAbs: number;
  /** Largest `||a - b|| / ||b||` over the outputs. */
  rel: number;
}

/** Per-op-type GPU time. */
export interface OpTime {
  /** Op name (after fusion: the op that produces the fused group). */
  op: string;
  /** Number of nodes of that op on the GPU. */
  nodes: number;
  /** Summed GPU time of those nodes, per run. */
  ms: Stats;
}

/** Where the nodes ran. */
export interface PlacementSummary {
  /** Nodes of the executed graph (after passes). */
  nodes: number;
  /** Nodes on the GPU. */
  gpuNodes: number;
  /** `gpuNodes / nodes`. */
  fraction: number;
  /** Ops that fell back to the CPU, with the reason and count. */
  cpuOps: { op: string; reason: string; count: number }[];
}

/** One backend configuration's result on one network. */
export interface BackendResult {
  /** `gpu/deno`, `gpu/dawn`, `cpu/1t`, `cpu/<n>t` or `reference`. */
  id: string;
  /** Backend. */
  backend: Backend;
  /** GPU provider. */
  provider?: GpuProvider;
  /** CPU threads. */
  threads?: number;
  /** `ok`, `failed` (error says why) or `skipped` (error says why). */
  status: "ok" | "failed" | "skipped";
  /** Failure or skip reason. */
  error?: string;
  /** Session creation in ms (shaders compiled here or at the first run, by driver). */
  createMs?: number;
  /** First run in ms, cold. */
  firstRunMs?: number;
  /** Latency over the timed runs (warm). */
  latency?: Stats;
  /** GPU execution time per run: sum over nodes of timestamp-query time (profiled pass). */
  gpuTime?: Stats;
  /**
   * GPU time of each timed inference: from the timestamp at the start of its first pass to the one
   * at the end of its last, dispatch gaps included (the GPU's share of the end-to-end latency).
   */
  gpuSpan?: Stats;
  /**
   * GPU sessions: the same timed runs with the outputs handed out as views of the mapped readback
   * (`run(inputs, { zeroCopy: true })`, no copy out), and their GPU spans.
   */
  zeroCopy?: { latency: Stats; gpuSpan?: Stats };
  /** Where the timed inferences' milliseconds went, phase by phase (GPU sessions with a timeline). */
  timeline?: TimelineSummary;
  /** The GPU's SM clock right after the timed runs (`nvidia-smi`, where the machine has it), MHz. */
  smClockMhz?: number;
  /** GPU time by op type (profiled pass), largest first. */
  opTimes?: OpTime[];
  /** Why there is no GPU time. */
  profileNote?: string;
  /** Where the nodes ran (GPU backend). */
  placement?: PlacementSummary;
  /** Device memory of the session (GPU backend). */
  memory?: GpuMemoryReport;
  /** Difference of the first run's outputs from the oracle. */
  diff?: OutputDiff;
}

/** Peak intermediate memory of one strategy. */
export interface StrategyCost {
  /** Strategy name. */
  name: string;
  /** Plan form. */
  form: "objects" | "offsets";
  /** Plan cost in bytes (sum of objects, or arena size). */
  bytes?: number;
  /** Planning time in ms. */
  planMs?: number;
  /** Why it failed. */
  error?: string;
}

/** Intermediate memory of a network under every strategy. */
export interface MemoryResult {
  /** Where the usage records come from. */
  source: string;
  /** Number of intermediate tensors. */
  tensors: number;
  /** Bytes with one buffer per tensor. */
  naiveBytes: number;
  /** Lower bounds in bytes. */
  lowerBounds: { offsets: number; objects: number };
  /** One row per strategy and form. */
  strategies: StrategyCost[];
  /** Each memory lever on the GPU: bytes, bounds, latency (when a GPU ran). */
  levers?: LeversResult;
}

/** One peer's result on one network. */
export interface PeerResult {
  /** `litert/webgpu` or `litert/wasm`. */
  id: string;
  /** Runtime package. */
  runtime: string;
  /** Accelerator. */
  accelerator: LitertAccelerator;
  /** `ok`, `failed` or `skipped`. */
  status: "ok" | "failed" | "skipped";
  /** Failure reason. */
  error?: string;
  /** Whether every op ran on the accelerator. */
  fullyAccelerated?: boolean;
  /** `loadAndCompile` ms. */
  compileMs?: number;
  /** First run ms. */
  firstRunMs?: number;
  /** Latency. */
  latency?: Stats;
  /** Warnings the peer printed. */
  warnings?: string[];
  /** Difference of its outputs from ours. */
  diff?: OutputDiff;
}

/** A speedup of one result over a baseline (baseline latency / result latency, medians). */
export interface Speedup {
  /** The faster candidate (a GPU result id). */
  of: string;
  /** The baseline id. */
  over: string;
  /** Ratio of medians. */
  value: number;
}

/** Everything measured on one network. */
export interface NetworkResult {
  /** Network id. */
  id: string;
  /** Catalogue name. */
  name: string;
  /** `built` or `file`. */
  kind: "built" | "file";
  /** Size tag. */
  size: "tiny" | "full";
  /** Description. */
  description: string;
  /** Source. */
  source: string;
  /** `ok` once loaded, `failed` when the model could not be loaded. */
  status: "ok" | "failed";
  /** Load failure. */
  error?: string;
  /** Nodes in the file's graph. */
  nodes?: number;
  /** Op histogram of the file's graph. */
  ops?: Record<string, number>;
  /** Input shapes. */
  inputShapes: number[][];
  /** Backend results, in run order. */
  backends: BackendResult[];
  /** Intermediate memory per strategy. */
  memory?: MemoryResult;
  /** Peers. */
  peers: PeerResult[];
  /** Speedups of GPU results over CPU baselines and peers. */
  speedups: Speedup[];
}

/** A peer runner: LiteRT.js's `runLitert`, or a stand-in in tests. */
export type PeerRunner = (
  bytes: Uint8Array,
  inputs: { data: HostTensor["data"]; shape: number[] }[],
  options: { accelerator: LitertAccelerator; runs: number; warmup: number; budgetMs: number },
) => Promise<LitertResult>;

/** Options of `measureNetwork` (`bench/measure.ts`). */
export interface MeasureOptions {
  /** Timed runs per configuration. */
  runs: number;
  /** Untimed runs after the first (default 1). */
  warmup?: number;
  /** Milliseconds of timed runs after which a configuration stops early (at least 2 runs). */
  budgetMs?: number;
  /** Runs of the profiled pass (default `min(runs, 10)`). */
  profileRuns?: number;
  /** Backends to run. */
  backends: readonly Backend[];
  /** GPU providers, each with its device or the reason it has none. */
  gpus: readonly GpuSlot[];
  /** Thread counts of the `cpu` backend (e.g. `[1, 16]`). */
  cpuThreads: readonly number[];
  /** Run the reference on full-size networks too (default: tiny only). */
  referenceOnFull?: boolean;
  /** Peer accelerators to run (empty: none). */
  peers: readonly LitertAccelerator[];
  /** The peer runner (default: LiteRT.js, imported when first needed). */
  peerRunner?: PeerRunner;
  /** Progress lines. */
  progress?: (message: string) => void;
  /** Run each memory lever as a GPU session of its own, for its latency (default `true`). */
  memoryLevers?: boolean;
}
