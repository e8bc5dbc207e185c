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
  /** Bumped once per dispatch; workers wait on it. */
  seq: 0,
  /** Kernel index. */
  fn: 1,
  /** Parameter block address. */
  params: 2,
  /** Number of tasks. */
  tasks: 3,
  /** Threads taking part (main thread included). */
  threads: 4,
  /** Workers finished with the current dispatch. */
  done: 5,
  /** Non-zero tells workers to exit. */
  quit: 6,
  /** Workers ready. */
  ready: 7,
  /** Non-zero when a worker's kernel threw. */
  error: 8,
  /** Words in the block. */
  size: 16,
} as const;
