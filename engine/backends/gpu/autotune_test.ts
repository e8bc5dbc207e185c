import assert from "node:assert/strict";
import { acquireDevice } from "./device.ts";
import { autotune } from "./autotune.ts";
import { validateSessionOptions } from "../../options.ts";
import { GpuExecutor } from "./executor.ts";
import { caseGraph, materializeInputs } from "../../../conformance/harness.ts";
import { compareTensors } from "../../../conformance/compare.ts";
import { conv2d } from "../../../kernels/conv_2d/mod.ts";
import type { ConvTile } from "../../../kernels/conv_2d/tiled.ts";
import type { OpCase } from "../../../core/kernel.ts";

const CASE: OpCase = {
  name: "pointwise 16x16x16 -> 32",
  inputs: [
    { dtype: "float32", shape: [1, 16, 16, 16] },
    { dtype: "float32", shape: [32, 1, 1, 16], constant: true },
    { dtype: "float32", shape: [32], constant: true },
  ],
  options: { padding: "VALID", strideW: 1, strideH: 1 },
};

Deno.test("autotune() times a conv's tiles once, caches the choice, and plans with it", async () => {
  const gpu = await acquireDevice();
  const cacheFile = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const values = materializeInputs(CASE, 1);
    const graph = caseGraph(conv2d, CASE, values);
    const variants = { CONV_2D: "tiled" };
    const r = await autotune(gpu, graph, { precision: "f32", runs: 1, cacheFile, variants });
    assert.equal(r.skipped, undefined);
    assert.equal(r.timed, 1);
    assert.ok(r.candidates >= 2, `${r.candidates} candidates`);
    const [key, choice] = Object.entries(r.tuned)[0];
    assert.match(key, /^CONV_2D 1x16x16x16 -> 1x16x16x32 k1x1/);
    const saved = JSON.parse(await Deno.readTextFile(cacheFile));
    assert.deepEqual(saved[gpu.adapterName][key], choice);

    const again = await autotune(gpu, graph, { precision: "f32", runs: 1, cacheFile, variants });
    assert.equal(again.timed, 0);
    assert.equal(again.cached, 1);
    assert.deepEqual(again.tuned, r.tuned);

    const t = choice as ConvTile;
    const tuned = await GpuExecutor.fromGraph(gpu, graph, { tuned: r.tuned, variants });
    const plain = await GpuExecutor.fromGraph(gpu, graph, { variants });
    try {
      const label = tuned.plan.programs[0]![0].label;
      assert.ok(
        label.includes(`r${t.rm}x${t.rn} t${t.tm}x${t.tn} kc${t.kc} ks${t.ks}`),
        `${label} is not the tuned tile ${JSON.stringify(t)}`,
      );
      const x = values[0]!;
      const [a] = await tuned.run([x]);
      const [b] = await plain.run([x]);
      assert.ok(compareTensors(a, b).rel < 1e-5);
    } finally {
      tuned.dispose();
      plain.dispose();
    }
  } finally {
    await Deno.remove(cacheFile);
    gpu.device.destroy();
  }
});

Deno.test("createSession() options name a bad autotune or variants value", () => {
  assert.throws(
    () => validateSessionOptions({ autotune: "yes" }),
    /autotune must be true, false or \{ cacheFile: string \}/,
  );
  assert.throws(
    () => validateSessionOptions({ variants: { CONV_2D: 1 } }),
    /variants must be an object of variant names by op/,
  );
  validateSessionOptions({
    autotune: { cacheFile: "tiles.json" },
    variants: { CONV_2D: "direct" },
  });
});
