/**
 * How the cpu backend scales with threads: every real network (the `.tflite` files of a folder,
 * default `../shared/models/networks`) at 1, 2, 4, 8, 16 threads (those up to the machine's cores),
 * median of `--runs` timed runs after a warm-up, the thread counts taking turns run by run so that
 * other load falls on all alike. Writes `threads.md` and `threads.json` into `--out`.
 *
 * ```sh
 * deno run -A scripts/cpu_threads.ts --out docs/results/cpu_threads [--runs 20] [--models DIR]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { cpus } from "node:os";
import type { HostTensor } from "../core/kernel.ts";
import { seededRandom } from "../core/random.ts";
import { type Stats, summarize } from "../core/stats.ts";
import { createSession, loadModel, type Session } from "../engine/session.ts";

/** One network's times per thread count. */
export interface ThreadRow {
  /** File name without `.tflite`. */
  network: string;
  /** Milliseconds per thread count. */
  ms: Record<number, Stats>;
}

/**
 * Speedup of each thread count over one thread, and parallel efficiency (speedup / threads).
 *
 * @example
 * ```ts
 * import { scaling } from "./cpu_threads.ts";
 * import { summarize } from "../core/stats.ts";
 * const s = (ms: number) => summarize([ms]);
 * const r = scaling({ network: "x", ms: { 1: s(8), 2: s(4), 4: s(4) } });
 * if (r[2].speedup !== 2 || r[4].efficiency !== 0.5) throw new Error("wrong");
 * ```
 *
 * @param row One network's times.
 * @returns Per thread count: speedup over 1 thread and efficiency.
 */
export function scaling(row: ThreadRow): Record<number, { speedup: number; efficiency: number }> {
  const one = row.ms[1]?.median;
  const out: Record<number, { speedup: number; efficiency: number }> = {};
  for (const [t, s] of Object.entries(row.ms)) {
    const speedup = one === undefined ? NaN : one / s.median;
    out[Number(t)] = { speedup, efficiency: speedup / Number(t) };
  }
  return out;
}

function randomInputs(session: Session, seed: number): HostTensor[] {
  const rand = seededRandom(seed);
  return session.inputs.map((t) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    return {
      dtype: "float32",
      shape: [...t.shape],
      data: Float32Array.from({ length: n }, () => rand() * 2 - 1),
    };
  });
}

/**
 * Markdown of the measurement: one row per network, one column per thread count (ms, speedup).
 *
 * @param rows The networks.
 * @param threads The thread counts, ascending.
 * @param header Lines above the table (command, machine).
 * @returns The document.
 */
export function threadsMarkdown(
  rows: readonly ThreadRow[],
  threads: readonly number[],
  header: readonly string[],
): string {
  const head = ["network", ...threads.map((t) => `${t}t ms (speedup)`)];
  const lines = [
    "# gpulite cpu backend: scaling with threads",
    "",
    ...header,
    "",
    `| ${head.join(" | ")} |`,
    `| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const r of rows) {
    const sc = scaling(r);
    const cells = threads.map((t) =>
      r.ms[t] ? `${r.ms[t].median.toFixed(2)} (${sc[t].speedup.toFixed(2)}x)` : "-"
    );
    lines.push(`| ${r.network} | ${cells.join(" | ")} |`);
  }
  const geo = threads.map((t) => {
    const xs = rows.map((r) => scaling(r)[t]?.speedup).filter((x) => Number.isFinite(x));
    return xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : NaN;
  });
  lines.push(`| geometric mean speedup | ${geo.map((g) => `${g.toFixed(2)}x`).join(" | ")} |`);
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: "out/cpu_threads" },
      runs: { type: "string", default: "20" },
      models: {
        type: "string",
        default: new URL("../../shared/models/networks/", import.meta.url).pathname,
      },
      threads: { type: "string" },
    },
  });
  const runs = Number(values.runs);
  const cores = cpus().length;
  const threads = values.threads
    ? values.threads.split(",").map(Number)
    : [1, 2, 4, 8, 16].filter((t) => t <= cores);
  const files = [...Deno.readDirSync(values.models)]
    .filter((e) => e.isFile && e.name.endsWith(".tflite"))
    .map((e) => e.name)
    .sort();
  const rows: ThreadRow[] = [];
  const started = new Date().toISOString();
  for (const file of files) {
    const model = await loadModel(join(values.models, file));
    const sessions = new Map<number, Session>();
    try {
      const probe = await createSession(model, { backend: "cpu", threads: 1 });
      const float = probe.inputs.every((t) => t.dtype === "float32");
      probe.dispose();
      if (!float) {
        console.log(`${file}: skipped (inputs are not float32)`);
        continue;
      }
      for (const t of threads) {
        sessions.set(t, await createSession(model, { backend: "cpu", threads: t }));
      }
      const inputs = randomInputs(sessions.get(threads[0])!, 7);
      const times = new Map<number, number[]>(threads.map((t) => [t, []]));
      for (const s of sessions.values()) await s.run(inputs);
      for (let i = 0; i < runs; i++) {
        for (const t of threads) {
          const t0 = performance.now();
          await sessions.get(t)!.run(inputs);
          times.get(t)!.push(performance.now() - t0);
        }
      }
      const row: ThreadRow = {
        network: file.replace(/\.tflite$/, ""),
        ms: Object.fromEntries(threads.map((t) => [t, summarize(times.get(t)!)])),
      };
      rows.push(row);
      const sc = scaling(row);
      console.log(
        `${row.network}: ${
          threads.map((t) =>
            `${t}t ${row.ms[t].median.toFixed(2)} ms (${sc[t].speedup.toFixed(2)}x)`
          )
            .join(", ")
        }`,
      );
    } finally {
      for (const s of sessions.values()) s.dispose();
    }
  }
  await Deno.mkdir(values.out, { recursive: true });
  const header = [
    `Made by \`deno run -A scripts/cpu_threads.ts --runs ${runs} --out ${values.out}\` on ${started}`,
    `(Deno ${Deno.version.deno}, ${cores} cores: ${cpus()[0]?.model ?? "unknown CPU"}).`,
    `Milliseconds: median of ${runs} runs after one warm-up, inputs in and outputs out included;`,
    "the thread counts take turns run by run. Speedup: one thread's median over this one's.",
  ];
  await Deno.writeTextFile(join(values.out, "threads.md"), threadsMarkdown(rows, threads, header));
  await Deno.writeTextFile(
    join(values.out, "threads.json"),
    JSON.stringify({ started, cores, threads, runs, rows }, null, 2) + "\n",
  );
  console.log(`wrote ${join(values.out, "threads.md")}`);
}

if (import.meta.main) await main();
