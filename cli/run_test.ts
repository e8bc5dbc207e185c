import assert from "node:assert/strict";
import { main } from "./main.ts";
import type { RunSummary } from "./run.ts";

const MODEL = new URL("../../shared/models/networks/mobilenet_v1_0.25_224.tflite", import.meta.url)
  .pathname;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

Deno.test("run --profile on the gpu reports where each run's milliseconds go", async () => {
  const c = capture();
  const code = await main(["run", MODEL, "--profile", "--iterations", "2", "--json"], { io: c.io });
  assert.equal(code, 0, c.err.join(" "));
  const summary: RunSummary = JSON.parse(c.out.join("\n"));
  const t = summary.timeline;
  assert.ok(t, "a timeline");
  assert.equal(t.runs, 2);
  assert.ok(t.phases.wait.median > 0, "waiting for the GPU takes time");
  const phases = Object.values(t.phases).reduce((a, p) => a + p.median, 0);
  assert.ok(phases <= t.total.max * 1.01, `phases ${phases} within the total ${t.total.max}`);
  assert.ok(Object.keys(summary.profile ?? {}).includes("CONV_2D"), "per-op times as well");
  const setup = summary.setup!;
  for (const phase of ["bind", "device", "plan", "allocate", "programs", "settle"]) {
    assert.ok(setup.phases[phase] >= 0, `creation phase ${phase}`);
  }
  const p = setup.pipelines!;
  assert.ok(p.compiled + p.reused > 0 && p.compiled + p.reused <= 31 * 4, JSON.stringify(p));
});

Deno.test("run --profile on the cpu backend has per-op times and no GPU timeline", async () => {
  const c = capture();
  const code = await main(
    ["run", MODEL, "--backend", "cpu", "--profile", "--iterations", "1", "--json"],
    { io: c.io },
  );
  assert.equal(code, 0, c.err.join(" "));
  const summary: RunSummary = JSON.parse(c.out.join("\n"));
  assert.equal(summary.timeline, undefined);
  assert.ok((summary.profile?.CONV_2D ?? 0) > 0);
});

Deno.test("run binds a model whose shapes follow an input's value for the values it feeds", async () => {
  const model = new URL(
    "../../shared/models/ops/litert_test__simple_topk_op_runtime_k.tflite",
    import.meta.url,
  ).pathname;
  const c = capture();
  const code = await main(["run", model, "--backend", "reference", "--iterations", "1"], {
    io: c.io,
  });
  assert.equal(code, 0, c.err.join(" "));
  // TOPK_V2's two outputs have k columns, k being the random value fed as input 0.
  const shapes = c.out.filter((l) => l.startsWith("output ")).map((l) => l.split(" ").at(-1));
  assert.equal(shapes.length, 2);
  assert.equal(shapes[0]!.replace("int32", ""), shapes[1]!.replace("float32", ""));
});

Deno.test("run --zero-copy writes the same outputs as the copying runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gpulite_zero_copy_" });
  try {
    const written: Uint8Array[] = [];
    for (const extra of [[], ["--zero-copy"]]) {
      const c = capture();
      const file = `${dir}/out${extra.length}.npy`;
      const args = ["run", MODEL, "--iterations", "2", ...extra, "--output", file];
      assert.equal(await main(args, { io: c.io }), 0, c.err.join(" "));
      written.push(await Deno.readFile(file));
    }
    assert.ok(written[0].length > 1000, "an output was written");
    assert.deepEqual(written[1], written[0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
