/**
 * A worker thread of {@linkcode WorkerPool}: instantiates the kernel module over the shared memory,
 * then waits on its own word of the pool's wake array for kernels to run (the word changes when a
 * dispatch includes this worker) until told to quit. Started by the pool as a
 * `node:worker_threads` worker with its setup in `workerData`.
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import { claimAndRun, CTL } from "./_ctl.ts";

interface Init {
  bytes: Uint8Array<ArrayBuffer>;
  memory: WebAssembly.Memory;
  ctl: number;
  wake: Int32Array;
  id: number;
  spin: number;
  startDelayMs: number;
}

function serve(init: Init): void {
  const { bytes, memory, ctl, wake, id, spin, startDelayMs } = init;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
  const fns = Object.values(inst.exports) as ((p: number, t0: number, t1: number) => void)[];
  const c = new Int32Array(memory.buffer, ctl, CTL.size);
  // The wake word is recorded before the worker says it is ready: a dispatch can only follow the
  // announcement, so it always differs from `seen`.
  let seen = Atomics.load(wake, id);
  Atomics.add(c, CTL.ready, 1);
  Atomics.notify(c, CTL.ready);
  if (startDelayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, startDelayMs);
  while (Atomics.load(c, CTL.quit) === 0) {
    let s = Atomics.load(wake, id);
    for (let i = 0; s === seen && i < spin; i++) s = Atomics.load(wake, id);
    if (s === seen) {
      Atomics.wait(wake, id, seen, 200);
      continue;
    }
    seen = s;
    if (Atomics.load(c, CTL.quit) !== 0) break;
    try {
      claimAndRun(c, Atomics.load(c, CTL.claim), fns);
    } catch {
      Atomics.store(c, CTL.error, 1);
    }
  }
}

serve(workerData as Init);
