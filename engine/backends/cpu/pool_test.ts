import { strictEqual } from "node:assert";
import { emitModule, FuncBuilder } from "../../../kernels/_cpu/emit.ts";
import { CTL } from "./_ctl.ts";
import { WorkerPool } from "./pool.ts";

/** A module with one kernel that stores `t1` at `params + 4 * t0` (one word per range). */
function markModule(): Uint8Array<ArrayBuffer> {
  const f = new FuncBuilder("mark", ["i32", "i32", "i32"], []);
  f.get(f.param(0)).get(f.param(1)).i32(2).op("i32.shl").op("i32.add");
  f.get(f.param(2)).mem("i32.store");
  return emitModule([f], { initial: 1, maximum: 1 });
}

function memory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
}

Deno.test("WorkerPool.run() right after create() is served by a worker that starts slowly", async () => {
  const mem = memory();
  // Each worker pauses 300 ms between announcing that it is ready and waiting for work: the
  // dispatch below lands in that gap. A worker that recorded the dispatch counter after the gap would
  // take this dispatch for an old one and never run it (the run then times out after 3 s).
  const pool = await WorkerPool.create({
    bytes: markModule(),
    memory: mem,
    ctl: 0,
    threads: 3,
    spin: 0,
    timeoutMs: 3000,
    startDelayMs: 300,
  });
  try {
    const params = CTL.size * 4;
    pool.run(0, params, 3);
    const words = new Int32Array(mem.buffer, params, 3);
    strictEqual([...words].join(), "1,2,3");
    pool.run(0, params + 64, 3);
    strictEqual([...new Int32Array(mem.buffer, params + 64, 3)].join(), "1,2,3");
  } finally {
    pool.dispose();
  }
});

const POOL = new URL("./pool.ts", import.meta.url).href;
const EMIT = new URL("../../../kernels/_cpu/emit.ts", import.meta.url).href;
const MOD = new URL("../../../mod.ts", import.meta.url).href;
const BUILDER = new URL("../../../format/tflite/builder.ts", import.meta.url).href;

/** Runs a script in a child Deno and checks that it prints "ran" and exits by itself. */
async function exitsByItself(script: string): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(script));
  await w.close();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const out = await child.output();
  clearTimeout(timer);
  strictEqual(
    new TextDecoder().decode(out.stdout).trim(),
    "ran",
    new TextDecoder().decode(out.stderr),
  );
  strictEqual(out.code, 0);
}

Deno.test("a program that never disposes its worker pool still exits", async () => {
  await exitsByItself(`
    import { WorkerPool } from ${JSON.stringify(POOL)};
    import { emitModule, FuncBuilder } from ${JSON.stringify(EMIT)};
    const f = new FuncBuilder("mark", ["i32", "i32", "i32"], []);
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const p = await WorkerPool.create({ bytes: emitModule([f], { initial: 1, maximum: 1 }), memory: mem, ctl: 0, threads: 2 });
    p.run(0, 64, 2);
    console.log("ran");
  `);
});

Deno.test("a program that never disposes its cpu session still exits", async () => {
  await exitsByItself(`
    import { createSession } from ${JSON.stringify(MOD)};
    import { GraphBuilder } from ${JSON.stringify(BUILDER)};
    const b = new GraphBuilder();
    const x = b.input("x", "float32", [1, 64, 64, 8]);
    b.output(b.op("RELU", [x], [{ dtype: "float32", shape: [1, 64, 64, 8] }])[0]);
    const s = await createSession(b.build(), { backend: "cpu", threads: 2 });
    await s.run([new Float32Array(64 * 64 * 8)]);
    console.log("ran");
  `);
});
