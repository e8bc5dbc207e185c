/**
 * Every shader variant the conformance cases reach also compiles with Dawn's WGSL compiler (Tint),
 * through Dawn's Null backend: no GPU needed. Tint is stricter than naga in places (a const-expression
 * that evaluates to NaN or Inf is an error), so this catches shaders that would only fail on Dawn.
 */
import { ok } from "node:assert";
import { KERNELS } from "../kernels/registry.ts";
import type { Precision } from "../core/kernel.ts";
import { type GpuContext, importDawn } from "../engine/backends/gpu/device.ts";
import { GpuExecutor } from "../engine/backends/gpu/executor.ts";
import { caseGraph, materializeInputs } from "./harness.ts";

// Dawn's instance must stay referenced while its devices live: it pumps their events.
let instance: unknown;

async function nullDevice(): Promise<GpuContext | string> {
  try {
    const dawn = (await importDawn()).create(["backend=null"]);
    instance = dawn;
    const adapter = await dawn.requestAdapter();
    if (!adapter) return "Dawn's Null backend found no adapter";
    const f16 = adapter.features.has("shader-f16");
    const device = await adapter.requestDevice({
      requiredFeatures: f16 ? ["shader-f16"] : [],
      requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
    });
    const features = f16 ? ["shader-f16"] : [];
    return {
      device,
      provider: "dawn",
      adapterName: "Dawn Null",
      isFallback: true,
      features,
      summary: "Dawn Null",
    };
  } catch (e) {
    return `Dawn could not load: ${(e as Error).message}`;
  }
}

const ctx = await nullDevice();

Deno.test({
  name: "every op's shaders compile with Tint (Dawn's Null backend) in f32 and f16",
  ignore: typeof ctx === "string",
  async fn() {
    const gpu = ctx as GpuContext;
    const precisions: Precision[] = gpu.features.includes("shader-f16") ? ["f32", "f16"] : ["f32"];
    const failures: string[] = [];
    let compiled = 0;
    for (const kernel of KERNELS.filter((k) => k.gpu)) {
      for (const precision of precisions) {
        if (precision === "f16" && kernel.f16 === false) continue;
        for (const c of kernel.cases()) {
          if (precision === "f16" && c.f16 === false) continue;
          const graph = caseGraph(kernel, c, materializeInputs(c, 1));
          try {
            const exec = await GpuExecutor.fromGraph(gpu, graph, { precision });
            compiled += exec.pipelineCount;
            exec.dispose();
          } catch (e) {
            failures.push(
              `${kernel.name} ${precision} ${c.name}: ${(e as Error).message.split("\n")[0]}`,
            );
          }
        }
      }
    }
    ok(
      failures.length === 0,
      `${failures.length} shader variants failed under Tint:\n${failures.slice(0, 10).join("\n")}`,
    );
    ok(compiled > 500, `only ${compiled} pipelines compiled`);
    ok(instance !== undefined);
  },
});
