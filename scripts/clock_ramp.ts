/**
 * How an inference's time follows the GPU's clock: one session runs back to back for `--seconds`,
 * rests `--rest` seconds, and runs again; every run's wall time and GPU span (timestamps around its
 * submissions) is kept, and the table gives their medians per `--bucket` milliseconds since the
 * start; a third phase runs one inference every `--interval` milliseconds (a 30 fps camera: 33). A
 * GPU that idles lowers its clock, so the first runs after a rest show what an inference costs when
 * it comes alone and the later ones what it costs in a stream. On the GPU machine, sample the clock beside it
 * (`nvidia-smi --query-gpu=timestamp,clocks.sm --format=csv -lms 100`).
 *
 * ```sh
 * deno run -A scripts/clock_ramp.ts MODEL_OR_CATALOG_NAME [--provider dawn|deno] [--seconds 3]
 *   [--rest 2] [--bucket 100] [--interval 33] [--md FILE]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { acquireDevice, createSession, loadModel } from "../mod.ts";
import type { GpuProvider } from "../mod.ts";
import { randomInputs } from "../cli/_session_args.ts";
import { buildNetwork } from "../models/catalog.ts";
import { median } from "../core/stats.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    provider: { type: "string", default: "dawn" },
    seconds: { type: "string", default: "3" },
    rest: { type: "string", default: "2" },
    bucket: { type: "string", default: "100" },
    interval: { type: "string", default: "33" },
    md: { type: "string" },
  },
});
if (positionals.length !== 1) {
  console.error(
    "usage: deno run -A scripts/clock_ramp.ts MODEL [--provider dawn|deno] [--seconds 3] [--rest 2] [--bucket 100] [--interval 33] [--md FILE]",
  );
  Deno.exit(2);
}
const name = positionals[0];
const gpu = await acquireDevice({ provider: values.provider as GpuProvider });
const model = name.endsWith(".tflite") ? await loadModel(name) : buildNetwork(name);
const s = await createSession(model, { device: gpu, timeline: true });
const inputs = randomInputs(s.inputs, 1);
const outputs = (await s.run(inputs)).map((o) => o.data.slice());

interface Sample {
  /** Milliseconds since the phase began. */
  at: number;
  wall: number;
  gpu: number;
}

async function phase(seconds: number, interval: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const t = performance.now();
    await s.run(inputs, { outputs });
    samples.push({ at: t - t0, wall: performance.now() - t, gpu: s.lastTimeline?.gpuMs ?? NaN });
    const wait = t + interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return samples;
}

const bucket = Number(values.bucket);
let md = `# ${name.split("/").at(-1)} back to back: ${gpu.summary}\n\n` +
  `${values.seconds} s of runs, ${values.rest} s of rest, ${values.seconds} s of runs, then ${values.seconds} s of ` +
  `one run every ${values.interval} ms; median ms per ` +
  `${bucket} ms since each phase began; deno ${Deno.version.deno}; ${
    new Date().toISOString()
  }.\n\n` +
  "| phase | from ms | runs | wall ms | GPU span ms |\n| --- | ---: | ---: | ---: | ---: |\n";
const phases = [
  ["first", 0, 0],
  ["after rest", Number(values.rest), 0],
  [`every ${values.interval} ms`, 0, Number(values.interval)],
] as const;
for (const [label, rest, interval] of phases) {
  if (rest) await new Promise((r) => setTimeout(r, rest * 1000));
  const samples = await phase(Number(values.seconds), interval);
  const groups = new Map<number, Sample[]>();
  for (const x of samples) {
    const k = Math.floor(x.at / bucket) * bucket;
    const group = groups.get(k) ?? [];
    group.push(x);
    groups.set(k, group);
  }
  for (const [from, xs] of groups) {
    md += `| ${label} | ${from} | ${xs.length} | ${median(xs.map((x) => x.wall)).toFixed(3)} | ${
      median(xs.map((x) => x.gpu)).toFixed(3)
    } |\n`;
  }
}
console.log(md);
if (values.md) Deno.writeTextFileSync(values.md, md);
s.dispose();
gpu.device.destroy();
