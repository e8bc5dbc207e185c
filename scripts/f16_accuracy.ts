/**
 * How far f16 runs are from the float64 reference on real networks: each network on the GPU in
 * f32 and in f16 against the reference on the same seeded inputs, per output the relative L2 error
 * and the largest absolute error over the output's largest magnitude.
 *
 * ```sh
 * deno run -A scripts/f16_accuracy.ts [MODEL.tflite...] [--md FILE] [--provider deno|dawn]
 *   [--keep-f32-below N]
 * ```
 *
 * `--keep-f32-below N`: the f16 run also stores every intermediate of fewer than N elements in f32
 * (the plan's `keepF32`), to see whether a few tensors carry the error.
 *
 * Without models: the `.tflite` files of `../shared/models/networks` and the npm MediaPipe
 * networks found on this machine.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { acquireDevice, createSession, loadModel } from "../mod.ts";
import { numElements } from "../core/ir.ts";
import { buildPlan } from "../engine/plan/plan.ts";
import { GpuExecutor } from "../engine/backends/gpu/executor.ts";
import { limitsOf } from "../engine/backends/gpu/pipelines.ts";
import type { GpuProvider, HostTensor } from "../mod.ts";
import { sessionInternals } from "../engine/session.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import { compareTensors } from "../conformance/compare.ts";
import { randomInputs } from "../cli/_session_args.ts";
import { networkSources } from "../bench/cpu_vs_litert.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    md: { type: "string" },
    provider: { type: "string", default: "deno" },
    "keep-f32-below": { type: "string", default: "0" },
  },
});
const keepBelow = Number(values["keep-f32-below"]);
const files = positionals.length > 0
  ? positionals
  : (await networkSources()).flatMap((s) => "path" in s ? [s.path] : []);
const gpu = await acquireDevice({ provider: values.provider as GpuProvider });
if (!gpu.features.includes("shader-f16")) {
  console.error(`${gpu.adapterName} has no shader-f16`);
  Deno.exit(1);
}
const lines = [
  `# f16 against the float64 reference (${gpu.adapterName} via ${values.provider})`,
  "",
  "Per output: relative L2 error `||gpu - ref|| / ||ref||`, and in brackets the largest absolute " +
  "error over the output's largest magnitude. Inputs: uniform [0, 1), seed 3. " +
  `\`deno run -A scripts/f16_accuracy.ts${
    keepBelow > 0 ? ` --keep-f32-below ${keepBelow}` : ""
  }\`.`,
  "",
  "| network | output | f32 | f16 | tensors written in f32 (f16 run) |",
  "| --- | --- | ---: | ---: | ---: |",
];
const cell = (d: { rel: number; maxAbs: number }, scale: number) =>
  `${d.rel.toExponential(1)} (${(d.maxAbs / Math.max(scale, 1e-30)).toExponential(1)})`;
for (const file of files) {
  const name = file.split("/").at(-1)!.replace(/\.tflite$/, "");
  const model = await loadModel(file);
  const f32 = await createSession(model, { device: gpu });
  const inputs: HostTensor[] = randomInputs(f32.inputs, 3);
  const graph = sessionInternals(f32).graph;
  const ref = new ReferenceExecutor(graph).run(inputs);
  const a = await f32.run(inputs);
  const outputs = f32.outputs;
  f32.dispose();
  const plan = buildPlan(graph, {
    backend: "gpu",
    precision: "f16",
    limits: limitsOf(gpu.device),
    keepF32: (t) => numElements(graph.tensors[t].shape) < keepBelow,
  });
  const f16 = await GpuExecutor.create(gpu, plan);
  const b = await f16.run(inputs);
  f16.dispose();
  // The float tensors the nodes write, and those of them stored in f32.
  const written = [...new Set(plan.graph.nodes.flatMap((n) => n.outputs))]
    .filter((t) => plan.graph.tensors[t].dtype === "float32");
  const kept = `${written.filter((t) => plan.storage[t] === "f32").length} of ${written.length}`;
  ref.forEach((r, i) => {
    let scale = 0;
    for (const v of r.data as Float32Array) {
      scale = Math.max(scale, Math.abs(v));
    }
    const row = [name, outputs[i].name, cell(compareTensors(a[i], r), scale)];
    row.push(cell(compareTensors(b[i], r), scale), kept);
    lines.push(`| ${row.join(" | ")} |`);
    console.log(lines.at(-1));
  });
}
gpu.device.destroy();
if (values.md) Deno.writeTextFileSync(values.md, lines.join("\n") + "\n");
