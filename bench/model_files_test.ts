// The report and the benchmarks on model files outside the catalogue: file and folder selection,
// dynamic input dimensions, and a CI-sized run of `deno task report --model` on a tiny file written
// with the GraphBuilder.

import { deepStrictEqual, ok, strictEqual, throws } from "node:assert";
import { GraphBuilder } from "../format/tflite/builder.ts";
import { writeModel } from "../format/tflite/writer.ts";
import { UsageError } from "../core/errors.ts";
import { fileNetworks, modelFilePaths } from "./model_files.ts";

/** Writes a two-op model (ADD of a constant, then RELU6) with the given input shape. */
function tinyModel(shape: number[]): Uint8Array {
  const g = new GraphBuilder({ description: "my own tiny model" });
  const c = shape.at(-1)!;
  const x = g.input("x", "float32", shape);
  const b = g.constant("b", "float32", [c], new Float32Array(c).map((_, i) => i / 4 - 0.5));
  const [s] = g.op("ADD", [x, b], [{
    dtype: "float32",
    shape: shape.map((d) => Math.max(d, 1)),
    name: "s",
  }], {
    options: { fusedActivationFunction: "NONE" },
  });
  const [y] = g.op("RELU6", [s], [{
    dtype: "float32",
    shape: shape.map((d) => Math.max(d, 1)),
    name: "y",
  }]);
  g.output(y);
  return writeModel(g.build());
}

async function tempModels(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "gpulite_models_" });
  await Deno.writeFile(`${dir}/my_adder.tflite`, tinyModel([1, 4, 4, 3]));
  await Deno.writeFile(`${dir}/dynamic_batch.tflite`, tinyModel([-1, 5]));
  await Deno.writeTextFile(`${dir}/notes.txt`, "not a model");
  return dir;
}

Deno.test("modelFilePaths() expands a folder to its .tflite files in name order and refuses the rest", async () => {
  const dir = await tempModels();
  try {
    const files = modelFilePaths([dir, `${dir}/my_adder.tflite`]);
    deepStrictEqual(files.map((f) => f.split("/").pop()), [
      "dynamic_batch.tflite",
      "my_adder.tflite",
    ]);
    throws(() => modelFilePaths([`${dir}/notes.txt`]), UsageError);
    throws(() => modelFilePaths([`${dir}/missing.tflite`]), UsageError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fileNetworks() runs dynamic input dimensions at 1 and gives the peers static shapes", async () => {
  const dir = await tempModels();
  try {
    const [dyn] = fileNetworks([`${dir}/dynamic_batch.tflite`]);
    strictEqual(dyn.id, "dynamic_batch.tflite");
    strictEqual(dyn.size, "tiny", "a small file runs on the float64 reference too");
    deepStrictEqual(dyn.inputShapes, [[1, 5]]);
    const { model, bytes } = await dyn.load();
    const g = model.subgraphs[0];
    deepStrictEqual(g.tensors[g.inputs[0]].shape, [1, 5]);
    ok(bytes.byteLength > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task report --model writes the report of a file outside the catalogue", async () => {
  const dir = await tempModels();
  const out = `${dir}/out`;
  try {
    const child = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./report.ts", import.meta.url).pathname,
        "--model",
        `${dir}/my_adder.tflite`,
        "--runs",
        "2",
        "--peers",
        "none",
        "--provider",
        "deno",
        "--out",
        out,
        "--quiet",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    strictEqual(
      child.code,
      0,
      `report.ts failed:\n${new TextDecoder().decode(child.stderr).slice(-2000)}`,
    );
    for (const name of ["report.json", "report.md", "report.html"]) {
      const text = await Deno.readTextFile(`${out}/${name}`);
      ok(text.includes("my_adder.tflite"), `${name} does not name the model`);
    }
    const report = JSON.parse(await Deno.readTextFile(`${out}/report.json`));
    deepStrictEqual(report.networks.map((n: { id: string }) => n.id), ["my_adder.tflite"]);
    const net = report.networks[0];
    strictEqual(net.status, "ok");
    ok(
      net.backends.some((b: { id: string; status: string }) =>
        b.id.startsWith("cpu") && b.status === "ok"
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task report refuses a --model that is not a model file", async () => {
  const child = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./report.ts", import.meta.url).pathname,
      "--model",
      "no_such.tflite",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  strictEqual(child.code, 2);
  ok(new TextDecoder().decode(child.stderr).includes("no_such.tflite"));
});
