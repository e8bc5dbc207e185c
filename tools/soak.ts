/**
 * Soak: N inferences per backend on one small real model, reporting resident memory and JS heap at
 * the start, middle and end, and whether every output is bit-identical to the first run's.
 *
 * Run: `deno task soak [--runs N] [--backends reference,cpu,gpu] [--model PATH]` (the model path
 * may be relative to `../shared/models/`; default `ops/quant_testdata__mixed16x8.tflite`, a
 * CONV_2D and LOG_SOFTMAX from LiteRT's test data). The task passes `--expose-gc` so that heap
 * figures are taken after a collection. Exits 1 when an output differs.
 *
 * @module
 */
import { acquireDevice, createSession, type HostTensor, loadModel } from "../mod.ts";
import { seededRandom } from "../core/random.ts";
import { numElements } from "../core/ir.ts";

const MODELS_DIR = new URL("../../shared/models/", import.meta.url).pathname;

interface Settings {
  runs: number;
  backends: string[];
  model: string;
}

function fail(message: string): never {
  console.error(`soak: ${message}`);
  Deno.exit(2);
}

function parseArgs(args: string[]): Settings {
  const s: Settings = {
    runs: 1000,
    backends: ["reference", "cpu"],
    model: "ops/quant_testdata__mixed16x8.tflite",
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i], v = args[i + 1];
    if (a === "--runs") {
      s.runs = Number(v);
      if (!Number.isInteger(s.runs) || s.runs < 2) fail("--runs needs an integer of at least 2");
      i++;
    } else if (a === "--backends") {
      s.backends = (v ?? fail("--backends needs a list")).split(",");
      const bad = s.backends.find((b) => !["reference", "cpu", "gpu"].includes(b));
      if (bad) fail(`unknown backend "${bad}"; use reference, cpu, gpu`);
      i++;
    } else if (a === "--model") {
      s.model = v ?? fail("--model needs a path");
      i++;
    } else fail(`unknown option ${a}`);
  }
  return s;
}

/** Memory now, after a collection when `gc` is exposed. */
function memory(): { rss: number; heapUsed: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = Deno.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

function sameBits(a: HostTensor[], b: HostTensor[]): boolean {
  return a.length === b.length && a.every((t, i) => {
    const x = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const u = b[i].data;
    const y = new Uint8Array(u.buffer, u.byteOffset, u.byteLength);
    return x.length === y.length && x.every((v, k) => v === y[k]);
  });
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

async function main(): Promise<number> {
  const s = parseArgs(Deno.args);
  let path = s.model;
  try {
    Deno.statSync(path);
  } catch {
    path = MODELS_DIR + s.model;
  }
  const model = await loadModel(path);
  const rows: Record<string, unknown>[] = [];
  let differing = 0;
  for (const backend of s.backends) {
    const device = backend === "gpu" ? await acquireDevice() : undefined;
    const session = await createSession(model, {
      backend: backend as "gpu" | "cpu" | "reference",
      device,
    });
    const rng = seededRandom(7);
    const inputs = session.inputs.map((spec) => {
      const data = new Float32Array(numElements(spec.shape)).map(() => rng() * 2 - 1);
      return { dtype: "float32" as const, shape: spec.shape, data };
    });
    const t0 = performance.now();
    const first = await session.run(inputs);
    const marks = [memory()];
    let same = 0;
    for (let i = 1; i < s.runs; i++) {
      const out = await session.run(inputs);
      if (sameBits(first, out)) same++;
      if (i === Math.floor(s.runs / 2)) marks.push(memory());
    }
    marks.push(memory());
    const seconds = (performance.now() - t0) / 1000;
    session.dispose();
    device?.device.destroy();
    const identical = same === s.runs - 1;
    if (!identical) differing++;
    rows.push({ backend, runs: s.runs, seconds, identical, same, marks });
    console.log(
      `${backend.padEnd(9)} ${s.runs} runs in ${
        seconds.toFixed(1)
      } s; outputs identical to the first: ${identical ? "all" : `${same} of ${s.runs - 1}`}`,
    );
    console.log(
      `${"".padEnd(9)} RSS ${marks.map((m) => mib(m.rss)).join(" / ")}, heap ${
        marks.map((m) => mib(m.heapUsed)).join(" / ")
      } (start / middle / end)`,
    );
  }
  await Deno.mkdir("out/soak", { recursive: true });
  await Deno.writeTextFile(
    `out/soak/soak-${s.backends.join("-")}-${s.runs}.json`,
    JSON.stringify({ model: s.model, rows }, null, 2) + "\n",
  );
  return differing > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
