import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert";
import { acquireDevice, withToggles } from "./device.ts";
import { PipelineCache } from "./pipelines.ts";
import { GpuError } from "../../../core/errors.ts";

Deno.test("acquireDevice() names an unknown provider and the ones it knows", async () => {
  await rejects(
    acquireDevice({ provider: "metal" as "deno" }),
    (e: Error) =>
      e instanceof GpuError && /Unknown GPU provider "metal"; use deno or dawn/.test(e.message),
  );
});

Deno.test("acquireDevice() with Dawn yields a device or a clear GpuError, never a crash", async () => {
  try {
    const gpu = await acquireDevice({ provider: "dawn" });
    gpu.device.destroy();
  } catch (e) {
    if (!(e instanceof GpuError)) throw e;
  }
});

Deno.test("acquireDevice() reports a missing required feature by name", async () => {
  await rejects(
    acquireDevice({ requiredFeatures: ["texture-compression-astc-sliced-3d" as GPUFeatureName] }),
    (e: Error) =>
      e instanceof GpuError &&
      /lacks the required feature texture-compression-astc/.test(e.message),
  );
});

Deno.test("withToggles() merges extra Dawn toggles into the one enable entry", () => {
  const base = ["enable-dawn-features=a", "disable-dawn-features=b"];
  deepStrictEqual(withToggles(base, []), base);
  deepStrictEqual(withToggles(base, ["c", "d"]), [
    "enable-dawn-features=a,c,d",
    "disable-dawn-features=b",
  ]);
  deepStrictEqual(withToggles(["x=1"], ["c"]), ["x=1", "enable-dawn-features=c"]);
});

Deno.test("pipelines compile the same one after another as requested at once, and name a bad one", async () => {
  for (const compile of ["sync", "async", "auto"] as const) {
    const gpu = await acquireDevice({ compile });
    try {
      const cache = PipelineCache.for(gpu.device);
      strictEqual(cache.mode, compile);
      const code = `@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(1) fn main() { x[0] = x[0] + 1.0; }`;
      const [a, b] = await Promise.all([
        cache.pipeline({ code, readOnly: [false], label: "first" }),
        cache.pipeline({ code, readOnly: [false], label: "second" }),
      ]);
      strictEqual(a, b);
      strictEqual(cache.size, 1);
      if (compile === "auto") {
        strictEqual(cache.decided, undefined, "one probe is not enough to decide");
        await cache.pipeline({ code: code.replace("1.0", "2.0"), readOnly: [false], label: "2" });
        ok(cache.decided === "sync" || cache.decided === "async");
        cache.reprobe();
        strictEqual(cache.decided, undefined, "a new session probes again");
      }
      await rejects(
        cache.pipeline({ code: code.replace("1.0", "true"), readOnly: [false], label: "Node 7" }),
        (e: Error) => e instanceof GpuError && /^Node 7 failed to compile/.test(e.message),
      );
    } finally {
      gpu.device.destroy();
    }
  }
});
