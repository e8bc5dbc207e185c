/**
 * A worker thread of {@linkcode WorkerPool}: instantiates the kernel module over the shared memory,
 * then waits on the control block for kernels to run until told to quit. Started by the pool as a
 * `node:worker_threads` worker with its setup in `workerData`.
 *
 * @module
 */
import { workerData } from "node:worker_threads";
import { CTL } from "./_ctl.ts";

interface Init {
  bytes: Uint8Array<ArrayBuffer>;
  memory: WebAssembly.Memory;
  ctl: number;
  id: number;
  spin: number;
  startDelayMs: number;
}

function serve(init: Init): void {
  const { bytes, memory, ctl, id, spin, startDelayMs } = init;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
  const fns = Object.values(inst.exports) as ((p: number, t0: number, t1: number) => void)[];
  const c = new Int32Array(memory.buffer, ctl, CTL.size);
  // The dispatch counter is recorded before the worker says it is ready: a dispatch can only follow
  // the announcement, so it always differs from `seen`.
  let seen = Atomics.load(c, CTL.seq);
  Atomics.add(c, CTL.ready, 1);
  Atomics.notify(c, CTL.ready);
  if (startDelayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, startDelayMs);
  while (Atomics.load(c, CTL.quit) === 0) {
    let s = Atomics.load(c, CTL.seq);
    for (let i = 0; s === seen && i < spin; i++) s = Atomics.load(c, CTL.seq);
    if (s === seen) {
      Atomics.wait(c, CTL.seq, seen, 200);
      continue;
    }
    seen = s;
    const n = c[CTL.threads], tasks = c[CTL.tasks];
    const t0 = Math.floor((tasks * id) / n), t1 = Math.floor((tasks * (id + 1)) / n);
    try {
      if (t0 < t1) fns[c[CTL.fn]](c[CTL.params], t0, t1);
    } catch {
      Atomics.store(c, CTL.error, 1);
    }
    Atomics.add(c, CTL.done, 1);
    Atomics.notify(c, CTL.done);
  }
}

serve(workerData as Init);
