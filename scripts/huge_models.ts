// LiteRT's two "huge im2col" test models on the GPU: where each node runs (a node whose tensor
// passes the device's maxStorageBufferBindingSize runs on the CPU, saying so), the GPU run's time,
// and the worst difference from the float64 reference. conv3d_huge_im2col is one CONV_3D over a
// [3, 40, 600, 600, 2] input; conv_huge_im2col a CONCATENATION and CONV_2D over 3024x4032 images.
// deno run -A scripts/huge_models.ts [--provider deno|dawn] [--runs N] [--no-reference] [MODEL...]
import { parseArgs } from "node:util";
import { createSession, loadModel, sessionInternals } from "../engine/session.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import { randomInputs } from "../cli/_session_args.ts";
import { compareTensors } from "../conformance/compare.ts";
import { median } from "../core/stats.ts";

const OPS = new URL("../../shared/models/ops/", import.meta.url);
const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    provider: { type: "string", default: "deno" },
    runs: { type: "string", default: "5" },
    "no-reference": { type: "boolean", default: false },
  },
});
const files = positionals.length > 0
  ? positionals
  : ["tflite_testdata__conv3d_huge_im2col.tflite", "tflite_testdata__conv_huge_im2col.tflite"]
    .map((f) => new URL(f, OPS).pathname);
for (const file of files) {
  const model = await loadModel(file);
  const t0 = performance.now();
  const session = await createSession(model, { provider: values.provider as "deno" });
  const createMs = performance.now() - t0;
  const limit = session.gpu!.device.limits.maxStorageBufferBindingSize;
  console.log(`${file.split("/").at(-1)} on ${session.gpu!.summary}`);
  console.log(`  maxStorageBufferBindingSize ${limit}; created in ${createMs.toFixed(0)} ms`);
  for (const p of session.placement) {
    console.log(`  node ${p.node} ${p.op}: ${p.backend}${p.reason ? ` (${p.reason})` : ""}`);
  }
  const inputs = randomInputs(session.inputs, 1);
  let outputs = await session.run(inputs);
  const times: number[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const s = performance.now();
    outputs = await session.run(inputs);
    times.push(performance.now() - s);
  }
  console.log(`  run: median ${median(times).toFixed(1)} ms over ${times.length} runs`);
  if (!values["no-reference"]) {
    const ref = new ReferenceExecutor(sessionInternals(session).graph).run(inputs);
    outputs.forEach((o, i) => {
      const d = compareTensors(o, ref[i]);
      console.log(`  output ${i} [${o.shape}]: max abs ${d.maxAbs}, relative ${d.rel}`);
    });
  }
  session.dispose();
}
