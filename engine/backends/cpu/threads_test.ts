import { strictEqual } from "node:assert/strict";
import { createSession, loadModel } from "../../session.ts";
import { maxThreads } from "../../options.ts";
import type { HostTensor } from "../../../core/kernel.ts";
import type { ExecGraph, ExecNode } from "../../../core/exec_graph.ts";
import { seededRandom } from "../../../core/random.ts";
import { emitModule, FuncBuilder } from "../../../kernels/_cpu/emit.ts";
import { CTL } from "./_ctl.ts";
import { WorkerPool } from "./pool.ts";
import { MIN_WORK_PER_THREAD, nodeWork, threadsFor } from "./split.ts";

const DIR = new URL("../../../../shared/models/networks/", import.meta.url).pathname;

Deno.test("threadsFor gives a tiny node the calling thread alone", () => {
  strictEqual(threadsFor({ work: 0, threads: 16 }), 1);
  strictEqual(threadsFor({ work: MIN_WORK_PER_THREAD - 1, threads: 16 }), 1);
  strictEqual(threadsFor({ work: 2 * MIN_WORK_PER_THREAD - 1, threads: 16 }), 1);
});

Deno.test("threadsFor gives one thread per minimum share of work, up to the pool's threads", () => {
  strictEqual(threadsFor({ work: 2 * MIN_WORK_PER_THREAD, threads: 16 }), 2);
  strictEqual(threadsFor({ work: 5.5 * MIN_WORK_PER_THREAD, threads: 16 }), 5);
  strictEqual(threadsFor({ work: 100 * MIN_WORK_PER_THREAD, threads: 16 }), 16);
  strictEqual(threadsFor({ work: 100 * MIN_WORK_PER_THREAD, threads: 3 }), 3);
  strictEqual(threadsFor({ work: 1000, threads: 16, minWorkPerThread: 100 }), 10);
  strictEqual(threadsFor({ work: 1e9, threads: 1 }), 1);
});

Deno.test("nodeWork counts a convolution's multiply-adds per output and an elementwise node's reads", () => {
  const t = (shape: number[], constant = false) => ({
    shape,
    dtype: "float32",
    ...(constant ? { value: { dtype: "float32", shape, data: new Float32Array(0) } } : {}),
  });
  const graph = {
    tensors: [t([1, 8, 8, 16]), t([32, 3, 3, 16], true), t([32], true), t([1, 8, 8, 32])],
  } as unknown as ExecGraph;
  const conv = { inputs: [0, 1, 2], outputs: [3] } as unknown as ExecNode;
  strictEqual(nodeWork(graph, conv), 8 * 8 * 32 * (3 * 3 * 16) + 8 * 8 * 16);
  const add = { inputs: [3, 3], outputs: [3] } as unknown as ExecNode;
  strictEqual(nodeWork(graph, add), 3 * 8 * 8 * 32);
});

/** A module with one kernel that adds 1 to the words at `params + 4 * i` for `i` in `[t0, t1)`. */
function bumpModule(): Uint8Array<ArrayBuffer> {
  const f = new FuncBuilder("bump", ["i32", "i32", "i32"], []);
  const p = f.param(0), i = f.param(1), t1 = f.param(2);
  f.open("block").get(i).get(t1).op("i32.ge_s").br(0, true).open("loop");
  f.get(p).get(i).i32(2).op("i32.shl").op("i32.add");
  f.get(p).get(i).i32(2).op("i32.shl").op("i32.add").mem("i32.load");
  f.i32(1).op("i32.add").mem("i32.store");
  f.get(i).i32(1).op("i32.add").tee(i).get(t1).op("i32.lt_s").br(0, true);
  f.end().end();
  return emitModule([f], { initial: 1, maximum: 1 });
}

Deno.test("WorkerPool runs every task exactly once over many dispatches, oversubscribed and capped", async () => {
  const mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const pool = await WorkerPool.create({
    bytes: bumpModule(),
    memory: mem,
    ctl: 0,
    threads: 8,
    spin: 200,
    timeoutMs: 10_000,
  });
  try {
    const params = CTL.size * 4;
    const words = new Int32Array(mem.buffer, params, 64);
    const rand = seededRandom(7);
    for (let d = 0; d < 2000; d++) {
      const tasks = 1 + Math.floor(rand() * 64);
      pool.cap = 1 + Math.floor(rand() * 9);
      words.fill(0);
      pool.run(0, params, tasks);
      for (let i = 0; i < 64; i++) {
        const want = i < tasks ? 1 : 0;
        if (words[i] !== want) {
          throw new Error(`dispatch ${d}: word ${i} is ${words[i]}, want ${want}`);
        }
      }
    }
  } finally {
    pool.dispose();
  }
});

for (const name of ["pose_landmark_lite", "facedetector_front"]) {
  Deno.test(`the cpu backend's ${name} outputs are bit-identical at 1 and many threads`, async () => {
    const model = await loadModel(`${DIR}${name}.tflite`);
    const many = Math.min(16, maxThreads());
    const one = await createSession(model, { backend: "cpu", threads: 1 });
    const lots = await createSession(model, { backend: "cpu", threads: many });
    try {
      const r = seededRandom(11);
      const inputs: HostTensor[] = one.inputs.map((t) => ({
        dtype: "float32",
        shape: [...t.shape],
        data: Float32Array.from({ length: t.shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1),
      }));
      const a = await one.run(inputs);
      for (let run = 0; run < 3; run++) {
        const b = await lots.run(inputs);
        a.forEach((x, k) => {
          const y = b[k].data;
          for (let i = 0; i < x.data.length; i++) {
            if (!Object.is(x.data[i], y[i])) {
              throw new Error(
                `run ${run}, output ${k}[${i}]: ${x.data[i]} at 1 thread, ${y[i]} at ${many}`,
              );
            }
          }
        });
      }
    } finally {
      one.dispose();
      lots.dispose();
    }
  });
}
