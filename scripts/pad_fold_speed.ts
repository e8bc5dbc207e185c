/**
 * What folding PADs into convolutions (explicit padding) does to latency: each network runs with
 * the default passes and with every pass but merge-pad, on the cpu backend and on the GPU, the two
 * sessions taking turns run by run; medians and the ratio of the medians.
 *
 * ```sh
 * deno run -A scripts/pad_fold_speed.ts [MODEL.tflite...] [--runs 15] [--threads 1]
 *   [--provider deno|dawn] [--md FILE]
 * ```
 *
 * Without models: the BlazePose landmark networks of `@mediapipe/pose` found on this machine.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { acquireDevice, createSession, loadModel, type Session } from "../mod.ts";
import type { GpuProvider } from "../mod.ts";
import { PASSES } from "../engine/passes/mod.ts";
import { randomInputs } from "../cli/_session_args.ts";
import { locateNpmFile } from "../models/npm_models.ts";
import { median } from "../core/stats.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    runs: { type: "string", default: "15" },
    threads: { type: "string", default: "1" },
    provider: { type: "string", default: "deno" },
    md: { type: "string" },
  },
});
const runs = Math.max(1, Number(values.runs));
const files = positionals.length > 0 ? positionals : ["lite", "full", "heavy"]
  .map((v) => locateNpmFile("@mediapipe/pose", `pose_landmark_${v}.tflite`))
  .filter((p): p is string => p !== undefined);
const withoutMergePad = PASSES.map((p) => p.name).filter((n) => n !== "merge-pad");
const gpu = await acquireDevice({ provider: values.provider as GpuProvider });

const lines = [
  `# PAD folding and latency (${gpu.adapterName} via ${values.provider}; cpu ${values.threads} thread(s))`,
  "",
  `Median of ${runs} runs after 2 warm-ups, the two sessions alternating; ` +
  "`deno run -A scripts/pad_fold_speed.ts`.",
  "",
  "| network | backend | PADs folded | folded ms | unfolded ms | unfolded / folded |",
  "| --- | --- | ---: | ---: | ---: | ---: |",
];
for (const file of files) {
  const model = await loadModel(file);
  for (const backend of ["cpu", "gpu"] as const) {
    const common = { backend, device: gpu, threads: Number(values.threads) };
    const folded = await createSession(model, common);
    const plain = await createSession(model, { ...common, passes: withoutMergePad });
    const inputs = randomInputs(folded.inputs, 1);
    const time = async (s: Session) => {
      const t0 = performance.now();
      await s.run(inputs);
      return performance.now() - t0;
    };
    for (let i = 0; i < 2; i++) await Promise.all([time(folded), time(plain)]);
    const a: number[] = [], b: number[] = [];
    for (let i = 0; i < runs; i++) {
      a.push(await time(folded));
      b.push(await time(plain));
    }
    const pads = folded.passes.find((p) => p.pass === "merge-pad")?.applied ?? 0;
    const name = file.split("/").at(-1)!.replace(/\.tflite$/, "");
    const row = [name, backend, pads, median(a).toFixed(2), median(b).toFixed(2)];
    lines.push(`| ${row.join(" | ")} | ${(median(b) / median(a)).toFixed(3)} |`);
    console.log(lines.at(-1));
    folded.dispose();
    plain.dispose();
  }
}
gpu.device.destroy();
if (values.md) Deno.writeTextFileSync(values.md, lines.join("\n") + "\n");
