import assert from "node:assert/strict";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { depthwiseConv2d, type DepthwiseConv2DOptions, depthwisePrograms } from "./mod.ts";
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
