/**
 * Runs the 8-bit networks of `../shared/models/quantized/` on the GPU the TFLite GPU delegate's way
 * (`dequantizeGraph`, the usual passes, the GPU executor in f32 and f16) and on the integer
 * reference, with the same seeded uint8 input, and reports per output the largest difference (in
 * LSB for 8-bit outputs) and whether the top-1 agrees.
 *
 * ```sh
 * deno run -A scripts/quant_gpu_float.ts [model ...]
 * ```
 *
 * @module
 */
import { buildExecGraph } from "../core/exec_graph.ts";
import type { HostTensor } from "../core/kernel.ts";
import { seededRandom } from "../core/random.ts";
import { readModel } from "../format/tflite/mod.ts";
import { kernelFor } from "../kernels/registry.ts";
import { ReferenceExecutor } from "../engine/backends/reference/executor.ts";
import { applyPasses, dequantizeGraph } from "../engine/passes/mod.ts";
import { buildPlan } from "../engine/plan/plan.ts";
import { acquireDevice } from "../engine/backends/gpu/device.ts";
import { limitsOf } from "../engine/backends/gpu/pipelines.ts";
import { GpuExecutor } from "../engine/backends/gpu/executor.ts";

function top1(d: ArrayLike<number>): number {
  let b = 0;
  for (let k = 1; k < d.length; k++) if (d[k] > d[b]) b = k;
  return b;
}

if (import.meta.main) {
  const names = Deno.args.length ? Deno.args : ["mobilenet_v2_1.0_224_quant"];
  const gpu = await acquireDevice();
  const lines = [
    "| model | precision | output | max diff | top-1 agrees | GPU run ms |",
    "|---|---|---|---|---|---|",
  ];
  for (const name of names) {
    const url = new URL(`../../shared/models/quantized/${name}.tflite`, import.meta.url);
    const g = buildExecGraph(readModel(await Deno.readFile(url)).subgraphs[0], kernelFor);
    const r = seededRandom(11);
    const inputs: HostTensor[] = g.inputs.map((t) => {
      const s = g.tensors[t];
      const n = s.shape.reduce((a, b) => a * b, 1);
      const data = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
      return { dtype: s.dtype, shape: s.shape, quantization: s.quantization, data };
    });
    const want = new ReferenceExecutor(g).run(inputs);
    const floatGraph = applyPasses(dequantizeGraph(g).graph).graph;
    for (const precision of ["f32", "f16"] as const) {
      if (precision === "f16" && !gpu.device.features.has("shader-f16")) continue;
      const plan = buildPlan(floatGraph, { limits: limitsOf(gpu.device), precision });
      const exec = await GpuExecutor.create(gpu, plan);
      const t0 = performance.now();
      const got = await exec.run(inputs);
      const ms = performance.now() - t0;
      got.forEach((y, i) => {
        let m = 0;
        for (let k = 0; k < y.data.length; k++) {
          m = Math.max(m, Math.abs(Number(y.data[k]) - Number(want[i].data[k])));
        }
        const unit = y.dtype === "float32" ? " (abs)" : " LSB";
        const agrees =
          top1(y.data as ArrayLike<number>) === top1(want[i].data as ArrayLike<number>);
        lines.push(
          `| ${name} | ${precision} | ${i} ${y.dtype} | ${m}${unit} | ${agrees ? "yes" : "no"} | ${
            ms.toFixed(0)
          } |`,
        );
      });
    }
  }
  console.log(`GPU: ${gpu.summary}\n`);
  console.log(lines.join("\n"));
  Deno.exit(0);
}
