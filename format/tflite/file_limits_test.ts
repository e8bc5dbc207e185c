import { ok, rejects } from "node:assert";
import { ModelFormatError } from "../../core/errors.ts";
import { readModelFile } from "./reader.ts";
import { MODELS_DIR } from "./_test_models.ts";

/** A sparse file of `size` bytes that starts with `head`: it takes no disk space and no time. */
async function sparseFile(size: number, head: Uint8Array): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".tflite" });
  await Deno.writeFile(path, head);
  await Deno.truncate(path, size);
  return path;
}

const TFL3 = new Uint8Array([16, 0, 0, 0, 84, 70, 76, 51]);

Deno.test("readModelFile() refuses a 3 GB file by its size without reading it", async () => {
  const path = await sparseFile(3 * 2 ** 30, TFL3);
  try {
    const t0 = performance.now();
    await rejects(readModelFile(path), (e: Error) => {
      ok(e instanceof ModelFormatError, String(e));
      ok(e.message.includes("holds 3 GiB, more than the 2 GiB limit (maxFileBytes)"), e.message);
      return true;
    });
    const ms = performance.now() - t0;
    ok(ms < 500, `took ${ms} ms`);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readModelFile() refuses a large file with a wrong header without reading it", async () => {
  const size = 1.5 * 2 ** 30;
  const path = await sparseFile(size, new TextEncoder().encode("PK\x03\x04 not a model"));
  try {
    const t0 = performance.now();
    await rejects(readModelFile(path), (e: Error) => {
      ok(e instanceof ModelFormatError, String(e));
      ok(
        e.message.startsWith('Not a TensorFlow Lite model: file identifier is " not"'),
        e.message,
      );
      return true;
    });
    const ms = performance.now() - t0;
    ok(ms < 500, `took ${ms} ms`);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("readModelFile() applies maxFileBytes and still reads real models", async () => {
  const path = `${MODELS_DIR}networks/facedetector_front.tflite`;
  await rejects(readModelFile(path, { maxFileBytes: 1000 }), ModelFormatError);
  const model = await readModelFile(path);
  ok(model.subgraphs[0].nodes.length > 0);
  await rejects(readModelFile(MODELS_DIR), /not a file/);
});
