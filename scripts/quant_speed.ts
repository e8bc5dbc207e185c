/**
 * 8-bit against float on the CPU, same network: the 8-bit MobileNet v2 file
 * (`../shared/models/quantized/mobilenet_v2_1.0_224_quant.tflite`) and the float MobileNet v2 of the
 * catalogue (`buildNetwork("mobilenet_v2_1.0_224")`), on gpulite's cpu backend at 1 and 2 threads
 * and on LiteRT.js Wasm (XNNPack, its default threads). Every runner runs once per round in turn, so
 * load from other work falls on all alike; a run includes input upload and output readback. Writes
 * `cpu_speed.md` and `cpu_speed.json` to `--out`.
 *
 * ```sh
 * deno run -A scripts/quant_speed.ts --out docs/results/quant [--rounds 30]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { HostTensor } from "../core/kernel.ts";
import { seededRandom } from "../core/random.ts";
import { median } from "../core/stats.ts";
import { createSession, loadModel } from "../engine/session.ts";
import { buildNetwork, buildTflite } from "../models/catalog.ts";
import { openLitert } from "../peers/litert.ts";
import { buildExecGraph } from "../core/exec_graph.ts";
import { kernelFor } from "../kernels/registry.ts";
import { CpuExecutor } from "../engine/backends/cpu/executor.ts";
import type { Model } from "../core/ir.ts";
import { quantizeModel, randomInputSets } from "../engine/quantize/measure.ts";

const QUANT = new URL(
  "../../shared/models/quantized/mobilenet_v2_1.0_224_quant.tflite",
  import.meta.url,
).pathname;
const FLOAT = "mobilenet_v2_1.0_224";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    out: { type: "string", default: "docs/results/quant" },
    rounds: { type: "string", default: "30" },
  },
});
const rounds = Number(values.rounds);

/** One thing timed: a name and one run. */
interface Runner {
  name: string;
  run(): Promise<unknown>;
  close(): void;
}

function input(dtype: "uint8" | "float32"): HostTensor {
  const r = seededRandom(7);
  const n = 224 * 224 * 3;
  return dtype === "uint8"
    ? { dtype, shape: [1, 224, 224, 3], data: Uint8Array.from({ length: n }, () => r() * 256) }
    : { dtype, shape: [1, 224, 224, 3], data: Float32Array.from({ length: n }, () => r() * 2 - 1) };
}

/** The float network quantized by gpulite itself: int8 activations, int8 per-channel weights. */
async function int8Model(): Promise<Model> {
  const model = buildNetwork(FLOAT);
  const specs = [{ dtype: "float32" as const, shape: [1, 224, 224, 3] }];
  const { model: q } = await quantizeModel(model, {
    scheme: "int8",
    calibration: randomInputSets(specs, 2, 1),
    evaluation: randomInputSets(specs, 1, 2),
    threads: 1,
  });
  return q;
}
const INT8 = await int8Model();

async function gpulite(
  name: string,
  kind: "float32" | "uint8" | "int8",
  threads: number,
): Promise<Runner> {
  const model = kind === "uint8"
    ? await loadModel(QUANT)
    : kind === "int8"
    ? INT8
    : buildNetwork(FLOAT);
  const s = await createSession(model, { backend: "cpu", threads });
  // The int8 model takes float32 in (a QUANTIZE at its input), as gpulite quantize writes it.
  const x = [input(kind === "uint8" ? "uint8" : "float32")];
  return { name, run: () => s.run(x), close: () => s.dispose() };
}

async function litertRunner(name: string, bytes: Uint8Array, quant: boolean): Promise<Runner> {
  const m = await openLitert(bytes, "wasm");
  const x = input(quant ? "uint8" : "float32");
  const inputs = [{ data: x.data as Uint8Array | Float32Array, shape: x.shape }];
  return { name, run: () => m.run(inputs), close: () => m.close() };
}

const runners: Runner[] = [
  await gpulite("gpulite cpu float32, 1 thread", "float32", 1),
  await gpulite("gpulite cpu uint8, 1 thread", "uint8", 1),
  await gpulite("gpulite cpu float32, 2 threads", "float32", 2),
  await gpulite("gpulite cpu uint8, 2 threads", "uint8", 2),
  await litertRunner("LiteRT.js Wasm float32", buildTflite(FLOAT), false),
  await litertRunner("LiteRT.js Wasm uint8", await Deno.readFile(QUANT), true),
  await gpulite("gpulite cpu int8 per-channel (gpulite quantize), 1 thread", "int8", 1),
  await gpulite("gpulite cpu int8 per-channel (gpulite quantize), 2 threads", "int8", 2),
];
const times: number[][] = runners.map(() => []);
for (const r of runners) for (let i = 0; i < 3; i++) await r.run();
const load = Deno.loadavg()[0];
for (let k = 0; k < rounds; k++) {
  for (const [i, r] of runners.entries()) {
    const t0 = performance.now();
    await r.run();
    times[i].push(performance.now() - t0);
  }
}
for (const r of runners) r.close();

/** Median over rounds of runner a's time over runner b's time in the same round. */
function paired(a: number, b: number): number {
  return median(times[a].map((t, k) => t / times[b][k]));
}

/** Per op: milliseconds summed over its nodes (each node's minimum of 9 profiled runs, 1 thread). */
async function perOp(model: Model, x: HostTensor): Promise<Record<string, number>> {
  const g = buildExecGraph(model.subgraphs[0], kernelFor);
  const ex = await CpuExecutor.create(g, { threads: 1 });
  try {
    for (let i = 0; i < 3; i++) ex.runSync([x]);
    const best = ex.profile([x]);
    for (let i = 0; i < 8; i++) {
      ex.profile([x]).forEach((t, k) => best[k].ms = Math.min(best[k].ms, t.ms));
    }
    const sums: Record<string, number> = {};
    for (const t of best) sums[t.op] = (sums[t.op] ?? 0) + t.ms;
    return sums;
  } finally {
    ex.dispose();
  }
}
const opsQ = await perOp(await loadModel(QUANT), input("uint8"));
const opsF = await perOp(buildNetwork(FLOAT), input("float32"));
const opsI = await perOp(INT8, input("float32"));

const rows = runners.map((r, i) => ({
  runner: r.name,
  medianMs: median(times[i]),
  minMs: Math.min(...times[i]),
}));
const speedups = {
  "speedup of 8-bit over float, gpulite 1 thread (float ms / 8-bit ms)": paired(0, 1),
  "speedup of 8-bit over float, gpulite 2 threads": paired(2, 3),
  "speedup of 8-bit over float, LiteRT.js Wasm": paired(4, 5),
  "gpulite 8-bit 1 thread ms / LiteRT.js 8-bit ms": paired(1, 5),
  "gpulite 8-bit 2 threads ms / LiteRT.js 8-bit ms": paired(3, 5),
  "speedup of int8 per-channel over float, gpulite 1 thread": paired(0, 6),
  "speedup of int8 per-channel over float, gpulite 2 threads": paired(2, 7),
};
const md = [
  "# 8-bit against float on the CPU: MobileNet v2 1.0 224",
  "",
  "Command: `deno run -A scripts/quant_speed.ts --out docs/results/quant` " +
  `(${rounds} rounds; runners take turns run by run; runs include input and output copies).`,
  `Machine: ${navigator.hardwareConcurrency} cores, one-minute load ${
    load.toFixed(2)
  } at the start.`,
  "8-bit: `mobilenet_v2_1.0_224_quant.tflite` (uint8 per-tensor); float: the catalogue's",
  "`mobilenet_v2_1.0_224` (same architecture, random weights); int8 per-channel: that float network",
  "quantized by gpulite (`quantizeModel`, two random calibration sets; float32 in and out). LiteRT.js",
  "Wasm runs XNNPack.",
  "",
  "| runner | median ms | min ms |",
  "|---|---|---|",
  ...rows.map((r) => `| ${r.runner} | ${r.medianMs.toFixed(2)} | ${r.minMs.toFixed(2)} |`),
  "",
  "Ratios are medians over rounds of the ratio of the two times in the same round.",
  "",
  "| ratio | value |",
  "|---|---|",
  ...Object.entries(speedups).map(([k, v]) => `| ${k} | ${v.toFixed(2)} |`),
  "",
  "Where the time goes on one thread (`CpuExecutor.profile`, per op the sum over its nodes of each",
  "node's minimum of 9 runs, ms):",
  "",
  "| op | uint8 | int8 per-channel | float32 |",
  "|---|---|---|---|",
  ...[...new Set([...Object.keys(opsQ), ...Object.keys(opsI), ...Object.keys(opsF)])].map((op) =>
    `| ${op} | ${(opsQ[op] ?? 0).toFixed(2)} | ${(opsI[op] ?? 0).toFixed(2)} | ${
      (opsF[op] ?? 0).toFixed(2)
    } |`
  ),
  "",
].join("\n");
await Deno.mkdir(values.out, { recursive: true });
await Deno.writeTextFile(join(values.out, "cpu_speed.md"), md);
await Deno.writeTextFile(
  join(values.out, "cpu_speed.json"),
  JSON.stringify(
    { rounds, load, rows, speedups, perOp: { uint8: opsQ, int8: opsI, float32: opsF }, times },
    null,
    1,
  ) + "\n",
);
console.log(md);
