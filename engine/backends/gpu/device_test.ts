import { rejects } from "node:assert";
import { acquireDevice } from "./device.ts";
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
