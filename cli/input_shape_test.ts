/** `--input-shape` and `.npy` inputs resolve a dynamic model's shapes in `run`, `compare` and `plan`. */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { main } from "./main.ts";
import { writeModel } from "../format/tflite/writer.ts";
import { writeNpy } from "../format/npy.ts";
import { buildDynamicDilatedModel } from "../engine/dynamic_model_testing.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

async function dynamicFile(): Promise<string> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/dynamic.tflite`;
  await Deno.writeFile(path, writeModel(buildDynamicDilatedModel()));
  return path;
}

Deno.test("run takes a dynamic model's shapes from --input-shape and from .npy inputs", async () => {
  const path = await dynamicFile();
  const common = ["--backend", "reference", "--iterations", "1", "--json"];
  const outShape = async (extra: string[]) => {
    const file = path.replace(".tflite", `${extra.length}.json`);
    const c = capture();
    equal(await main(["run", path, ...common, ...extra, "--output", file], { io: c.io }), 0);
    return JSON.parse(await Deno.readTextFile(file)).outputs[0].shape;
  };
  deepStrictEqual(await outShape(["--input-shape", "x=2x6x5x3"]), [2, 30, 4]);
  const npy = path.replace(".tflite", ".npy");
  const x = { dtype: "float32" as const, shape: [1, 9, 4, 3], data: new Float32Array(108).fill(1) };
  await Deno.writeFile(npy, writeNpy(x));
  deepStrictEqual(await outShape(["--input", npy]), [1, 36, 4]);
});

Deno.test("run without the shape of a dynamic input names it; plan falls back to the file's graph", async () => {
  const path = await dynamicFile();
  const run = capture();
  equal(await main(["run", path, "--backend", "reference"], { io: run.io }), 2);
  ok(/Input 0 "x" has dynamic dimensions \[-1,-1,-1,3\]/.test(run.err.join("\n")), run.err.join());
  const bad = capture();
  equal(await main(["run", path, "--input-shape", "x1x2"], { io: bad.io }), 2);
  ok(/--input-shape must look like NAME=1x64x64x3/.test(bad.err.join("\n")), bad.err.join());
  const plain = capture();
  equal(await main(["plan", path, "--json"], { io: plain.io }), 0);
  equal(JSON.parse(plain.out.join("")).source, "file-graph");
  const shaped = capture();
  equal(await main(["plan", path, "--json", "--input-shape", "0=1x32x32x3"], { io: shaped.io }), 0);
  equal(JSON.parse(shaped.out.join("")).source, "exec-graph");
});

Deno.test("compare checks a dynamic model on the GPU at the shape given", async () => {
  const path = await dynamicFile();
  const c = capture();
  equal(await main(["compare", path, "--json", "--input-shape", "x=1x11x7x3"], { io: c.io }), 0);
  ok(JSON.parse(c.out.join("")).outputs.every((o: { ok: boolean }) => o.ok));
});
