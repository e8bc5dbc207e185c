/**
 * Test helpers of ops that run on the host only (bool results, data-dependent control): every
 * conformance case goes through the `.tflite` writer and reader into the CPU backend (which runs the
 * reference for such ops) and must equal the reference run on the directly built graph.
 *
 * @module
 */
import type { AnyKernelDef, HostTensor } from "../../core/kernel.ts";
import { runCase } from "../../conformance/harness.ts";
import { loaderGraph } from "../../conformance/loader_graph.ts";

/**
 * Runs every case of a host-only op through the real loader on the CPU backend and throws listing
 * the failures.
 *
 * @example
 * ```ts ignore
 * await assertHostCasesConform(equal);
 * ```
 *
 * @param kernel The op.
 * @returns The number of cases run.
 */
export async function assertHostCasesConform(kernel: AnyKernelDef): Promise<number> {
  const cases = kernel.cases();
  if (cases.length === 0) throw new Error(`${kernel.name} has no conformance cases`);
  const bad: string[] = [];
  for (const c of cases) {
    const r = await runCase(undefined, kernel, c, {
      precision: "f32",
      seed: 1,
      backend: "cpu",
      buildGraph: loaderGraph,
    });
    if (!r.passed) bad.push(`${c.name}: ${r.error}`);
  }
  if (bad.length > 0) {
    throw new Error(
      `${bad.length} of ${cases.length} cases of ${kernel.name} failed:\n  ${bad.join("\n  ")}`,
    );
  }
  return cases.length;
}

/**
 * Values of a host tensor as plain numbers (bools as 0 and 1, int64 converted).
 *
 * @example
 * ```ts
 * import { values } from "./host_op_testing.ts";
 * if (values({ dtype: "bool", shape: [2], data: new Uint8Array([1, 0]) }).join() !== "1,0") throw new Error("wrong");
 * ```
 *
 * @param t The tensor.
 * @returns Its elements.
 */
export function values(t: HostTensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}
