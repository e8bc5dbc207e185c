/**
 * The user's own model files as benchmark networks: `deno task report --model a.tflite,dir` and
 * `GPULITE_BENCH_MODELS=a.tflite,dir deno bench -A` run files outside the catalogue through the same
 * measurements as the catalogue's networks. A folder stands for the `.tflite` files directly in it,
 * in name order. Inputs with dynamic (`-1`) dimensions run at the shape `--input-shape` gives them
 * (by input name or position), else at size 1 in those dimensions. A file whose tensors hold fewer
 * than {@linkcode TINY_ELEMENTS} elements together counts as `tiny` (the float64 reference runs on
 * it too), a larger one as `full`.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import type { Model } from "../core/ir.ts";
import { UsageError } from "../core/errors.ts";
import { readModel } from "../format/tflite/reader.ts";
import { writeModel } from "../format/tflite/writer.ts";
import { resolveInputShape } from "../core/exec_graph.ts";
import type { BenchNetwork } from "./networks.ts";

/** Elements of all tensors together below which a file counts as `tiny`. */
export const TINY_ELEMENTS = 1 << 20;

/** The environment variable `deno bench` reads model files from (comma-separated files or folders). */
export const BENCH_MODELS_ENV = "GPULITE_BENCH_MODELS";

/**
 * The `.tflite` files named by a list of files and folders, in order, without repeats.
 *
 * @example
 * ```ts ignore
 * const files = modelFilePaths(["a.tflite", "models/"]);
 * ```
 *
 * @param paths Files and folders.
 * @returns Absolute file paths.
 * @throws {UsageError} When a path does not exist, is not a `.tflite` file, or a folder holds none.
 */
export function modelFilePaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(p);
    } catch {
      throw new UsageError(`Model file ${p} does not exist`);
    }
    if (info.isDirectory) {
      const files = [...Deno.readDirSync(p)]
        .filter((e) => e.isFile && e.name.endsWith(".tflite"))
        .map((e) => resolve(p, e.name))
        .sort();
      if (!files.length) throw new UsageError(`Folder ${p} holds no .tflite files`);
      out.push(...files);
    } else if (p.endsWith(".tflite")) out.push(resolve(p));
    else throw new UsageError(`${p} is not a .tflite file or a folder`);
  }
  return [...new Set(out)];
}

/**
 * A model with the dynamic (`-1`) dimensions of its inputs set to 1, and whether it had any.
 *
 * @example
 * ```ts ignore
 * const { model, changed } = withStaticInputs(readModel(bytes));
 * ```
 *
 * @param model The model (changed in place).
 * @param inputShapes Shapes of dynamic inputs by input name or position (`--input-shape`).
 * @returns The model and whether a dimension was set.
 * @throws {UsageError} When a given shape does not fit its input.
 */
export function withStaticInputs(
  model: Model,
  inputShapes: Readonly<Record<string, readonly number[]>> = {},
): { model: Model; changed: boolean } {
  let changed = false;
  const g = model.subgraphs[0];
  (g?.inputs ?? []).forEach((t, k) => {
    const tensor = g.tensors[t];
    if (!tensor.shape.some((d) => d < 0)) return;
    const given = inputShapes[tensor.name] ?? inputShapes[String(k)];
    tensor.shape = given
      ? resolveInputShape(tensor, k, given)
      : tensor.shape.map((d) => (d < 0 ? 1 : d));
    changed = true;
  });
  return { model, changed };
}

function elementsOf(model: Model): number {
  return model.subgraphs[0].tensors.reduce(
    (n, t) => n + t.shape.reduce((a, d) => a * Math.max(d, 1), 1),
    0,
  );
}

/**
 * Benchmark networks of model files: one per `.tflite` file, its id the file name.
 *
 * @example
 * ```ts ignore
 * const nets = fileNetworks(["my_model.tflite"]);
 * const { model } = await nets[0].load();
 * ```
 *
 * @param paths Files and folders.
 * @param inputShapes Shapes of dynamic inputs by input name or position.
 * @returns The networks (ids made unique when two files share a name).
 */
export function fileNetworks(
  paths: readonly string[],
  inputShapes: Readonly<Record<string, readonly number[]>> = {},
): BenchNetwork[] {
  const seen = new Set<string>();
  return modelFilePaths(paths).map((path) => {
    const bytes = Deno.readFileSync(path);
    const { model } = withStaticInputs(readModel(bytes, { allowDangling: true }), inputShapes);
    const g = model.subgraphs[0];
    let id = basename(path);
    for (let k = 2; seen.has(id); k++) id = `${basename(path, ".tflite")}_${k}.tflite`;
    seen.add(id);
    return {
      id,
      name: basename(path, ".tflite"),
      kind: "file" as const,
      size: g && elementsOf(model) < TINY_ELEMENTS ? "tiny" as const : "full" as const,
      description: `${basename(path)}: ${
        g?.nodes.length ?? 0
      } ops (a model file given by the user)`,
      source: path,
      inputShapes: (g?.inputs ?? []).map((t) => [...g.tensors[t].shape]),
      load() {
        const raw = Deno.readFileSync(path);
        const loaded = withStaticInputs(readModel(raw, { allowDangling: true }), inputShapes);
        // The peers load what gpulite runs: the file, or its rewrite with static input shapes.
        const bytes = loaded.changed ? writeModel(loaded.model) : raw;
        return Promise.resolve({ model: loaded.model, bytes, path });
      },
    };
  });
}

/**
 * The model files named by {@linkcode BENCH_MODELS_ENV}, or none when it is unset.
 *
 * @example
 * ```ts
 * import { envModelFiles } from "./model_files.ts";
 * if (!Array.isArray(envModelFiles())) throw new Error("wrong");
 * ```
 *
 * @returns The paths as given (files and folders).
 */
export function envModelFiles(): string[] {
  let value: string | undefined;
  try {
    value = Deno.env.get(BENCH_MODELS_ENV);
  } catch {
    return [];
  }
  return (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}
