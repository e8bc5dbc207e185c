/**
 * A persistent pool of Web Workers sharing one WebAssembly memory. The main thread takes part in
 * every dispatch (it computes the first share of the tasks), so `threads: 1` means no workers.
 * Dispatch is a few atomic stores and one `Atomics.notify` per worker taking part: each worker
 * waits on a word of its own, so a dispatch of few tasks (or under a {@linkcode WorkerPool.cap})
 * wakes only the workers it needs and waits only for them; workers spin briefly, then sleep in
 * `Atomics.wait`. {@linkcode WorkerPool.dispose} tells workers to exit and terminates them.
 *
 * The workers are `node:worker_threads` workers, unreferenced: a program that forgets to dispose a
 * `cpu` session still exits when its own work is done (Deno's web `Worker` cannot be unreferenced).
 * Each worker records the dispatch counter before it announces that it is ready, so a dispatch
 * that follows {@linkcode WorkerPool.create} at once is never mistaken for an old one.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { GpuliteError, UsageError } from "../../../core/errors.ts";
import { CLAIM_SHIFT, claimAndRun, CTL } from "./_ctl.ts";

/** A kernel run that takes longer than this is reported as an error instead of waiting forever. */
const RUN_TIMEOUT_MS = 60_000;

/** A kernel export: `(params, t0, t1)`. */
export type KernelFn = (params: number, t0: number, t1: number) => void;

/** Options of {@linkcode WorkerPool.create}. */
export interface WorkerPoolOptions {
  /** The kernel module's bytes (it imports `env.mem`). */
  bytes: Uint8Array<ArrayBuffer>;
  /** The shared memory. */
  memory: WebAssembly.Memory;
  /** Byte address of the control block (64 bytes, 4-aligned) in the memory. */
  ctl: number;
  /** Threads, the main thread included (at least 1). */
  threads: number;
  /** Spin iterations before a waiting thread sleeps (default 20000). */
  spin?: number;
  /** Milliseconds a dispatch may take before it is reported as an error (default 60000). */
  timeoutMs?: number;
  /**
   * Test hook: milliseconds each worker pauses after announcing that it is ready and before it
   * waits for work, to widen the gap in which a first dispatch can arrive (default 0).
   */
  startDelayMs?: number;
}

/** A worker pool over one shared memory. */
export class WorkerPool {
  /** Threads, the main thread included. */
  readonly threads: number;
  /** The kernels, as instantiated on the main thread, in export order. */
  readonly fns: KernelFn[];
  /**
   * Threads the next dispatches may use at most (default: all). The executor sets it per node from
   * the node's work; results do not depend on it.
   */
  cap: number;
  #workers: Worker[];
  #ctl: Int32Array;
  /** Per worker (index = id), the dispatch counter it was last sent; it waits on its word. */
  #wake: Int32Array;
  #spin: number;
  #timeoutMs: number;
  #disposed = false;

  private constructor(
    fns: KernelFn[],
    workers: Worker[],
    ctl: Int32Array,
    wake: Int32Array,
    tuning: { spin: number; timeoutMs: number },
  ) {
    this.fns = fns;
    this.#workers = workers;
    this.#ctl = ctl;
    this.#wake = wake;
    this.#spin = tuning.spin;
    this.#timeoutMs = tuning.timeoutMs;
    this.threads = workers.length + 1;
    this.cap = this.threads;
  }

  /**
   * Instantiates the module on the main thread and starts `threads - 1` workers.
   *
   * @example
   * ```ts ignore
   * const pool = await WorkerPool.create({ bytes, memory, ctl: 0, threads: 2 });
   * pool.run(0, paramsAddress, 64);
   * pool.dispose();
   * ```
   *
   * @param options Module, memory, control block and thread count.
   * @returns The pool, its workers ready.
   */
  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const { bytes, memory, ctl } = options;
    const spin = options.spin ?? 20000;
    const module = new WebAssembly.Module(bytes);
    const inst = new WebAssembly.Instance(module, { env: { mem: memory } });
    const fns = Object.values(inst.exports) as KernelFn[];
    const c = new Int32Array(memory.buffer, ctl, CTL.size);
    c.fill(0);
    const threads = Math.max(1, options.threads);
    const wake = new Int32Array(new SharedArrayBuffer(4 * threads));
    const workers: Worker[] = [];
    let failed: unknown;
    const startDelayMs = options.startDelayMs ?? 0;
    for (let id = 1; id < threads; id++) {
      const w = new Worker(new URL("./_worker.ts", import.meta.url), {
        workerData: { bytes, memory, ctl, wake, id, spin, startDelayMs },
      });
      w.on("error", (e: unknown) => {
        failed = e instanceof Error ? e.message : String(e);
      });
      w.unref();
      workers.push(w);
    }
    const timeoutMs = options.timeoutMs ?? RUN_TIMEOUT_MS;
    const pool = new WorkerPool(fns, workers, c, wake, { spin, timeoutMs });
    const start = performance.now();
    while (Atomics.load(c, CTL.ready) < workers.length) {
      if (failed !== undefined || performance.now() - start > 30000) {
        pool.dispose();
        throw new GpuliteError(`A CPU worker failed to start: ${failed ?? "timed out"}`);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    return pool;
  }

  /**
   * Runs kernel `fn` over `tasks` tasks split evenly across `min(threads, cap, tasks)` threads,
   * and returns when all are done (the calling thread blocks). Only those threads' workers are
   * woken and waited for.
   *
   * @example
   * ```ts ignore
   * pool.run(kernelIndex("conv_gemm"), params, tasks);
   * ```
   *
   * @param fn Kernel index.
   * @param params Parameter block address.
   * @param tasks Number of tasks.
   */
  run(fn: number, params: number, tasks: number): void {
    if (this.#disposed) throw new UsageError("The CPU worker pool was disposed");
    const n = Math.min(this.threads, Math.max(1, this.cap), tasks);
    if (n <= 1) {
      if (tasks > 0) this.fns[fn](params, 0, tasks);
      return;
    }
    if (tasks >= 1 << CLAIM_SHIFT) {
      throw new UsageError(
        `CPU kernel ${fn} has ${tasks} tasks, more than ${(1 << CLAIM_SHIFT) - 1}`,
      );
    }
    const c = this.#ctl;
    const seq = Atomics.add(c, CTL.seq, 1) + 1;
    const odd = seq & 1;
    c[odd ? CTL.fnOdd : CTL.fn] = fn;
    c[odd ? CTL.paramsOdd : CTL.params] = params;
    c[odd ? CTL.tasksOdd : CTL.tasks] = tasks;
    Atomics.store(c, CTL.done, 0);
    const word = (seq << CLAIM_SHIFT) | 0;
    Atomics.store(c, CTL.claim, word);
    // Workers 1..n-1 are woken, each through its own word; the others sleep on. Tasks are claimed
    // one at a time, so a worker that wakes late finds them taken by the others.
    const wake = this.#wake;
    for (let id = 1; id < n; id++) {
      Atomics.store(wake, id, seq);
      Atomics.notify(wake, id);
    }
    claimAndRun(c, word, this.fns);
    const want = tasks;
    let d = Atomics.load(c, CTL.done);
    for (let i = 0; d < want && i < this.#spin; i++) d = Atomics.load(c, CTL.done);
    const deadline = performance.now() + this.#timeoutMs;
    while (d < want) {
      Atomics.wait(c, CTL.done, d, 100);
      d = Atomics.load(c, CTL.done);
      if (d < want && performance.now() > deadline) {
        throw new GpuliteError(
          `CPU kernel ${fn} did not finish within ${this.#timeoutMs} ms (${d} of ${want} tasks reported)`,
        );
      }
    }
    if (Atomics.exchange(c, CTL.error, 0) !== 0) {
      throw new GpuliteError(`CPU kernel ${fn} failed in a worker`);
    }
  }

  /**
   * Tells the workers to exit and terminates them.
   *
   * @example
   * ```ts ignore
   * pool.dispose();
   * ```
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    Atomics.store(this.#ctl, CTL.quit, 1);
    for (let id = 1; id < this.#wake.length; id++) {
      Atomics.add(this.#wake, id, 1);
      Atomics.notify(this.#wake, id);
    }
    for (const w of this.#workers) void w.terminate();
    this.#workers = [];
  }
}
