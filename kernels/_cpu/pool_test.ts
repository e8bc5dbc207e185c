import { deepStrictEqual, ok } from "node:assert";
import { caseGraph } from "../../conformance/harness.ts";
import type { HostTensor, OpCase } from "../../core/kernel.ts";
import { CpuExecutor } from "../../engine/backends/cpu/executor.ts";
import { ReferenceExecutor } from "../../engine/backends/reference/executor.ts";
import { poolParamsBytes } from "../_shared/pool_custom.ts";
import { maxPool2d } from "../max_pool_2d/mod.ts";
import { maxPoolingWithArgmax2d } from "../max_pooling_with_argmax_2d/mod.ts";

/** 6 channels (a full vector of 4 and a tail of 2); NaN, ±Inf and -0 spread over windows and lanes. */
const SHAPE = [1, 5, 5, 6];
const X = Float32Array.from({ length: 150 }, (_, i) => {
  if (i % 7 === 0) return NaN;
  if (i % 13 === 0) return [Infinity, -Infinity, -0][(i / 13) % 3];
  return ((i * 29) % 17) - 8;
});
// A whole window of NaN in one channel (pixel 0 and its right neighbour, channel 1; pixel 5, channel 1).
for (const p of [0, 1, 5, 6]) X[p * 6 + 1] = NaN;

/** The same values as the reference, NaN where it has NaN. */
function same(got: Float32Array, want: Float32Array): string[] {
  const bad: string[] = [];
  want.forEach((w, i) => {
    if (!Object.is(got[i], w) && !(got[i] === 0 && w === 0)) bad.push(`${i}: ${got[i]} vs ${w}`);
  });
  return bad;
}

async function compare(kernel: typeof maxPool2d | typeof maxPoolingWithArgmax2d, c: OpCase) {
  const x: HostTensor = { dtype: "float32", shape: SHAPE, data: X };
  const graph = caseGraph(kernel, c, [x]);
  const want = new ReferenceExecutor(graph).run([x]);
  const cpu = await CpuExecutor.create(graph, { threads: 1 });
  try {
    ok(cpu.placement.every((p) => p.backend === "cpu-fast"), JSON.stringify(cpu.placement));
    const got = await cpu.run([x]);
    want.forEach((w, k) => {
      const bad = same(got[k].data as Float32Array, w.data as Float32Array);
      deepStrictEqual(bad, [], `${c.name}, output ${k}`);
    });
  } finally {
    cpu.dispose();
  }
}

const WINDOWS = [
  { padding: "SAME", filter: 3, stride: 2 },
  { padding: "VALID", filter: 2, stride: 2 },
  { padding: "SAME", filter: 2, stride: 1 },
] as const;

Deno.test("cpu MAX_POOL_2D skips NaN as the reference does (padded windows, channel tails, fused clamps)", async () => {
  for (const w of WINDOWS) {
    for (const act of ["NONE", "RELU", "RELU6"]) {
      await compare(maxPool2d, {
        name: `${w.padding} ${w.filter}/${w.stride} ${act}`,
        inputs: [{ dtype: "float32", shape: SHAPE }],
        options: {
          padding: w.padding,
          filterHeight: w.filter,
          filterWidth: w.filter,
          strideH: w.stride,
          strideW: w.stride,
          fusedActivationFunction: act,
        },
      });
    }
  }
});

Deno.test("cpu MaxPoolingWithArgmax2D skips NaN in values and indices as the reference does", async () => {
  for (const w of WINDOWS) {
    const p = {
      padding: w.padding,
      filterH: w.filter,
      filterW: w.filter,
      strideH: w.stride,
      strideW: w.stride,
      activation: "NONE" as const,
    };
    await compare(maxPoolingWithArgmax2d, {
      name: `${w.padding} ${w.filter}/${w.stride}`,
      inputs: [{ dtype: "float32", shape: SHAPE }],
      customOptions: poolParamsBytes(p),
    });
  }
});
