import assert from "node:assert/strict";
import { assertKernelConforms } from "../../conformance/testing.ts";
import {
  depthwiseColumnPrograms,
  depthwiseConv2d,
  type DepthwiseConv2DOptions,
  depthwisePrograms,
} from "./mod.ts";
import type { GpuPlanArgs } from "../../core/kernel.ts";

Deno.test("DEPTHWISE_CONV_2D conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(depthwiseConv2d);
});

const x = { dtype: "float32" as const, shape: [1, 8, 8, 4] };

Deno.test("DEPTHWISE_CONV_2D takes the multiplier from the shapes", () => {
  const w = { dtype: "float32" as const, shape: [1, 3, 3, 64] };
  const o = depthwiseConv2d.parse({
    options: { padding: "SAME", strideW: 2, strideH: 2, depthMultiplier: 16 },
    inputs: [x, w],
  });
  assert.deepEqual(depthwiseConv2d.infer({ inputs: [x, w], options: o })[0].shape, [1, 4, 4, 64]);
});

Deno.test("DEPTHWISE_CONV_2D rejects filters that do not fit the input", () => {
  const o = depthwiseConv2d.parse({ options: { strideW: 1, strideH: 1 }, inputs: [x, x] });
  const bad = { dtype: "float32" as const, shape: [1, 3, 3, 6] };
  assert.throws(() => depthwiseConv2d.infer({ inputs: [x, bad], options: o }), /multiple of input/);
  const notOne = { dtype: "float32" as const, shape: [2, 3, 3, 4] };
  assert.throws(() => depthwiseConv2d.infer({ inputs: [x, notOne], options: o }), /\[1, KH/);
});

Deno.test("DEPTHWISE_CONV_2D refuses a negative depth multiplier option", () => {
  assert.throws(
    () =>
      depthwiseConv2d.parse({
        options: { strideW: 1, strideH: 1, depthMultiplier: -1 },
        inputs: [x, x],
      }),
    /depthMultiplier/,
  );
});

Deno.test("DEPTHWISE_CONV_2D conforms with register blocking along x (wb 3)", async () => {
  await assertKernelConforms({
    ...depthwiseConv2d,
    gpu: {
      ...depthwiseConv2d.gpu,
      plan: (a: GpuPlanArgs<DepthwiseConv2DOptions>) => depthwisePrograms(a, { wb: 3 }),
    },
  }, { precisions: ["f32"] });
});

for (const rows of [2, 4, 8]) {
  Deno.test(`DEPTHWISE_CONV_2D conforms with column strips of ${rows} rows`, async () => {
    await assertKernelConforms({
      ...depthwiseConv2d,
      gpu: {
        ...depthwiseConv2d.gpu,
        plan: (a: GpuPlanArgs<DepthwiseConv2DOptions>) =>
          depthwiseColumnPrograms(a, rows) ?? depthwisePrograms(a),
      },
    }, { precisions: ["f32"] });
  });
}

Deno.test("DEPTHWISE_CONV_2D conforms with the column kernel variant", async () => {
  await assertKernelConforms({
    ...depthwiseConv2d,
    gpu: {
      ...depthwiseConv2d.gpu,
      plan: (a: GpuPlanArgs<DepthwiseConv2DOptions>) =>
        depthwiseConv2d.gpu!.plan({ ...a, variants: { DEPTHWISE_CONV_2D: "column" } }),
    },
  }, { precisions: ["f32"] });
});

Deno.test("DEPTHWISE_CONV_2D offers the direct kernel and the column kernel's row counts to tune", () => {
  const info = (s: number[]) => ({
    dtype: "float32" as const,
    shape: s,
    shape4: [s[0], s[1], s[2], s[3]] as [number, number, number, number],
    slices: Math.ceil(s[3] / 4),
  });
  const w = { ...info([1, 3, 3, 64]), value: undefined };
  const options = depthwiseConv2d.parse({
    options: { padding: "SAME", strideW: 1, strideH: 1 },
    inputs: [info([1, 56, 56, 64]), w],
  });
  const space = depthwiseConv2d.gpu!.tune!({
    inputs: [info([1, 56, 56, 64]), w],
    outputs: [info([1, 56, 56, 64])],
    options,
    precision: "f32",
    limits: {
      maxInvocations: 256,
      maxWorkgroupSize: [256, 256, 64],
      maxWorkgroupsPerDimension: 65535,
      maxStorageBufferBindingSize: 1 << 27,
      maxWorkgroupStorageSize: 16384,
    },
  });
  assert.ok(space);
  assert.deepEqual(space.candidates[0], { kernel: "direct" }, "the default competes first");
  assert.deepEqual(
    space.candidates.slice(1).map((c) => (c as { rows: number }).rows).sort(),
    [1, 2, 4, 8],
  );
  assert.match(space.key, /^DEPTHWISE_CONV_2D 1x56x56x64 -> 1x56x56x64 k3x3/);
});
