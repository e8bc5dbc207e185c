/**
 * The fast CPU executor: runs an {@linkcode ExecGraph} on WebAssembly SIMD kernels (`cpu/`) over one
 * shared linear memory, with a persistent pool of workers. Intermediates live in one arena at
 * offsets planned by `engine/memory/`; weights are repacked once, at creation. Nodes outside the
 * fast path run on their kernel's reference, and {@linkcode CpuExecutor.placement} says which ran
 * where.
 *
 * @module
 */
import type { CpuBuildContext, CpuRuntime, CpuStep, HostTensor } from "../../../core/kernel.ts";
import { numElements } from "../../../core/ir.ts";
import { UnsupportedError, UsageError } from "../../../core/errors.ts";
import { buildPlan, type MemoryLayout } from "../../plan/plan.ts";
import type { ExecGraph, ExecNode } from "../../../core/exec_graph.ts";
import { applyEpilogue, runNodeOnHost } from "../../../kernels/run_node.ts";
import { kernelIndex, kernelModuleBytes, MAX_PAGES } from "../../../kernels/_cpu/kernels.ts";
import { WorkerPool } from "./pool.ts";
import { lowerEpilogue } from "./epilogue.ts";
import { nodeWork, threadsFor } from "./split.ts";
import type { EpilogueStep } from "../../../core/exec_graph.ts";

/** Where a node ran. */
export interface CpuPlacement {
  /** Node index in the exec graph. */
  node: number;
  /** Op name. */
  op: string;
  /** `cpu-fast` for the WebAssembly/arena path, `reference` for the kernel's reference. */
  backend: "cpu-fast" | "reference";
}

/** Options of {@linkcode CpuExecutor.create}. */
export interface CpuExecutorOptions {
  /** Threads, the calling thread included (default `navigator.hardwareConcurrency`). */
  threads?: number;
  /** The arena layout from the session's plan (default: planned here with `GREEDY_BEST`). */
  memory?: MemoryLayout;
}

const ALIGN = 64;
const CTL_BYTES = 64;

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** Runs an exec graph on the fast CPU backend. */
export class CpuExecutor {
  /** The graph. */
  readonly graph: ExecGraph;
  /** Where each node runs. */
  readonly placement: CpuPlacement[];
  /** Threads, the calling thread included. */
  readonly threads: number;
  /** Bytes of the activation arena. */
  readonly arenaBytes: number;
  /** Fused epilogue steps of fast nodes that run on the host (no kernel lowers them). */
  readonly hostEpilogueSteps: number;

  /** Bytes of the shared memory outside the arena: packed weights, parameter blocks, scratch. */
  get staticBytes(): number {
    return this.#memory.buffer.byteLength - this.arenaBytes;
  }
  #rt: CpuRuntime & { pool: WorkerPool };
  #arena: Map<number, number>;
  #steps: CpuStep[][];
  /** Per node, the threads its dispatches use ({@linkcode threadsFor} of its work). */
  #nodeThreads: number[];
  #hostEpilogue: EpilogueStep[][];
  #host = new Map<number, HostTensor>();
  #memory: WebAssembly.Memory;
  #disposed = false;

  private constructor(
    graph: ExecGraph,
    init: {
      rt: CpuRuntime & { pool: WorkerPool };
      arena: Map<number, number>;
      steps: CpuStep[][];
      hostEpilogue: EpilogueStep[][];
      placement: CpuPlacement[];
      memory: WebAssembly.Memory;
      arenaBytes: number;
    },
  ) {
    this.graph = graph;
    this.#rt = init.rt;
    this.#arena = init.arena;
    this.#steps = init.steps;
    this.#nodeThreads = graph.nodes.map((n) =>
      threadsFor({ work: nodeWork(graph, n), threads: init.rt.pool.threads })
    );
    this.#hostEpilogue = init.hostEpilogue;
    this.hostEpilogueSteps = init.hostEpilogue.reduce(
      (a, h, i) => a + (init.steps[i].length > 0 ? h.length : 0),
      0,
    );
    this.placement = init.placement;
    this.#memory = init.memory;
    this.threads = init.rt.pool.threads;
    this.arenaBytes = init.arenaBytes;
  }

  /**
   * Plans memory, repacks weights, builds the kernels' parameter blocks and starts the workers.
   *
   * @example
   * ```ts ignore
   * const cpu = await CpuExecutor.create(graph, { threads: 2 });
   * const [y] = await cpu.run([x]);
   * cpu.dispose();
   * ```
   *
   * @param graph The exec graph.
   * @param options Thread count.
   * @returns The executor.
   */
  static async create(graph: ExecGraph, options: CpuExecutorOptions = {}): Promise<CpuExecutor> {
    const threads = Math.max(1, Math.floor(options.threads ?? navigator.hardwareConcurrency ?? 1));
    const { nodes, tensors } = graph;
    // Activations (float32 and 8-bit) live in one arena, placed by the plan's memory layout.
    const layout = options.memory ?? buildPlan(graph, { backend: "cpu" }).memory!;
    const plan = { totalSize: layout.bytes };
    const arena = new Map<number, number>();
    for (const h of layout.homes) arena.set(h.tensor, CTL_BYTES + h.offset);
    let top = align(CTL_BYTES + plan.totalSize + 64);
    // One scratch region shared by every node (8-bit GEMMs widen their input into it); it moves to
    // a larger allocation when a node asks for more than it holds.
    let scratch = -1, scratchBytes = 0;
    const writes: [number, Float32Array | Int32Array | Uint8Array][] = [];
    const consts = new Map<number, number>();
    kernelModuleBytes();
    const ctx: CpuBuildContext = {
      graph,
      threads,
      addr(t) {
        if (t < 0) return undefined;
        const a = arena.get(t);
        if (a !== undefined) return a;
        const v = tensors[t].value;
        if (!v || v.dtype !== "float32") return undefined;
        let c = consts.get(t);
        if (c === undefined) {
          c = ctx.alloc(v.data.byteLength);
          ctx.put(c, v.data as Float32Array);
          consts.set(t, c);
        }
        return c;
      },
      alloc(bytes) {
        const a = top;
        top = align(top + bytes);
        return a;
      },
      scratch(bytes) {
        if (bytes > scratchBytes) {
          scratch = ctx.alloc(bytes + 64);
          scratchBytes = bytes;
        }
        return scratch;
      },
      put(addr, data) {
        writes.push([addr, data]);
      },
      kernel: kernelIndex,
    };
    const steps: CpuStep[][] = [];
    const hostEpilogue: EpilogueStep[][] = [];
    const placement: CpuPlacement[] = [];
    // Concatenations in place: their inputs were written into their output, nothing is left to do.
    const elided = new Set(layout.concat?.nodes);
    nodes.forEach((node, i) => {
      if (elided.has(i)) {
        placement.push({ node: i, op: node.op, backend: "cpu-fast" });
        steps.push([() => {}]);
        hostEpilogue.push([]);
        return;
      }
      const build = node.quant ? node.kernel.cpu?.quant : node.kernel.cpu?.float;
      let fast = build?.(ctx, node);
      if (node.epilogue.length > 0 && tensors[node.outputs[0]].dtype !== "float32") {
        fast = undefined;
      }
      if (!fast && node.quant && !node.kernel.quant) {
        const dtype = tensors[node.inputs.find((t) => t >= 0) ?? node.outputs[0]].dtype;
        throw new UnsupportedError(
          `Node ${node.index} (${node.op}): the CPU backend cannot run this ${dtype} node (no 8-bit kernel fits it)`,
        );
      }
      placement.push({ node: i, op: node.op, backend: fast ? "cpu-fast" : "reference" });
      // The fused epilogue of a fast node runs as its source ops' kernels where they exist.
      const lowered = fast && node.epilogue.length > 0
        ? lowerEpilogue(ctx, node, fast.epilogueApplied ?? 0)
        : { steps: [], host: node.epilogue };
      steps.push(fast ? [...fast, ...lowered.steps] : []);
      hostEpilogue.push(lowered.host);
    });
    const pages = Math.ceil((top + 4096) / 65536);
    if (pages > MAX_PAGES) {
      throw new UsageError(
        `The CPU executor needs ${pages * 64} KiB of memory, more than the ${
          MAX_PAGES * 64
        } KiB limit`,
      );
    }
    const memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
    const bytes = new Uint8Array(memory.buffer);
    for (const [addr, data] of writes) {
      bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), addr);
    }
    const pool = await WorkerPool.create({
      bytes: kernelModuleBytes(),
      memory,
      ctl: 0,
      threads,
    });
    const rt: CpuRuntime & { pool: WorkerPool } = {
      f32: new Float32Array(memory.buffer),
      i32: new Int32Array(memory.buffer),
      u8: new Uint8Array(memory.buffer),
      pool,
    };
    return new CpuExecutor(graph, {
      rt,
      arena,
      steps,
      hostEpilogue,
      placement,
      memory,
      arenaBytes: plan.totalSize,
    });
  }

  #value(t: number): HostTensor {
    const spec = this.graph.tensors[t];
    const a = this.#arena.get(t);
    if (a !== undefined) {
      const n = numElements(spec.shape);
      const rt = this.#rt;
      const data = spec.dtype === "float32"
        ? rt.f32.slice(a >> 2, (a >> 2) + n)
        : spec.dtype === "int8"
        ? new Int8Array(rt.u8.slice(a, a + n).buffer)
        : rt.u8.slice(a, a + n);
      const out: HostTensor = { dtype: spec.dtype, shape: [...spec.shape], data };
      if (spec.quantization) out.quantization = spec.quantization;
      return out;
    }
    const v = this.#host.get(t) ?? spec.value;
    if (!v) throw new UsageError(`Tensor ${t} "${spec.name}" was never computed`);
    return v;
  }

  #store(t: number, v: HostTensor): void {
    const a = this.#arena.get(t);
    if (a === undefined) {
      this.#host.set(t, v);
      return;
    }
    const n = numElements(this.graph.tensors[t].shape);
    if (this.graph.tensors[t].dtype !== "float32") {
      const d = v.data as Uint8Array | Int8Array;
      this.#rt.u8.set(new Uint8Array(d.buffer, d.byteOffset, n), a);
      return;
    }
    const src = v.data instanceof Float32Array
      ? v.data
      : Float32Array.from(v.data as ArrayLike<number>);
    this.#rt.f32.set(src.subarray(0, n), a >> 2);
  }

  #epilogue(node: ExecNode, steps: readonly EpilogueStep[]): void {
    const t = node.outputs[0];
    const a = this.#arena.get(t);
    if (a === undefined) return;
    const shape = this.graph.tensors[t].shape;
    const view = this.#rt.f32.subarray(a >> 2, (a >> 2) + numElements(shape));
    applyEpilogue(view, shape, steps, (e) => this.#value(e));
  }

  /**
   * Runs the graph once.
   *
   * @example
   * ```ts ignore
   * const [y] = await cpu.run([x]);
   * ```
   *
   * @param inputs One host tensor per graph input.
   * @returns The graph's outputs.
   */
  run(inputs: HostTensor[]): Promise<HostTensor[]> {
    try {
      return Promise.resolve(this.runSync(inputs));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Runs the graph once, blocking the calling thread.
   *
   * @example
   * ```ts ignore
   * const [y] = cpu.runSync([x]);
   * ```
   *
   * @param inputs One host tensor per graph input.
   * @returns The graph's outputs.
   */
  runSync(inputs: HostTensor[]): HostTensor[] {
    return this.#run(inputs);
  }

  /**
   * Runs the graph once and times every node (wall clock of the calling thread, workers included),
   * e.g. to fit a per-layer latency model.
   *
   * @example
   * ```ts ignore
   * const times = cpu.profile([x]);
   * console.log(times.toSorted((a, b) => b.ms - a.ms).slice(0, 5));
   * ```
   *
   * @param inputs One host tensor per graph input.
   * @returns Per node: index, op, backend and milliseconds.
   */
  profile(inputs: HostTensor[]): (CpuPlacement & { ms: number })[] {
    return this.profileRun(inputs).times;
  }

  /**
   * Runs the graph once, timing every node as {@linkcode CpuExecutor.profile} does, and returns the
   * outputs too.
   *
   * @example
   * ```ts ignore
   * const { times, outputs } = cpu.profileRun([x]);
   * ```
   *
   * @param inputs One host tensor per graph input.
   * @returns Per-node times and the graph's outputs.
   */
  profileRun(
    inputs: HostTensor[],
  ): { times: (CpuPlacement & { ms: number })[]; outputs: HostTensor[] } {
    const ms: number[] = [];
    const outputs = this.#run(inputs, ms);
    return { times: this.placement.map((p, i) => ({ ...p, ms: ms[i] })), outputs };
  }

  #run(inputs: HostTensor[], times?: number[]): HostTensor[] {
    if (this.#disposed) throw new UsageError("This executor was disposed; create a new session");
    const g = this.graph;
    if (inputs.length !== g.inputs.length) {
      throw new UsageError(`The graph takes ${g.inputs.length} inputs, got ${inputs.length}`);
    }
    this.#host.clear();
    g.inputs.forEach((t, i) => this.#store(t, inputs[i]));
    const value = (t: number) => this.#value(t);
    g.nodes.forEach((node, i) => {
      const t0 = times ? performance.now() : 0;
      const steps = this.#steps[i];
      if (steps.length === 0) {
        const outs = runNodeOnHost(g, node, value);
        node.outputs.forEach((t, k) => this.#store(t, outs[k]));
      } else {
        this.#rt.pool.cap = this.#nodeThreads[i];
        for (const s of steps) s(this.#rt);
        const rest = this.#hostEpilogue[i];
        if (rest.length > 0) this.#epilogue(node, rest);
      }
      if (times) times[i] = performance.now() - t0;
    });
    return g.outputs.map(value);
  }

  /**
   * Stops the workers and releases the memory. Idempotent.
   *
   * @example
   * ```ts ignore
   * cpu.dispose();
   * ```
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#rt.pool.dispose();
    this.#host.clear();
  }
}
