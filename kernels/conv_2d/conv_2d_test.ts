import assert from "node:assert/strict";
import { assertKernelConforms } from "../../conformance/testing.ts";
import { OpError } from "../../core/errors.ts";
import { conv2d, type Conv2DOptions, conv2dPrograms } from "./mod.ts";
import { convBlocking, type ConvGeometry } from "./wgsl.ts";
import type { GpuPlanArgs } from "../../core/kernel.ts";
import type { GemmMapping } from "../_gpu/workgroup.ts";

Deno.test("CONV_2D conforms to its reference on the GPU in f32 and f16", async () => {
  await assertKernelConforms(conv2d);
});

const x = { dtype: "float32" as const, shape: [1, 8, 8, 4] };
const w = { dtype: "float32" as const, shape: [6, 3, 3, 4] };

Deno.test("CONV_2D refuses a zero or missing stride", () => {
  assert.throws(
    () => conv2d.parse({ options: { padding: "SAME" }, inputs: [x, w] }),
    (e) => e instanceof OpError && /strideW/.test(e.message),
  );
});

Deno.test("CONV_2D refuses an unknown padding", () => {
  assert.throws(
    () => conv2d.parse({ options: { padding: "FULL", strideW: 1, strideH: 1 }, inputs: [x, w] }),
    /padding/,
  );
});

Deno.test("CONV_2D infers SAME and VALID output shapes", () => {
  const same = conv2d.parse({
    options: { padding: "SAME", strideW: 2, strideH: 2 },
    inputs: [x, w],
  });
  assert.deepEqual(conv2d.infer({ inputs: [x, w], options: same })[0].shape, [1, 4, 4, 6]);
  const valid = conv2d.parse({
    options: { padding: "VALID", strideW: 1, strideH: 1, dilationWFactor: 2, dilationHFactor: 2 },
    inputs: [x, w],
  });
  assert.deepEqual(conv2d.infer({ inputs: [x, w], options: valid })[0].shape, [1, 4, 4, 6]);
});

Deno.test("CONV_2D rejects mismatched channels and a wrong bias", () => {
  const o = conv2d.parse({ options: { strideW: 1, strideH: 1 }, inputs: [x, w] });
  const w3 = { dtype: "float32" as const, shape: [6, 3, 3, 3] };
  assert.throws(() => conv2d.infer({ inputs: [x, w3], options: o }), /multiple/);
  const bias = { dtype: "float32" as const, shape: [5] };
  assert.throws(() => conv2d.infer({ inputs: [x, w, bias], options: o }), /bias has 5/);
});

Deno.test("CONV_2D rejects a VALID filter larger than the input", () => {
  const o = conv2d.parse({
    options: { padding: "VALID", strideW: 1, strideH: 1, dilationWFactor: 4 },
    inputs: [x, w],
  });
  assert.throws(() => conv2d.infer({ inputs: [x, w], options: o }), /does not fit/);
});

Deno.test("CONV_2D declares a non-constant filter unsupported on the GPU", () => {
  const o = conv2d.parse({ options: { strideW: 1, strideH: 1 }, inputs: [x, w] });
  const info = (s: number[]) => ({
    dtype: "float32" as const,
    shape: s,
    shape4: [s[0], s[1], s[2], s[3]] as [number, number, number, number],
    slices: Math.ceil(s[3] / 4),
  });
  const reason = conv2d.gpu!.unsupported!({
    inputs: [info(x.shape), info(w.shape)],
    outputs: [info([1, 8, 8, 6])],
    options: o,
    precision: "f32",
    limits: {
      maxInvocations: 256,
      maxWorkgroupSize: [256, 256, 64],
      maxWorkgroupsPerDimension: 65535,
      maxStorageBufferBindingSize: 1 << 27,
      maxWorkgroupStorageSize: 16384,
    },
  });
  assert.match(reason ?? "", /constant filter/);
});

for (const tuning of [{ wb: 1, sb: 1 }, { wb: 3, sb: 3 }]) {
  Deno.test(`CONV_2D conforms with blocking wb ${tuning.wb} sb ${tuning.sb}`, async () => {
    await assertKernelConforms({
      ...conv2d,
      gpu: { ...conv2d.gpu, plan: (a: GpuPlanArgs<Conv2DOptions>) => conv2dPrograms(a, tuning) },
    }, { precisions: ["f32"] });
  });
}

const GEMM_MAPPINGS: GemmMapping[] = [
  { mb: 1, nb: 1, tpm: 8, tpn: 1, ks: 1, unit: "slice" },
  { mb: 3, nb: 2, tpm: 4, tpn: 2, ks: 4, unit: "slice" },
  { mb: 2, nb: 3, tpm: 2, tpn: 4, ks: 8, unit: "channel" },
];
for (const gemm of GEMM_MAPPINGS) {
  Deno.test(`CONV_2D conforms with GEMM mapping ${JSON.stringify(gemm)}`, async () => {
    await assertKernelConforms({
      ...conv2d,
      gpu: { ...conv2d.gpu, plan: (a: GpuPlanArgs<Conv2DOptions>) => conv2dPrograms(a, { gemm }) },
    }, { precisions: ["f32"] });
  });
}

function geometryOf(input: number[], output: number[], k: number, s: number): ConvGeometry {
  const info = (sh: number[]) => ({
    dtype: "float32" as const,
    shape: sh,
    shape4: [sh[0], sh[1], sh[2], sh[3]] as [number, number, number, number],
    slices: Math.ceil(sh[3] / 4),
  });
  return {
    input: info(input),
    output: info(output),
    kernel: [k, k],
    stride: [s, s],
    dilation: [1, 1],
    pad: [0, 0],
    activation: "NONE",
  };
}

Deno.test("convBlocking() trades register blocking for threads on a small conv", () => {
  // MobileNet's stem (224x224x3 -> 112x112x32, 3x3 stride 2): 4x2 blocking leaves 12544 threads.
  const stem = geometryOf([1, 224, 224, 3], [1, 112, 112, 32], 3, 2);
  assert.deepEqual(convBlocking(stem), { wb: 2, sb: 1 });
  // With a small fill target the full blocking stays.
  assert.deepEqual(convBlocking(stem, 1000), { wb: 4, sb: 2 });
  // A large conv keeps 4 positions x 2 slices.
  assert.deepEqual(convBlocking(geometryOf([1, 112, 112, 64], [1, 112, 112, 128], 3, 1)), {
    wb: 4,
    sb: 2,
  });
});
