/**
 * gpulite's fast CPU backend next to LiteRT.js Wasm (XNNPack), both on one thread, on every real
 * float network in `../shared/models/networks` and in the npm MediaPipe packages found on this
 * machine ({@linkcode NPM_NETWORKS}; skipped with a note when absent): same file, same seeded inputs, median of `--runs`
 * timed runs after one warm-up (inputs in and outputs out included on both sides). The runtimes take
 * turns run by run, so that load from other work on the machine falls on both alike; the paired
 * ratio is the median over rounds of the two times' ratio. `--before DIR` also times another
 * checkout of gpulite (e.g. a `git worktree` at an older commit) in the same rounds, for
 * before/after ratios.
 *
 * ```sh
 * deno run -A bench/cpu_vs_litert.ts --out docs/results/cpu_2core [--runs 10] [--before DIR]
 * deno run -A bench/cpu_vs_litert.ts --out docs/results/cpu_2core --readme README.md  # the summary
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { HostTensor } from "../core/kernel.ts";
import { seededRandom } from "../core/random.ts";
import { median, type Stats, summarize } from "../core/stats.ts";
import { createSession, loadModel } from "../engine/session.ts";
import { locateNpmFile } from "../models/npm_models.ts";
import { openLitert } from "../peers/litert.ts";

/** One network's measurements. */
export interface CpuVsLitertRow {
  /** File name without `.tflite`. */
  network: string;
  /** LiteRT.js Wasm (XNNPack, 1 thread) milliseconds. */
  litert: Stats;
  /** gpulite cpu (1 thread) milliseconds. */
  gpulite: Stats;
  /** The `--before` checkout's gpulite cpu milliseconds, when given. */
  before?: Stats;
  /** Median over runs of gpulite's time over LiteRT.js's time in the same round. */
  paired: number;
  /** Largest difference between gpulite's and LiteRT.js's outputs, relative to LiteRT.js's largest value. */
  agreement: number;
  /** One-minute load average when the network's measurements began. */
  load: number;
}

type SessionModule = typeof import("../engine/session.ts");

/** An output by name. */
interface Named {
  name: string;
  data: ArrayLike<number>;
}

const NETWORKS = new URL("../../shared/models/networks/", import.meta.url).pathname;

/**
 * The real float networks the npm MediaPipe packages ship, measured after those of
 * `../shared/models/networks` when the package is on this machine (`locateNpmFile`).
 */
export const NPM_NETWORKS: readonly { pkg: string; file: string }[] = [
  ...["full", "heavy", "lite"].map((v) => `pose_landmark_${v}.tflite`)
    .map((file) => ({ pkg: "@mediapipe/pose", file })),
  ...["full", "lite"].map((v) => `hand_landmark_${v}.tflite`)
    .map((file) => ({ pkg: "@mediapipe/hands", file })),
  ...["short_range", "full_range", "full_range_sparse"].map((v) => `face_detection_${v}.tflite`)
    .map((file) => ({ pkg: "@mediapipe/face_detection", file })),
  ...["camera", "chair", "cup", "sneakers"].map((v) => `object_detection_3d_${v}.tflite`)
    .map((file) => ({ pkg: "@mediapipe/objectron", file })),
  { pkg: "@mediapipe/selfie_segmentation", file: "selfie_segmentation_landscape.tflite" },
];

/** A network file to measure, or why one is left out. */
export type NetworkSource = { network: string; path: string } | {
  network: string;
  skipped: string;
};

async function digest(path: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The networks to measure: every `.tflite` of `../shared/models/networks`, then
 * {@linkcode NPM_NETWORKS}; an npm file that is not on this machine, or whose bytes equal a file
 * listed before it, is kept with the reason it is skipped.
 *
 * @example
 * ```ts ignore
 * for (const s of await networkSources()) console.log(s.network, "skipped" in s ? s.skipped : s.path);
 * ```
 *
 * @returns The sources in measuring order.
 */
export async function networkSources(): Promise<NetworkSource[]> {
  const out: NetworkSource[] = [];
  const seen = new Map<string, string>();
  const keep = async (network: string, path: string) => {
    const hash = await digest(path);
    const same = seen.get(hash);
    if (same) return out.push({ network, skipped: `the same bytes as ${same}` });
    seen.set(
      hash,
      path.startsWith(NETWORKS) ? `shared/models/networks/${network}.tflite` : network,
    );
    out.push({ network, path });
  };
  const files = [...Deno.readDirSync(NETWORKS)].map((e) => e.name)
    .filter((f) => f.endsWith(".tflite")).sort();
  for (const file of files) await keep(file.replace(/\.tflite$/, ""), join(NETWORKS, file));
  for (const { pkg, file } of NPM_NETWORKS) {
    const network = file.replace(/\.tflite$/, "");
    const path = locateNpmFile(pkg, file);
    if (path) await keep(network, path);
    else out.push({ network, skipped: `npm:${pkg} is not on this machine` });
  }
  return out;
}

function inputsFor(shapes: readonly (readonly number[])[]): HostTensor[] {
  const r = seededRandom(1);
  return shapes.map((s) => ({
    dtype: "float32",
    shape: [...s],
    data: Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => r()),
  }));
}

/** A session of one gpulite checkout, run one inference at a time. */
interface Runner {
  inputs: HostTensor[];
  outputs: Named[];
  run(): Promise<void>;
  dispose(): void;
}

async function openGpulite(
  lib: Pick<SessionModule, "createSession" | "loadModel">,
  path: string,
): Promise<Runner> {
  const model = await lib.loadModel(path);
  // A dynamic dimension (the batch of some files) is run at 1.
  const g = model.subgraphs[0];
  const inputShapes = g.inputs.map((i) => g.tensors[i].shape.map((d) => d < 0 ? 1 : d));
  const session = await lib.createSession(model, { backend: "cpu", threads: 1, inputShapes });
  const inputs = inputsFor(session.inputs.map((t) => t.shape));
  const outputs = (await session.run(inputs)).map((t, k) => ({
    name: session.outputs[k].name,
    data: t.data as ArrayLike<number>,
  }));
  return {
    inputs,
    outputs,
    run: async () => void await session.run(inputs),
    dispose: () => session.dispose(),
  };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

function agreement(ours: readonly Named[], theirs: readonly Named[]): number {
  let num = 0, den = 0;
  ours.forEach((o, k) => {
    const t = theirs.find((x) => x.name === o.name) ?? theirs[k];
    if (!t || t.data.length !== o.data.length) {
      num = NaN;
      return;
    }
    for (let i = 0; i < o.data.length; i++) {
      num = Math.max(num, Math.abs(o.data[i] - t.data[i]));
      den = Math.max(den, Math.abs(t.data[i]));
    }
  });
  return num / Math.max(den, 1e-6);
}

/**
 * Measures every network.
 *
 * @example
 * ```ts ignore
 * const rows = await measureCpuVsLitert({ runs: 10 });
 * ```
 *
 * @param options Timed runs, the other checkout's root, networks to keep (default all), the
 * sources (default {@linkcode networkSources}), what to do with a network that fails on either side
 * (it is left out of the rows).
 * @returns One row per network.
 */
export async function measureCpuVsLitert(
  options: {
    runs: number;
    before?: string;
    only?: string[];
    sources?: NetworkSource[];
    onFailure?: (network: string, reason: string) => void;
  },
): Promise<CpuVsLitertRow[]> {
  const before: SessionModule | undefined = options.before
    ? await import(join(Deno.realPathSync(options.before), "engine/session.ts"))
    : undefined;
  const rows: CpuVsLitertRow[] = [];
  for (const source of options.sources ?? await networkSources()) {
    const { network } = source;
    if (options.only && !options.only.includes(network)) continue;
    if ("skipped" in source) {
      console.error(`${network}: skipped, ${source.skipped}`);
      continue;
    }
    const { path } = source;
    const load = Deno.loadavg()[0];
    try {
      rows.push(await measureOne({ network, path, load, runs: options.runs, before }));
    } catch (e) {
      // One network that cannot run on either side does not stop the others.
      const reason = `failed: ${(e as Error).message.split("\n")[0]}`;
      console.error(`${network}: ${reason}`);
      options.onFailure?.(network, reason);
      continue;
    }
    const row = rows.at(-1)!;
    console.error(
      `${network}: litert ${row.litert.median.toFixed(2)} ms, gpulite ${
        row.gpulite.median.toFixed(2)
      } ms${row.before ? `, before ${row.before.median.toFixed(2)} ms` : ""} (load ${
        load.toFixed(1)
      })`,
    );
  }
  return rows;
}

async function measureOne(
  o: { network: string; path: string; load: number; runs: number; before?: SessionModule },
): Promise<CpuVsLitertRow> {
  const { network, path, load, before } = o;
  // Runs interleave (gpulite, LiteRT.js, the other checkout), so that all see the same load.
  const now = await openGpulite({ createSession, loadModel }, path);
  // The other checkout may not run every network (an op it lacks): its column is left empty.
  const old = before
    ? await openGpulite(before, path).catch((e) => {
      console.error(
        `${network}: the --before checkout fails: ${(e as Error).message.split("\n")[0]}`,
      );
      return undefined;
    })
    : undefined;
  const inputs = now.inputs.map((t) => ({ data: t.data as Float32Array, shape: t.shape }));
  const peer = await openLitert(await Deno.readFile(path), "wasm").catch((e) => {
    now.dispose();
    old?.dispose();
    throw e;
  });
  const t = { now: [] as number[], peer: [] as number[], old: [] as number[] };
  let theirs: Named[] = [];
  try {
    theirs = (await peer.run(inputs, true)).map((o) => ({
      name: o.name,
      data: o.data as ArrayLike<number>,
    }));
    await now.run();
    await old?.run();
    for (let i = 0; i < o.runs; i++) {
      t.now.push(await timed(now.run));
      t.peer.push(await timed(() => peer.run(inputs)));
      if (old) t.old.push(await timed(old.run));
    }
  } finally {
    now.dispose();
    old?.dispose();
    peer.close();
  }
  return {
    network,
    litert: summarize(t.peer),
    gpulite: summarize(t.now),
    before: old ? summarize(t.old) : undefined,
    paired: median(t.now.map((v, i) => v / t.peer[i])),
    agreement: agreement(now.outputs, theirs),
    load,
  };
}

function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

/**
 * The Markdown table of the rows: milliseconds (median, p10–p90), ratios to LiteRT.js (above 1:
 * gpulite slower) and their geometric mean.
 *
 * @example
 * ```ts
 * import { cpuVsLitertMarkdown } from "./cpu_vs_litert.ts";
 * const s = { n: 1, median: 2, p10: 2, p90: 2, min: 2, max: 2, mean: 2 };
 * const md = cpuVsLitertMarkdown([
 *   { network: "net", litert: { ...s, median: 4 }, gpulite: s, paired: 0.5, agreement: 0, load: 1 },
 * ]);
 * if (!md.includes("| net | 4.00") || !md.includes("0.50")) throw new Error("wrong");
 * ```
 *
 * @param rows Measurements.
 * @returns The table.
 */
export function cpuVsLitertMarkdown(rows: readonly CpuVsLitertRow[]): string {
  const hasBefore = rows.some((r) => r.before);
  const ms = (s: Stats) => `${s.median.toFixed(2)} (${s.p10.toFixed(1)}–${s.p90.toFixed(1)})`;
  const head = [
    "network",
    "LiteRT.js Wasm ms",
    ...(hasBefore ? ["gpulite cpu before ms", "ratio before"] : []),
    "gpulite cpu ms",
    "ratio",
    "paired ratio",
    "outputs differ by",
    "load",
  ];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const r of rows) {
    const cells = [
      r.network,
      ms(r.litert),
      ...(hasBefore && r.before
        ? [ms(r.before), (r.before.median / r.litert.median).toFixed(2)]
        : hasBefore
        ? ["-", "-"]
        : []),
      ms(r.gpulite),
      (r.gpulite.median / r.litert.median).toFixed(2),
      r.paired.toFixed(2),
      r.agreement.toExponential(1),
      r.load.toFixed(1),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  const g = (f: (r: CpuVsLitertRow) => number | undefined) => {
    const xs = rows.map(f).filter((x): x is number => x !== undefined);
    if (xs.length === 0) return "-";
    const m = geomean(xs).toFixed(2);
    return xs.length === rows.length ? m : `${m} (${xs.length} of ${rows.length})`;
  };
  const foot = [
    "geometric mean",
    "",
    ...(hasBefore ? ["", g((r) => r.before && r.before.median / r.litert.median)] : []),
    "",
    g((r) => r.gpulite.median / r.litert.median),
    g((r) => r.paired),
    "",
    "",
  ];
  lines.push(`| ${foot.join(" | ")} |`);
  return lines.join("\n") + "\n";
}

/** Markers of the README section {@linkcode readmeSection} fills. */
export const README_MARKERS = ["<!-- cpu-vs-litert:start -->", "<!-- cpu-vs-litert:end -->"];

/**
 * The README's CPU summary from measured rows: ratios per network (paired, then of medians) and
 * their geometric means, with the file and command they came from.
 *
 * @example
 * ```ts
 * import { readmeSection } from "./cpu_vs_litert.ts";
 * const s = { n: 1, median: 2, p10: 2, p90: 2, min: 2, max: 2, mean: 2 };
 * const text = readmeSection(
 *   [{ network: "net", litert: { ...s, median: 4 }, gpulite: s, paired: 0.5, agreement: 0, load: 1 }],
 *   { command: "cmd", date: "2026-01-01T00:00:00Z" },
 * );
 * if (!text.includes("net 0.50")) throw new Error("wrong");
 * ```
 *
 * @param rows Measurements.
 * @param meta The command and date of the run.
 * @returns Markdown (one list item).
 */
export function readmeSection(
  rows: readonly CpuVsLitertRow[],
  meta: { command: string; date: string },
): string {
  const ratio = (r: CpuVsLitertRow) => r.gpulite.median / r.litert.median;
  const per = rows.map((r) => `${r.network} ${r.paired.toFixed(2)}`).join(", ");
  const gPaired = geomean(rows.map((r) => r.paired)).toFixed(2);
  const gMedian = geomean(rows.map(ratio)).toFixed(2);
  const load = rows.map((r) => r.load);
  return `- CPU backend against LiteRT.js Wasm (XNNPack), one thread each, on a 2-core machine ` +
    `(${meta.date.slice(0, 10)}), gpulite time over LiteRT.js time (below 1: gpulite ` +
    `faster), median of per-round ratios: ${per}; geometric mean ${gPaired} (${gMedian} from the ` +
    `medians). The cores are shared with other work (load ${Math.min(...load).toFixed(1)} to ` +
    `${Math.max(...load).toFixed(1)}): single runs spread widely, the ratios less ` +
    `(\`docs/results/cpu_2core/vs_litert.md\`, \`${meta.command}\`).\n`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "10" },
      out: { type: "string" },
      before: { type: "string" },
      networks: { type: "string" },
      readme: { type: "string" },
    },
  });
  if (values.readme && values.out) {
    // Rewrites the README's section from a committed run, then `deno fmt` the README.
    const run = JSON.parse(await Deno.readTextFile(join(values.out, "vs_litert.json")));
    const text = await Deno.readTextFile(values.readme);
    const [a, b] = README_MARKERS;
    const i = text.indexOf(a), j = text.indexOf(b);
    if (i < 0 || j < i) throw new Error(`${values.readme} lacks the markers ${a} ... ${b}`);
    const section = readmeSection(run.rows, run);
    await Deno.writeTextFile(
      values.readme,
      text.slice(0, i + a.length) + "\n" + section + text.slice(j),
    );
    Deno.exit(0);
  }
  const sources = await networkSources();
  const only = values.networks?.split(",");
  const failed: string[] = [];
  const rows = await measureCpuVsLitert({
    runs: Number(values.runs),
    before: values.before,
    only,
    sources,
    onFailure: (network, reason) => failed.push(`- ${network}: ${reason}`),
  });
  const skipped = sources.flatMap((s) =>
    "skipped" in s && (!only || only.includes(s.network))
      ? [`- ${s.network}: skipped, ${s.skipped}`]
      : []
  ).concat(failed);
  const md = cpuVsLitertMarkdown(rows) + (skipped.length ? `\n${skipped.join("\n")}\n` : "");
  console.log(md);
  if (values.out) {
    await Deno.mkdir(values.out, { recursive: true });
    const command = `deno run -A bench/cpu_vs_litert.ts ${Deno.args.join(" ")}`;
    const meta = {
      date: new Date().toISOString(),
      command,
      deno: Deno.version.deno,
      cpuThreads: navigator.hardwareConcurrency,
    };
    await Deno.writeTextFile(
      join(values.out, "vs_litert.json"),
      JSON.stringify({ ...meta, rows }, null, 2) + "\n",
    );
    await Deno.writeTextFile(
      join(values.out, "vs_litert.md"),
      `# gpulite cpu vs LiteRT.js Wasm (XNNPack), one thread each\n\n` +
        `Made by \`${command}\` on ${meta.date} (Deno ${meta.deno}, ${meta.cpuThreads} cores ` +
        `shared with other work). Milliseconds: median (p10–p90) of ${values.runs} runs after ` +
        `one warm-up, inputs in and outputs out included, the runtimes taking turns run by run; ` +
        `ratio (of medians) above 1: gpulite slower; paired ratio: median over rounds of the ` +
        `ratio of the two times; load: one-minute load average when the network began.\n\n${md}`,
    );
  }
}
