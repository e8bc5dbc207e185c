/**
 * Test helper: asserts that every case of a kernel conforms on the GPU, for use in `<op>_test.ts`.
 *
 * @module
 */
import type { AnyKernelDef, Precision } from "../core/kernel.ts";
import { acquireDevice, type GpuContext } from "../engine/backends/gpu/device.ts";
import { type CaseResult, runCase } from "./harness.ts";

let shared: Promise<GpuContext> | undefined;

/**
 * A device shared by all tests of one process.
 *
 * @example
 * ```ts ignore
 * const gpu = await testDevice();
 * ```
 *
 * @returns The device.
 */
export function testDevice(): Promise<GpuContext> {
  shared ??= acquireDevice();
  return shared;
}

/**
 * Runs every case of a kernel in the given precisions and throws listing the failures.
 *
 * @example
 * ```ts ignore
 * Deno.test("ADD conforms on the GPU", () => assertKernelConforms(add));
 * ```
 *
 * @param kernel The op.
 * @param options Precisions (default f32, and f16 when the adapter and op support it), seed.
 * @returns The results.
 */
export async function assertKernelConforms(
  kernel: AnyKernelDef,
  options: { precisions?: Precision[]; seed?: number } = {},
): Promise<CaseResult[]> {
  const ctx = await testDevice();
  const hasF16 = ctx.device.features.has("shader-f16");
  const precisions = options.precisions ??
    (hasF16 && kernel.gpu && (kernel.f16 ?? true) ? ["f32", "f16"] : ["f32"]);
  const results: CaseResult[] = [];
  for (const precision of precisions) {
    for (const c of kernel.cases()) {
      if (precision === "f16" && c.f16 === false) continue;
      results.push(await runCase(ctx, kernel, c, { precision, seed: options.seed ?? 1 }));
    }
  }
  const bad = results.filter((r) => !r.passed);
  if (bad.length > 0) {
    throw new Error(
      `${bad.length} of ${results.length} cases of ${kernel.name} failed:\n` +
        bad.map((r) => `  ${r.precision} ${r.name}: ${r.error}`).join("\n"),
    );
  }
  return results;
}
