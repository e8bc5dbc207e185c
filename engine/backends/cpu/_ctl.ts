/**
 * Layout of the worker pool's control block (i32 words in the shared memory).
 *
 * @module
 */

/**
 * Word indices of the control block.
 *
 * @example
 * ```ts
 * import { CTL } from "./_ctl.ts";
 * if (CTL.size * 4 > 64) throw new Error("wrong");
 * ```
 */
export const CTL = {
  /** Bumped once per dispatch; the pool writes it to the wake word of each worker taking part. */
  seq: 0,
  /** Kernel index. */
  fn: 1,
  /** Parameter block address. */
  params: 2,
  /** Number of tasks. */
  tasks: 3,
  /** Workers finished with the current dispatch. */
  done: 5,
  /** Non-zero tells workers to exit. */
  quit: 6,
  /** Workers ready. */
  ready: 7,
  /** Non-zero when a worker's kernel threw. */
  error: 8,
  /**
   * The claim word: `(generation << CLAIM_SHIFT) | next task`. Threads claim tasks one at a time by
   * compare-and-swap, so a late or descheduled thread's tasks are taken by the others.
   */
  claim: 9,
  /** Dispatch fields of odd generations (even ones use `fn`, `params`, `tasks`). */
  fnOdd: 10,
  /** Parameter block address, odd generations. */
  paramsOdd: 11,
  /** Number of tasks, odd generations. */
  tasksOdd: 12,
  /** Words in the block. */
  size: 16,
} as const;

/** Bits of the claim word below the generation: tasks per dispatch stay below `2^CLAIM_SHIFT`. */
export const CLAIM_SHIFT = 20;

/**
 * Claims and runs tasks of the dispatch whose claim word was `v` until none is left or the word
 * moves on, counting each in `done`, and returns how many it ran. A compare-and-swap that succeeds proves the dispatch is
 * still current, so the fields read before it (from the generation's parity slot, which the pool
 * rewrites only two generations later) were that dispatch's.
 *
 * @example
 * ```ts ignore
 * const ran = claimAndRun(ctl, Atomics.load(ctl, CTL.claim), fns);
 * ```
 *
 * @param c The control block.
 * @param v The claim word as first read.
 * @param fns The kernels.
 * @returns Tasks run.
 */
export function claimAndRun(
  c: Int32Array,
  v: number,
  fns: readonly ((p: number, t0: number, t1: number) => void)[],
): number {
  const odd = (v >>> CLAIM_SHIFT) & 1;
  const fn = c[odd ? CTL.fnOdd : CTL.fn];
  const params = c[odd ? CTL.paramsOdd : CTL.params];
  const tasks = c[odd ? CTL.tasksOdd : CTL.tasks];
  const gen = v & ~((1 << CLAIM_SHIFT) - 1);
  let ran = 0;
  for (;;) {
    const i = v & ((1 << CLAIM_SHIFT) - 1);
    if (i >= tasks) return ran;
    const seen = Atomics.compareExchange(c, CTL.claim, v, v + 1);
    if (seen !== v) {
      if ((seen & ~((1 << CLAIM_SHIFT) - 1)) !== gen) return ran;
      v = seen;
      continue;
    }
    try {
      fns[fn](params, i, i + 1);
    } finally {
      // Every claimed task is counted, a failed one too, so the dispatch never waits for it.
      if (Atomics.add(c, CTL.done, 1) + 1 === tasks) Atomics.notify(c, CTL.done);
    }
    ran++;
    v = v + 1;
  }
}
