/**
 * What the browser build puts in place of `node:worker_threads`: the cpu backend's worker pool
 * imports it, and a page has no Node worker threads. The gpu and reference backends, and the cpu
 * backend on one thread, never start a worker, so the page loads and runs them; a pool that tries
 * to start one gets a one-line error.
 *
 * @module
 */
import { UnsupportedError } from "../core/errors.ts";

/** Setup data of a worker: none in a page. */
export const workerData: unknown = undefined;

/** Stands in for Node's `Worker`; constructing one throws. */
export class Worker {
  /** Always throws {@linkcode UnsupportedError}. */
  constructor() {
    throw new UnsupportedError(
      "The cpu backend's worker threads are not part of the browser build; pass threads: 1, or use the gpu or reference backend",
    );
  }
}
