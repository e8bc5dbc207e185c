/**
 * Fuzzing: mutants of the real networks (byte flips, truncation, shape, operand, option and dtype
 * edits through the reader's own structures, inflated shape constants, duplicated writers, swapped
 * nodes), each through loadModel + createSession + run on every backend. Outcomes are counted
 * (model error, usage error, unsupported, op error, GPU error, ran); an exception that is not a
 * GpuliteError, a hang (per-case time limit) or a crashed process is saved as a reproducer under
 * `out/fuzz/`. The cases run in a child process (`tools/_fuzz_runner.ts`) so that a hang can be
 * stopped; its peak resident memory is reported.
 *
 * Run: `deno task fuzz [--minutes N | --seconds N] [--seed S] [--backends reference,cpu,gpu]
 * [--case-timeout SECONDS] [--models a.tflite,b.tflite] [--out out/fuzz]` (model paths may be
 * relative to `../shared/models/`; default: every file of `networks/` and `quantized/`). `deno task
 * fuzz:ci` is the short seeded run CI makes. Exits 1 when anything was saved.
 *
 * @module
 */
import { seededRandom } from "../core/random.ts";
import { type Mutant, mutate, parseForMutation } from "./_fuzz_mutate.ts";
import type { Model } from "../core/ir.ts";

/** Command-line settings. */
interface Settings {
  seconds: number;
  seed: number;
  backends: string[];
  caseTimeoutMs: number;
  models: string[];
  out: string;
}

const MODELS_DIR = new URL("../../shared/models/", import.meta.url).pathname;

function defaultModels(): string[] {
  const out: string[] = [];
  for (const dir of ["networks", "quantized"]) {
    for (const e of Deno.readDirSync(MODELS_DIR + dir)) {
      if (e.name.endsWith(".tflite")) out.push(`${MODELS_DIR}${dir}/${e.name}`);
    }
  }
  return out.sort();
}

function fail(message: string): never {
  console.error(`fuzz: ${message}`);
  Deno.exit(2);
}

function parseArgs(args: string[]): Settings {
  const s: Settings = {
    seconds: 60,
    seed: 1,
    backends: ["reference", "cpu", "gpu"],
    caseTimeoutMs: 120_000,
    models: [],
    out: "out/fuzz",
  };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0) fail(`${flag} needs a positive number`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i], v = args[i + 1];
    if (a === "--minutes") s.seconds = num(a, v) * 60, i++;
    else if (a === "--seconds") s.seconds = num(a, v), i++;
    else if (a === "--seed") s.seed = Math.floor(num(a, v)), i++;
    else if (a === "--case-timeout") s.caseTimeoutMs = num(a, v) * 1000, i++;
    else if (a === "--out") s.out = v ?? fail("--out needs a folder"), i++;
    else if (a === "--models") s.models = (v ?? fail("--models needs paths")).split(","), i++;
    else if (a === "--backends") {
      s.backends = (v ?? fail("--backends needs a list")).split(",");
      const bad = s.backends.find((b) => !["reference", "cpu", "gpu"].includes(b));
      if (bad) fail(`unknown backend "${bad}"; use reference, cpu, gpu`);
      i++;
    } else fail(`unknown option ${a}`);
  }
  if (s.models.length === 0) s.models = defaultModels();
  s.models = s.models.map((m) => {
    try {
      Deno.statSync(m);
      return m;
    } catch {
      return MODELS_DIR + m;
    }
  });
  return s;
}

/** One result line of the runner. */
interface Result {
  id: number;
  backend?: string;
  outcome?: string;
  name?: string;
  message?: string;
  ms?: number;
  done?: boolean;
}

/** The child process and its result stream. */
class Runner {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #results: Result[] = [];
  #wake: (() => void) | undefined;
  #stderr = "";
  exited = false;

  constructor() {
    const runner = new URL("./_fuzz_runner.ts", import.meta.url).pathname;
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", runner],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    void this.#read();
    void this.#readErr();
    void this.#child.status.then(() => {
      this.exited = true;
      this.#wake?.();
    });
  }

  get pid(): number {
    return this.#child.pid;
  }

  get stderrTail(): string {
    return this.#stderr.slice(-4000);
  }

  async #read() {
    let pending = "";
    for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith("@@FUZZ ")) {
          this.#results.push(JSON.parse(line.slice(7)));
          this.#wake?.();
        }
      }
    }
  }

  async #readErr() {
    for await (const chunk of this.#child.stderr.pipeThrough(new TextDecoderStream())) {
      this.#stderr = (this.#stderr + chunk).slice(-8000);
    }
  }

  /** Sends a case and waits for its results; `undefined` on a timeout or a crash. */
  async run(id: number, file: string, backends: string[], timeoutMs: number) {
    this.#stderr = "";
    await this.#writer.write(
      new TextEncoder().encode(JSON.stringify({ id, file, backends }) + "\n"),
    );
    const deadline = performance.now() + timeoutMs;
    const got: Result[] = [];
    while (true) {
      while (this.#results.length > 0) {
        const r = this.#results.shift()!;
        if (r.id !== id) continue;
        if (r.done) return { results: got };
        got.push(r);
      }
      if (this.exited) return { results: got, crashed: true };
      const left = deadline - performance.now();
      if (left <= 0) return { results: got, hung: true };
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Peak resident memory of the child so far, in bytes (Linux), or 0. */
  peakRss(): number {
    try {
      const status = Deno.readTextFileSync(`/proc/${this.pid}/status`);
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  async kill(): Promise<void> {
    if (!this.exited) {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    await this.#child.status;
    await this.#writer.close().catch(() => {});
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

async function main(): Promise<number> {
  const s = parseArgs(Deno.args);
  await Deno.mkdir(`${s.out}/tmp`, { recursive: true });
  const sources: { name: string; bytes: Uint8Array; model: Model }[] = s.models.map((path) => {
    const bytes = Deno.readFileSync(path);
    return { name: path.split("/").pop()!, bytes, model: parseForMutation(bytes) };
  });
  const rng = seededRandom(s.seed);
  const counts: Record<string, Record<string, number>> = {};
  const kinds: Record<string, number> = {};
  const saved: string[] = [];
  let cases = 0, hangs = 0, crashes = 0, foreign = 0, peak = 0;
  const started = performance.now();
  const deadline = started + s.seconds * 1000;
  let runner = new Runner();
  const save = async (id: number, m: Mutant, src: string, why: string, info: unknown) => {
    const base = `${s.out}/seed${s.seed}-case${id}-${why}`;
    await Deno.writeFile(`${base}.tflite`, m.bytes);
    await Deno.writeTextFile(
      `${base}.json`,
      JSON.stringify({ source: src, kind: m.kind, detail: m.detail, why, info }, null, 2) + "\n",
    );
    saved.push(`${base}.tflite`);
  };
  while (performance.now() < deadline) {
    const id = ++cases;
    const src = sources[Math.floor(rng() * sources.length)];
    const m = mutate(src.bytes, src.model, rng);
    kinds[m.kind] = (kinds[m.kind] ?? 0) + 1;
    const file = `${s.out}/tmp/case.tflite`;
    await Deno.writeFile(file, m.bytes);
    const r = await runner.run(id, file, s.backends, s.caseTimeoutMs * s.backends.length);
    peak = Math.max(peak, runner.peakRss());
    for (const x of r.results) {
      const by = counts[x.backend!] ??= {};
      by[x.outcome!] = (by[x.outcome!] ?? 0) + 1;
      if (x.outcome === "foreign") {
        foreign++;
        await save(id, m, src.name, "foreign", x);
      }
    }
    if (r.hung || r.crashed) {
      if (r.hung) hangs++;
      else crashes++;
      const why = r.hung ? "hang" : "crash";
      await save(id, m, src.name, why, { results: r.results, stderr: runner.stderrTail });
      await runner.kill();
      runner = new Runner();
    }
    if (id % 25 === 0) {
      const secs = ((performance.now() - started) / 1000).toFixed(0);
      console.log(
        `${secs} s: ${id} cases, ${foreign} foreign, ${hangs} hangs, ${crashes} crashes, peak RSS ${
          mib(peak)
        }`,
      );
    }
  }
  await runner.kill();
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    seed: s.seed,
    seconds: Math.round(seconds),
    cases,
    backends: s.backends,
    mutations: kinds,
    outcomes: counts,
    foreign,
    hangs,
    crashes,
    peakChildRssBytes: peak,
    parentRssBytes: Deno.memoryUsage().rss,
    saved,
  };
  await Deno.writeTextFile(
    `${s.out}/summary-seed${s.seed}.json`,
    JSON.stringify(summary, null, 2) + "\n",
  );
  console.log(
    `\n${cases} cases in ${seconds.toFixed(0)} s (seed ${s.seed}) on ${s.backends.join(", ")}`,
  );
  console.log(`mutations: ${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(", ")}`);
  for (const [backend, by] of Object.entries(counts)) {
    console.log(
      `${backend.padEnd(10)} ${Object.entries(by).sort().map(([k, n]) => `${k} ${n}`).join(", ")}`,
    );
  }
  console.log(`foreign exceptions ${foreign}, hangs ${hangs}, crashes ${crashes}`);
  console.log(
    `peak RSS of the case process ${mib(peak)}, of this process ${mib(Deno.memoryUsage().rss)}`,
  );
  for (const f of saved) console.log(`saved ${f}`);
  return saved.length > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
