/**
 * Locations of the shared real models that tests read in place (never copied).
 *
 * @module
 */

/** The shared models folder, `../shared/models` beside the checkout. */
export const MODELS_DIR: string = new URL("../../../shared/models/", import.meta.url).pathname;

/**
 * Every `.tflite` file under the shared models folder, as `folder/name` paths relative to it, sorted.
 *
 * @returns Relative paths.
 */
export function modelFiles(
  folders: readonly string[] = ["networks", "quantized", "ops"],
): string[] {
  const out: string[] = [];
  for (const folder of folders) {
    for (const e of Deno.readDirSync(`${MODELS_DIR}${folder}`)) {
      if (e.isFile && e.name.endsWith(".tflite")) out.push(`${folder}/${e.name}`);
    }
  }
  return out.sort();
}

/** Models that read a tensor no node produces (accepted only with `allowDangling`). */
export const DANGLING_MODELS: readonly string[] = [
  "ops/litert_test__blockwise_quantized.tflite",
  "ops/tflite_testdata__add_shared_tensors.tflite",
];
