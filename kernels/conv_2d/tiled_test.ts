import assert from "node:assert/strict";
import { assertKernelConforms } from "../../conformance/testing.ts";
import type { GpuPlanArgs, GpuTensorInfo } from "../../core/kernel.ts";
import { conv2d, type Conv2DOptions, conv2dPrograms } from "./mod.ts";
import {
  CONV_MIN_WORKGROUPS,
  type ConvTile,
  convTile,
  convTileBytes,
  tileProblem,
} from "./tiled.ts";

/** The tile with its chunk (and lanes) cut to divisors of the node's reduction slices. */
function fitted(t: ConvTile, kSlices: number): ConvTile {
  let kc = t.kc;
  while (kSlices % kc !== 0) kc--;
  let ks = Math.min(t.ks, kc);
  while (kc % ks !== 0) ks--;
  return { ...t, kc, ks };
}

function withTile(t: ConvTile, maxWorkgroupsPerDimension?: number) {
  return {
    ...conv2d,
    gpu: {
      ...conv2d.gpu,
      plan: (a: GpuPlanArgs<Conv2DOptions>) =>
        conv2dPrograms({
          ...a,
          limits: { ...a.limits, maxWorkgroupsPerDimension: maxWorkgroupsPerDimension ?? 65535 },
        }, {
          tile: fitted(
            t,
            (a.inputs[0] as GpuTensorInfo).slices * a.inputs[1]!.shape[1] * a.inputs[1]!.shape[2],
          ),
        }),
    },
  };
}

const TILES: ConvTile[] = [
  { tm: 4, tn: 2, rm: 3, rn: 3, kc: 1, ks: 1 },
  { tm: 8, tn: 4, rm: 2, rn: 2, kc: 4, ks: 1 },
  { tm: 4, tn: 4, rm: 2, rn: 1, kc: 4, ks: 4 },
  { tm: 16, tn: 8, rm: 8, rn: 2, kc: 4, ks: 2 },
  { tm: 8, tn: 2, rm: 2, rn: 1, kc: 3, ks: 3 },
  { tm: 4, tn: 4, rm: 2, rn: 2, kc: 9, ks: 1 },
];
for (const tile of TILES) {
  Deno.test(`CONV_2D conforms with the tiled kernel's tile ${JSON.stringify(tile)}`, async () => {
    await assertKernelConforms(withTile(tile), { precisions: ["f32"] });
  });
}

Deno.test("CONV_2D's tiled kernel conforms with position tiles spilling into z", async () => {
  await assertKernelConforms(withTile({ tm: 4, tn: 2, rm: 1, rn: 1, kc: 1, ks: 2 }, 3), {
    precisions: ["f32"],
  });
});

Deno.test("CONV_2D conforms with the tiled kernel variant and its heuristic tiles", async () => {
  await assertKernelConforms({
    ...conv2d,
    gpu: {
      ...conv2d.gpu,
      plan: (a: GpuPlanArgs<Conv2DOptions>) =>
        conv2d.gpu!.plan({ ...a, variants: { CONV_2D: "tiled" } }),
    },
  }, { precisions: ["f32"] });
});

const LIMITS = {
  maxInvocations: 256,
  maxWorkgroupSize: [256, 256, 64] as [number, number, number],
  maxWorkgroupStorageSize: 16384,
};

/** Convolutions of MobileNet v1/v2 and DeepLab v3: `[positions, in slices, out slices, taps]`. */
const SHAPES: [number, number, number, number][] = [
  [112 * 112, 1, 8, 9], // stem 3x3 s2 over RGB
  [112 * 112, 8, 16, 1],
  [56 * 56, 32, 32, 1],
  [28 * 28, 64, 64, 1],
  [14 * 14, 128, 128, 1],
  [7 * 7, 256, 256, 1],
  [7 * 7, 80, 320, 1],
  [33 * 33, 80, 64, 1],
  [65 * 65, 6, 36, 1],
];

Deno.test("convTile() fits the device and divides the input slices on real layer shapes", () => {
  for (const [m, inSlices, outSlices, taps] of SHAPES) {
    for (const limits of [LIMITS, { ...LIMITS, maxInvocations: 128 }]) {
      const t = convTile({ m, inSlices, outSlices, taps }, limits);
      const where = `${JSON.stringify([m, inSlices, outSlices, taps])} -> ${JSON.stringify(t)}`;
      assert.equal(tileProblem(t, taps * inSlices), undefined, where);
      assert.ok(t.tm * t.tn * t.ks <= limits.maxInvocations, where);
      assert.ok(convTileBytes(t) <= limits.maxWorkgroupStorageSize, where);
    }
  }
});

Deno.test("convTile() keeps the largest register tile on large layers and shrinks it on small ones", () => {
  const big = convTile({ m: 112 * 112, inSlices: 16, outSlices: 32, taps: 1 }, LIMITS);
  assert.deepEqual([big.rm, big.rn], [8, 2]);
  const small = convTile({ m: 7 * 7, inSlices: 256, outSlices: 256, taps: 1 }, LIMITS);
  const groups = Math.ceil(49 / (small.tm * small.rm)) * Math.ceil(256 / (small.tn * small.rn));
  assert.ok(groups >= CONV_MIN_WORKGROUPS, JSON.stringify(small));
  assert.ok(small.ks > 1, JSON.stringify(small));
});

Deno.test("tileProblem() names a chunk that does not divide the reduction's slices", () => {
  assert.match(tileProblem({ tm: 4, tn: 4, rm: 1, rn: 1, kc: 4, ks: 1 }, 6) ?? "", /divide 6/);
  assert.match(tileProblem({ tm: 4, tn: 4, rm: 1, rn: 1, kc: 2, ks: 4 }, 8) ?? "", /lanes/);
});
